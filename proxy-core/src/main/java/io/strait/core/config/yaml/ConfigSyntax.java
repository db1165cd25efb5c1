package io.strait.core.config.yaml;

import io.netty.util.NetUtil;
import io.strait.core.config.HostPort;

import java.util.List;
import java.util.Locale;

/**
 * Thread-safe (stateless). Syntax checks for the config's small languages: {@code host:port} addresses, virtual-host
 * domains, HTTP tokens and header values, object names, and "did you mean" suggestions. Methods that parse throw {@link
 * IllegalArgumentException} with a message fit for a user; the validator adds the field path.
 */
public final class ConfigSyntax {

    private static final int MAX_HOSTNAME = 253;
    private static final int MAX_LABEL = 63;
    private static final int MAX_PORT = 65535;

    private ConfigSyntax() {
    }

    /**
     * Parses {@code host:port}: an IPv4 address, a host name or a bracketed IPv6 address, then a port in
     * {@code minPort..65535}. With {@code portOptional} a missing port yields port -1.
     */
    public static HostPort hostPort(final String s, final int minPort, final boolean portOptional) {
        final String host;
        final String port;
        if (s.startsWith("[")) {
            final int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + s + "' has no closing ']' after the IPv6 address");
            }
            host = s.substring(1, close);
            if (!NetUtil.isValidIpV6Address(host)) {
                throw new IllegalArgumentException("'" + host + "' is not a valid IPv6 address");
            }
            final String rest = s.substring(close + 1);
            if (rest.isEmpty() && portOptional) {
                return new HostPort(host, -1);
            }
            if (!rest.startsWith(":")) {
                throw new IllegalArgumentException("'" + s + "' is not host:port (expected ':port' after ']')");
            }
            port = rest.substring(1);
        } else {
            final int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') != colon) {
                throw new IllegalArgumentException("'" + s + "' is not host:port (write IPv6 addresses in brackets, "
                    + "e.g. [::1]:8080)");
            }
            if (colon < 0) {
                if (portOptional) {
                    checkHost(s, s);
                    return new HostPort(s, -1);
                }
                throw new IllegalArgumentException("'" + s + "' is not host:port (the port is missing, e.g. "
                    + (s.isEmpty() ? "127.0.0.1" : s) + ":8080)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            checkHost(host, s);
        }
        return new HostPort(host, port(port, s, minPort));
    }

    private static void checkHost(final String host, final String whole) {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + whole + "' has no host (use 0.0.0.0 for every IPv4 address)");
        }
        if (looksNumeric(host)) {
            if (!NetUtil.isValidIpV4Address(host)) {
                throw new IllegalArgumentException("'" + host + "' is not a valid IPv4 address");
            }
            return;
        }
        if (!isHostname(host)) {
            throw new IllegalArgumentException("'" + host + "' is not a valid host name");
        }
    }

    private static int port(final String port, final String whole, final int minPort) {
        if (port.isEmpty() || port.length() > 5 || !allDigits(port)) {
            throw new IllegalArgumentException("'" + whole + "' has an invalid port '" + port + "'");
        }
        final int value = Integer.parseInt(port);
        if (value < minPort || value > MAX_PORT) {
            throw new IllegalArgumentException("port " + value + " is out of range " + minPort + ".." + MAX_PORT);
        }
        return value;
    }

    /**
     * Validates and normalises a virtual-host domain: {@code *}, {@code *.suffix}, or a host name, IPv4 address or
     * bracketed IPv6 address with an optional {@code :port}. Returns it in lower case.
     */
    public static String domain(final String s) {
        final String d = s.toLowerCase(Locale.ROOT);
        if (d.equals("*")) {
            return d;
        }
        if (d.startsWith("*.")) {
            final String suffix = d.substring(2);
            if (suffix.indexOf('*') >= 0 || !isHostname(suffix)) {
                throw new IllegalArgumentException("'" + s + "' is not a valid wildcard domain (expected *.suffix, "
                    + "e.g. *.example.com)");
            }
            return d;
        }
        if (d.indexOf('*') >= 0) {
            throw new IllegalArgumentException("'" + s + "' has a wildcard in the wrong place (use '*' alone or a "
                + "leading '*.', e.g. *.example.com)");
        }
        hostPort(d, 1, true);
        return d;
    }

    /** True when {@code s} is an RFC 9110 token (a header name or a method). */
    public static boolean isToken(final String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            final boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /**
     * What makes {@code value} not an RFC 9110 field-value, as a description ("CR", "LF", "NUL", "control character
     * 0x01", "DEL", "character U+0100 (...)", "leading whitespace", "trailing whitespace"), or null when it is fine.
     * A value is written to the wire one byte per char, so a char above U+00FF cannot be sent (Netty's AsciiString
     * turns it into '?') and is refused; SP and HTAB are allowed inside, obs-text (0x80-0xFF) is allowed.
     */
    public static String forbiddenInHeaderValue(final String value) {
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c == '\t' || c >= ' ' && c < 0x7F || c >= 0x80 && c <= 0xFF) {
                continue;
            }
            return describeChar(c);
        }
        if (!value.isEmpty() && isBlank(value.charAt(0))) {
            return "leading whitespace";
        }
        if (!value.isEmpty() && isBlank(value.charAt(value.length() - 1))) {
            return "trailing whitespace";
        }
        return null;
    }

    /**
     * What makes {@code path} not an origin-form path that may be spliced into a request line (RFC 3986 {@code
     * path-absolute}: '/' then pchars, i.e. unreserved, sub-delims, ':', '@', '/' and %-encodings with two hex
     * digits; no space, control, '?', '#' or non-ASCII character), as a description; null when it is fine.
     */
    public static String forbiddenInPath(final String path) {
        if (!path.startsWith("/")) {
            return "it must start with '/'";
        }
        for (int i = 0; i < path.length(); i++) {
            final char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length() || !isHex(path.charAt(i + 1)) || !isHex(path.charAt(i + 2))) {
                    return "'%' must be followed by two hex digits";
                }
                i += 2;
            } else if (!isPathChar(c)) {
                return "it must not contain " + describeChar(c) + (c == '?' || c == '#' ? "" : " (percent-encode it)");
            }
        }
        return null;
    }

    private static boolean isPathChar(final char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
            || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
    }

    private static boolean isHex(final char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static boolean isBlank(final char c) {
        return c == ' ' || c == '\t';
    }

    /** A readable name for one character in an error message. */
    private static String describeChar(final char c) {
        switch (c) {
            case '\r':
                return "CR";
            case '\n':
                return "LF";
            case '\0':
                return "NUL";
            case ' ':
                return "a space";
            case '\t':
                return "a tab";
            case 0x7F:
                return "DEL";
            default:
                break;
        }
        if (c < ' ') {
            return String.format("control character 0x%02X", (int) c);
        }
        if (c > 0x7F) {
            return String.format("character U+%04X", (int) c) + (c > 0xFF ? " (beyond ISO-8859-1)" : "");
        }
        return "'" + c + "'";
    }

    /** True when {@code s} is a non-empty name of letters, digits, '_', '.' and '-' (listener and cluster names). */
    static boolean isObjectName(final String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The candidate closest to {@code word} by edit distance, if it is close enough to be a likely typo; else null. */
    public static String suggest(final String word, final List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        final String lower = word.toLowerCase(Locale.ROOT);
        for (final String c : candidates) {
            final int d = editDistance(lower, c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        final int allowed = Math.min(2, Math.max(1, word.length() / 3));
        return bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance. */
    static int editDistance(final String a, final String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                final int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            final int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.length()];
    }

    private static boolean isHostname(final String host) {
        if (host.isEmpty() || host.length() > MAX_HOSTNAME) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= host.length(); i++) {
            if (i == host.length() || host.charAt(i) == '.') {
                final int len = i - labelStart;
                if (len == 0 || len > MAX_LABEL || host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
                continue;
            }
            final char c = host.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean looksNumeric(final String host) {
        for (int i = 0; i < host.length(); i++) {
            final char c = host.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allDigits(final String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
