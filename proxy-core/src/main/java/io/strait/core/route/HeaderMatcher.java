package io.strait.core.route;

import com.google.re2j.Pattern;
import io.netty.util.AsciiString;
import io.strait.core.config.HeaderMatcherConfig;
import io.strait.core.http.HttpHeaderBlock;

import java.util.Locale;

/**
 * One compiled header matcher of a route. Immutable.
 *
 * <p>Semantics, for a header name that may occur several times:
 * <ul>
 *   <li>{@code exact}: some entry of that name has exactly this value (case-sensitive);</li>
 *   <li>{@code prefix}: some entry's value starts with it (case-sensitive);</li>
 *   <li>{@code regex}: some entry's value matches it whole, with RE2 semantics (re2j, linear time);</li>
 *   <li>{@code present: true}: an entry of that name exists; {@code present: false}: none exists.</li>
 * </ul>
 * With several same-named entries the matcher holds if any one of them satisfies it (values are not joined
 * with ',' as Envoy does). An absent header satisfies none of exact, prefix and regex. {@code invert} then
 * negates the result: an inverted {@code exact} holds when no entry has the value, including when the header
 * is absent.
 */
final class HeaderMatcher {

    private static final int EXACT = 0;
    private static final int PREFIX = 1;
    private static final int PRESENT = 2;
    private static final int REGEX = 3;

    private final AsciiString name;
    private final int kind;
    private final AsciiString value;
    private final Pattern pattern;
    private final boolean present;
    private final boolean invert;

    private HeaderMatcher(final AsciiString name, final int kind, final AsciiString value, final Pattern pattern,
                          final boolean present, final boolean invert) {
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.pattern = pattern;
        this.present = present;
        this.invert = invert;
    }

    /** Compiles one matcher (the config is assumed validated: exactly one criterion is set). */
    static HeaderMatcher compile(final HeaderMatcherConfig config) {
        final AsciiString name = AsciiString.cached(config.name().toLowerCase(Locale.ROOT));
        if (config.exact() != null) {
            return new HeaderMatcher(name, EXACT, AsciiString.cached(config.exact()), null, false, config.invert());
        }
        if (config.prefix() != null) {
            return new HeaderMatcher(name, PREFIX, AsciiString.cached(config.prefix()), null, false, config.invert());
        }
        if (config.regex() != null) {
            return new HeaderMatcher(name, REGEX, null, Pattern.compile(config.regex()), false, config.invert());
        }
        final boolean present = config.present() == null || config.present();
        return new HeaderMatcher(name, PRESENT, null, null, present, config.invert());
    }

    /** True if the matcher holds for these headers. */
    boolean matches(final HttpHeaderBlock headers) {
        return invert != test(headers);
    }

    private boolean test(final HttpHeaderBlock headers) {
        int i = headers.indexOf(name, 0);
        if (kind == PRESENT) {
            return (i >= 0) == present;
        }
        while (i >= 0) {
            if (valueMatches(headers, i)) {
                return true;
            }
            i = headers.indexOf(name, i + 1);
        }
        return false;
    }

    private boolean valueMatches(final HttpHeaderBlock headers, final int i) {
        switch (kind) {
            case EXACT:
                return headers.valueEquals(i, value);
            case PREFIX:
                return headers.valueStartsWith(i, value);
            default:
                return regexMatches(headers, i);
        }
    }

    private boolean regexMatches(final HttpHeaderBlock headers, final int i) {
        final RegexScratch scratch = RegexScratch.get();
        if (headers.isAdded(i)) {
            return scratch.matches(pattern, headers.value(i));   // the added AsciiString itself, no copy
        }
        final int start = headers.valueStart(i);
        final ByteChars chars = scratch.chars().buf(headers.backing(), start, start + headers.valueLength(i));
        try {
            return scratch.matches(pattern, chars);
        } finally {
            chars.clear();
        }
    }
}
