package io.strait.core.server;

import java.util.List;

/**
 * Immutable. What {@link ProxyServer#reload} did: {@code applied} when the new configuration is in force (then
 * {@code errors} lists what of it could not be applied, e.g. a new listener's address that could not be bound);
 * otherwise nothing changed and {@code errors} says why.
 *
 * @param applied true if the new snapshot is in force
 * @param errors  every error, each naming the configuration field it is about; empty on a clean reload
 */
public record ReloadResult(boolean applied, List<String> errors) {

    /** Applied, no error. */
    public static final ReloadResult OK = new ReloadResult(true, List.of());

    /** Copies {@code errors}. */
    public ReloadResult {
        errors = List.copyOf(errors);
    }

    static ReloadResult failed(final List<String> errors) {
        return new ReloadResult(false, errors);
    }

    static ReloadResult partial(final List<String> errors) {
        return new ReloadResult(true, errors);
    }

    /** True when applied with no error. */
    public boolean ok() {
        return applied && errors.isEmpty();
    }
}
