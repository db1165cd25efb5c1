package io.strait.core.config.yaml;

import io.strait.core.config.yaml.YamlNode.ScalarKind;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Thread-safe (SnakeYAML's {@link Resolver} is only read once built). The kind of one scalar: YAML 1.1's implicit
 * types as SnakeYAML's resolver recognises them, with three departures the configuration wants: only {@code true} and
 * {@code false} (any case) are booleans ({@code yes}, {@code no}, {@code on}, {@code off} stay strings), a quoted
 * scalar is always a string, and an integer must read as one ({@code 1:30}, base 60, is a string). These are the
 * rules the reader had when Jackson's YAML parser resolved scalars; the reader's tests pin each of them.
 *
 * <p>Explicit core tags are honoured as they were: {@code !!str}, {@code !!int}, {@code !!float}, {@code !!bool},
 * {@code !!null}; a local tag ({@code !foo x}) makes a string, {@code !!binary} is refused.
 */
final class ScalarKinds {

    /** Digits allowed in a hexadecimal, octal or binary integer (Jackson's limit on a number's length). */
    static final int MAX_NUMBER_DIGITS = 1000;

    private static final Resolver RESOLVER = new Resolver();
    private static final String CORE_TAGS = "tag:yaml.org,2002:";

    private ScalarKinds() {
    }

    /**
     * The kind of {@code scalar}.
     *
     * @throws IllegalArgumentException with a message fit for a user when the scalar cannot be read (an {@code !!int}
     *                                  that is not a valid integer, a number too long, a {@code !!binary})
     */
    static ScalarKind of(final ScalarEvent scalar) {
        final String value = scalar.getValue();
        final String tag = scalar.getTag();
        if (tag == null || tag.equals("!")) {
            return implicit(value, scalar.getImplicit().canOmitTagInPlainScalar());
        }
        return tagged(coreName(tag), value);
    }

    private static ScalarKind implicit(final String value, final boolean plain) {
        final Tag tag = RESOLVER.resolve(NodeId.scalar, value, plain);
        if (tag == Tag.INT) {
            return integer(value, null);
        }
        if (tag == Tag.FLOAT) {
            return ScalarKind.FLOAT;
        }
        if (tag == Tag.BOOL) {
            return isTrueOrFalse(value) ? ScalarKind.BOOL : ScalarKind.STRING;
        }
        return tag == Tag.NULL ? ScalarKind.NULL : ScalarKind.STRING;
    }

    /** An explicit tag: the core ones by their short name, anything else makes a string. */
    private static ScalarKind tagged(final String name, final String value) {
        if (name.equals("binary")) {
            throw new IllegalArgumentException("the YAML tag !!binary is not supported");
        }
        if (name.equals("bool")) {
            return isTrueOrFalse(value) ? ScalarKind.BOOL : ScalarKind.STRING;
        }
        if (value.isEmpty()) {
            return ScalarKind.STRING;
        }
        return switch (name) {
            case "int" -> integer(value, "!!int");
            case "float" -> ScalarKind.FLOAT;
            case "null" -> ScalarKind.NULL;
            default -> ScalarKind.STRING;
        };
    }

    /** {@code tag:yaml.org,2002:int} → {@code int}; a tag of another namespace is returned whole. */
    private static String coreName(final String tag) {
        if (!tag.startsWith(CORE_TAGS)) {
            return tag;
        }
        final String name = tag.substring(CORE_TAGS.length());
        final int comma = name.indexOf(',');
        return comma < 0 ? name : name.substring(0, comma);
    }

    private static boolean isTrueOrFalse(final String value) {
        return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
    }

    /**
     * INT when {@code value} reads as an integer: an optional sign, then 0, a decimal number with optional '_'
     * separators, or 0b / 0x / 0 and binary, hexadecimal or octal digits; STRING when it does not start like one
     * (base 60, {@code 1.5} tagged !!int). A number that starts like one but is broken is refused, as Jackson did.
     */
    private static ScalarKind integer(final String value, final String tag) {
        final int len = value.length();
        int i = value.charAt(0) == '-' || value.charAt(0) == '+' ? 1 : 0;
        if (i == len) {
            throw notAnInteger(value, tag);
        }
        if (value.charAt(i) == '0') {
            if (++i == len) {
                return ScalarKind.INT;
            }
            final char c = value.charAt(i);
            if (c == 'b' || c == 'B') {
                return digits(value, i + 1, 2, tag);
            }
            if (c == 'x' || c == 'X') {
                return digits(value, i + 1, 16, tag);
            }
            if (c >= '0' && c <= '9' || c == '_') {
                return digits(value, i, 8, tag);
            }
            return ScalarKind.STRING;
        }
        boolean anyDigit = false;
        for (; i < len; i++) {
            final char c = value.charAt(i);
            if (c >= '0' && c <= '9') {
                anyDigit = true;
            } else if (c != '_') {
                return ScalarKind.STRING;
            }
        }
        if (!anyDigit) {
            throw notAnInteger(value, tag);
        }
        return ScalarKind.INT;
    }

    /** INT when {@code value} from {@code from} on is digits of {@code radix} and '_' separators, a digit at least. */
    private static ScalarKind digits(final String value, final int from, final int radix, final String tag) {
        int count = 0;
        for (int i = from; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '_') {
                continue;
            }
            if (Character.digit(c, radix) < 0) {
                throw notAnInteger(value, tag);
            }
            count++;
        }
        if (count == 0) {
            throw notAnInteger(value, tag);
        }
        if (count > MAX_NUMBER_DIGITS) {
            throw new IllegalArgumentException("the number has " + count + " digits (at most " + MAX_NUMBER_DIGITS
                + ")");
        }
        return ScalarKind.INT;
    }

    private static IllegalArgumentException notAnInteger(final String value, final String tag) {
        return new IllegalArgumentException("'" + value + "' is not an integer" + (tag == null ? "" : " (tagged "
            + tag + ")"));
    }
}
