package io.strait.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. One header line as received: its name with the case it was sent in, and its value with surrounding
 * whitespace trimmed.
 *
 * @param name  the field name, case preserved
 * @param value the field value
 */
public record HeaderField(String name, String value) {

    /**
     * Checks both parts are present.
     */
    public HeaderField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    /**
     * Returns the first value of {@code name} (case-insensitive) in {@code fields}, or null.
     */
    static String first(final List<HeaderField> fields, final String name) {
        for (final HeaderField f : fields) {
            if (f.name.equalsIgnoreCase(name)) {
                return f.value;
            }
        }
        return null;
    }

    /**
     * Returns every value of {@code name} (case-insensitive) in {@code fields}, in order.
     */
    static List<String> all(final List<HeaderField> fields, final String name) {
        final List<String> values = new ArrayList<>(2);
        for (final HeaderField f : fields) {
            if (f.name.equalsIgnoreCase(name)) {
                values.add(f.value);
            }
        }
        return List.copyOf(values);
    }

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
