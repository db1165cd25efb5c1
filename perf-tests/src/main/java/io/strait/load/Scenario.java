package io.strait.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Immutable: a scenario file, {@code key = value} lines with the long options' names as keys ({@code #} starts a
 * comment line, blank lines are ignored, {@code header} may repeat). Applied to a {@link LoadOptions.Builder} before
 * the command line's flags, so flags override it.
 *
 * @param name    the file name
 * @param entries the key/value pairs in file order
 */
public record Scenario(String name, List<Map.Entry<String, String>> entries) {

    /** Copies the entries. */
    public Scenario {
        entries = List.copyOf(entries);
    }

    /**
     * Reads and parses a scenario file.
     *
     * @throws IllegalArgumentException on a malformed line (with its number) or an unreadable file
     */
    public static Scenario load(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new IllegalArgumentException("cannot read scenario " + file + ": " + e.getMessage(), e);
        }
        return parse(file.getFileName().toString(), lines);
    }

    /** Parses scenario lines; {@code name} is used in error messages. */
    public static Scenario parse(final String name, final List<String> lines) {
        final List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": expected 'key = value', got '" + line
                    + "'");
            }
            final String key = line.substring(0, eq).strip();
            if (!LoadOptions.Builder.KEYS.contains(key)) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": unknown key '" + key + "'; known: "
                    + LoadOptions.Builder.KEYS);
            }
            out.add(Map.entry(key, line.substring(eq + 1).strip()));
        }
        return new Scenario(name, out);
    }

    /** Applies every entry to the builder, in file order. */
    public void applyTo(final LoadOptions.Builder b) {
        b.scenario(name);
        for (final Map.Entry<String, String> e : entries) {
            try {
                b.set(e.getKey(), e.getValue());
            } catch (final IllegalArgumentException ex) {
                throw new IllegalArgumentException(name + ": " + ex.getMessage(), ex);
            }
        }
    }
}
