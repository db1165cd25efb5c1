package io.strait.admin;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Not thread-safe (one per response). A small JSON writer: enough for the admin's pages without a JSON library.
 * Values of {@link #value} may be maps with string keys, iterables, strings, numbers, booleans, enums and null;
 * anything else is written as its {@code toString()}. Non-finite doubles are written as null.
 */
final class Json {

    private final StringBuilder out;

    Json(final StringBuilder out) {
        this.out = out;
    }

    /** The tree {@code value} as JSON text. */
    static String write(final Object value) {
        final StringBuilder sb = new StringBuilder(256);
        new Json(sb).value(value);
        return sb.toString();
    }

    Json value(final Object v) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof Double || v instanceof Float) {
            number(((Number) v).doubleValue());
        } else if (v instanceof Number n) {
            out.append(n);
        } else if (v instanceof Map<?, ?> m) {
            map(m);
        } else if (v instanceof Iterable<?> it) {
            list(it.iterator());
        } else if (v instanceof Object[] a) {
            list(List.of(a).iterator());
        } else if (v instanceof Enum<?> e) {
            string(e.name().toLowerCase(java.util.Locale.ROOT));
        } else {
            string(v.toString());
        }
        return this;
    }

    private void map(final Map<?, ?> m) {
        out.append('{');
        boolean first = true;
        for (final Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(String.valueOf(e.getKey()));
            out.append(':');
            value(e.getValue());
        }
        out.append('}');
    }

    private void list(final Iterator<?> it) {
        out.append('[');
        boolean first = true;
        while (it.hasNext()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            value(it.next());
        }
        out.append(']');
    }

    /** A finite double in its shortest decimal form, null otherwise. */
    void number(final double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else {
            out.append(BigDecimal.valueOf(d).stripTrailingZeros().toPlainString());
        }
    }

    void string(final String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
