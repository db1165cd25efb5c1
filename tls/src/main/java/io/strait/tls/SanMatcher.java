package io.strait.tls;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Immutable. One accepted name of an upstream's certificate ({@code verify_subject_alt_name}): a DNS name (exact,
 * case-insensitive, with one-label wildcards on either side: the pattern {@code *.example.org} accepts a SAN
 * {@code api.example.org}, and a SAN {@code *.example.org} satisfies the pattern {@code api.example.org}), a URI
 * (exact, e.g. a SPIFFE ID {@code spiffe://example.org/ns/demo/sa/api}) or a URI prefix (e.g. every workload of
 * a namespace: {@code spiffe://example.org/ns/demo/}).
 *
 * @param kind  which SAN type is compared, and how
 * @param value the name, URI or prefix
 */
public record SanMatcher(Kind kind, String value) {

    /** What a matcher compares. */
    public enum Kind {
        /** A DNS SAN, exact or one-label wildcard. */
        DNS,
        /** A URI SAN, exact. */
        URI_EXACT,
        /** A URI SAN, by prefix. */
        URI_PREFIX
    }

    /** Checks that nothing is null or empty. */
    public SanMatcher {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty SAN matcher");
        }
    }

    /** True if one of the certificate's SANs ({@code dns}, {@code uris}) satisfies this matcher. */
    public boolean matches(final List<String> dns, final List<String> uris) {
        switch (kind) {
            case DNS:
                for (final String san : dns) {
                    if (dnsMatches(value, san)) {
                        return true;
                    }
                }
                return false;
            case URI_EXACT:
                return uris.contains(value);
            default:
                for (final String san : uris) {
                    if (san.startsWith(value)) {
                        return true;
                    }
                }
                return false;
        }
    }

    /**
     * True if the name {@code pattern} and the certificate's DNS SAN {@code san} agree: equal ignoring case and a
     * trailing dot, or either one a wildcard {@code *.rest} and the other one label followed by {@code .rest}.
     */
    public static boolean dnsMatches(final String pattern, final String san) {
        final String p = normalize(pattern);
        final String s = normalize(san);
        if (p.equals(s)) {
            return true;
        }
        return wildcard(s, p) || wildcard(p, s);
    }

    /** True if {@code wild} is {@code *.rest} and {@code name} is a single non-wildcard label then {@code .rest}. */
    private static boolean wildcard(final String wild, final String name) {
        if (!wild.startsWith("*.") || wild.length() < 4 || name.startsWith("*")) {
            return false;
        }
        final String rest = wild.substring(1);   // ".example.org"
        if (!name.endsWith(rest)) {
            return false;
        }
        final int label = name.length() - rest.length();
        return label > 0 && name.lastIndexOf('.', label - 1) < 0;
    }

    private static String normalize(final String name) {
        final String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        return n.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + value;
    }
}
