package io.strait.core.config;

import java.util.List;

/**
 * Immutable. The outcome of loading a configuration: either a validated {@link StraitConfig} and no errors, or a null
 * config and every error found.
 *
 * @param config the validated configuration; null unless {@link #ok()}
 * @param errors every error found, ordered by position in the file; empty when the configuration is valid
 */
public record ConfigResult(StraitConfig config, List<ConfigError> errors) {

    /** Copies the error list and checks that exactly one of "a config" and "some errors" holds. */
    public ConfigResult {
        errors = List.copyOf(errors);
        if ((config == null) == errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigResult has either a config or errors, not both or neither");
        }
    }

    /** True when the configuration is valid ({@link #config()} is then non-null and {@link #errors()} empty). */
    public boolean ok() {
        return errors.isEmpty();
    }
}
