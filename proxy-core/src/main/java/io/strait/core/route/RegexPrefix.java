package io.strait.core.route;

import java.nio.charset.StandardCharsets;

/**
 * Stateless. The literal prefix every whole-input match of a regex must start with, found conservatively from the
 * pattern's text, so a route can refuse most non-matching paths with a byte compare before running the (linear but
 * not cheap: microseconds) RE2 engine. The prefix is the pattern's leading run of characters that are literals in
 * RE2 syntax (ASCII letters, digits and {@code /-_~%=,;:@&!'"<>#}), less its last character when a quantifier
 * follows it; it is empty when the pattern has a '|' anywhere (an alternation may make the prefix optional).
 */
final class RegexPrefix {

    private static final byte[] NONE = new byte[0];
    private static final String LITERALS = "/-_~%=,;:@&!'\"<>#";

    private RegexPrefix() {
    }

    /** The literal prefix of {@code regex} as ASCII bytes; empty when there is none (or it is not certain). */
    static byte[] of(final String regex) {
        if (regex.indexOf('|') >= 0) {
            return NONE;
        }
        int n = 0;
        while (n < regex.length() && isLiteral(regex.charAt(n))) {
            n++;
        }
        if (n < regex.length() && n > 0 && isQuantifier(regex.charAt(n))) {
            n--;   // "ab*" requires only "a"
        }
        return n == 0 ? NONE : regex.substring(0, n).getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean isLiteral(final char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || LITERALS.indexOf(c) >= 0;
    }

    private static boolean isQuantifier(final char c) {
        return c == '*' || c == '+' || c == '?' || c == '{';
    }
}
