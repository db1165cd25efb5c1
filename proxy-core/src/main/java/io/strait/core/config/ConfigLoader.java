package io.strait.core.config;

import io.strait.core.config.validate.ConfigValidator;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlTreeReader;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Thread-safe (stateless). Loads Strait's YAML configuration: reads it into a located tree, binds it to
 * {@link StraitConfig} and validates it, reporting every error with its field path, line and column (see
 * docs/CONFIG.md for the format). YAML anchors and aliases are rejected. Call it off the event loops: it reads files
 * (the configuration, and the TLS certificates it names, whose contexts it builds to validate them).
 */
public final class ConfigLoader {

    private static final Comparator<ConfigError> BY_POSITION =
        Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column);

    private ConfigLoader() {
    }

    /**
     * Reads and validates the UTF-8 file {@code file}; the errors name it as given. An unreadable file gives one error
     * without a position.
     */
    public static ConfigResult load(final Path file) {
        final String source = file.toString();
        final String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (final NoSuchFileException e) {
            return failed(new ConfigError(source, "", 0, 0, "cannot read the configuration: no such file"));
        } catch (final CharacterCodingException e) {
            return failed(new ConfigError(source, "", 0, 0, "cannot read the configuration: it is not UTF-8"));
        } catch (final IOException e) {
            return failed(new ConfigError(source, "", 0, 0, "cannot read the configuration: " + e));
        }
        final Path dir = file.toAbsolutePath().getParent();
        return parse(yaml, source, dir == null ? Path.of("") : dir);
    }

    /**
     * Parses and validates {@code yaml}; {@code sourceName} names it in errors (a file name, "inline", ...).
     * Relative file paths in it (TLS certificates) resolve against the working directory.
     */
    public static ConfigResult parse(final String yaml, final String sourceName) {
        return parse(yaml, sourceName, Path.of(""));
    }

    /**
     * Parses and validates {@code yaml}, resolving relative file paths in it (TLS certificates) against
     * {@code baseDir}; {@code sourceName} names it in errors.
     */
    public static ConfigResult parse(final String yaml, final String sourceName, final Path baseDir) {
        final List<ConfigError> errors = new ArrayList<>();
        final YamlNode root = YamlTreeReader.read(yaml, sourceName, errors);
        StraitConfig config = null;
        if (root != null) {
            config = new ConfigValidator(sourceName, errors, baseDir).bind(root);
        }
        if (!errors.isEmpty()) {
            errors.sort(BY_POSITION);
            return new ConfigResult(null, errors);
        }
        return new ConfigResult(config, List.of());
    }

    private static ConfigResult failed(final ConfigError error) {
        return new ConfigResult(null, List.of(error));
    }
}
