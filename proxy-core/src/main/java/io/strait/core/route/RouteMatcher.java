package io.strait.core.route;

import com.google.re2j.Pattern;
import io.netty.util.AsciiString;
import io.strait.core.config.HeaderMatcherConfig;
import io.strait.core.config.RouteMatchConfig;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The compiled {@code match} of one route. Immutable.
 *
 * <p>A route matches when its path criterion, every header matcher and its method list all hold:
 * <ul>
 *   <li>{@code prefix}: the full path, query included, starts with the prefix (case-sensitive), as in Envoy;</li>
 *   <li>{@code path}: the path without its query equals it (case-sensitive);</li>
 *   <li>{@code regex}: the path without its query matches it whole, with RE2 semantics (re2j: linear in the path's
 *   length whatever the pattern, no backreferences or lookaround; the validator refuses those);</li>
 *   <li>{@code headers}: see {@link HeaderMatcher};</li>
 *   <li>{@code methods}: the method is one of them (case-sensitive); none listed means any.</li>
 * </ul>
 */
final class RouteMatcher {

    static final int PREFIX = 0;
    static final int PATH = 1;
    static final int REGEX = 2;

    private static final HeaderMatcher[] NO_HEADERS = new HeaderMatcher[0];
    private static final AsciiString[] KNOWN_METHODS = {
        HttpMethods.GET, HttpMethods.HEAD, HttpMethods.POST, HttpMethods.PUT, HttpMethods.DELETE,
        HttpMethods.CONNECT, HttpMethods.OPTIONS, HttpMethods.TRACE, HttpMethods.PATCH,
    };

    private final int kind;
    /** The prefix or the exact path, as bytes (UTF-8 of the configured string); null for regex. */
    private final byte[] pathBytes;
    private final Pattern pattern;
    /** The literal prefix of {@link #pattern} ({@link RegexPrefix}), checked before running it; may be empty. */
    private final byte[] regexPrefix;
    private final HeaderMatcher[] headers;
    /** Allowed methods; null means any. Standard ones are the shared {@link HttpMethods} constants. */
    private final AsciiString[] methods;

    private RouteMatcher(final int kind, final byte[] pathBytes, final Pattern pattern, final HeaderMatcher[] headers,
                         final AsciiString[] methods) {
        this.kind = kind;
        this.pathBytes = pathBytes;
        this.pattern = pattern;
        this.regexPrefix = pattern == null ? null : RegexPrefix.of(pattern.pattern());
        this.headers = headers;
        this.methods = methods;
    }

    /** Compiles a route's match (assumed validated: exactly one of prefix, path and regex). */
    static RouteMatcher compile(final RouteMatchConfig config) {
        final int kind;
        byte[] bytes = null;
        Pattern pattern = null;
        if (config.prefix() != null) {
            kind = PREFIX;
            bytes = config.prefix().getBytes(StandardCharsets.UTF_8);
        } else if (config.path() != null) {
            kind = PATH;
            bytes = config.path().getBytes(StandardCharsets.UTF_8);
        } else if (config.regex() != null) {
            kind = REGEX;
            pattern = Pattern.compile(config.regex());
        } else {
            throw new IllegalArgumentException("route match has none of prefix, path and regex");
        }

        HeaderMatcher[] headerMatchers = NO_HEADERS;
        final List<HeaderMatcherConfig> hs = config.headers();
        if (hs != null && !hs.isEmpty()) {
            headerMatchers = new HeaderMatcher[hs.size()];
            for (int i = 0; i < headerMatchers.length; i++) {
                headerMatchers[i] = HeaderMatcher.compile(hs.get(i));
            }
        }

        AsciiString[] methods = null;
        final List<String> ms = config.methods();
        if (ms != null && !ms.isEmpty()) {
            methods = new AsciiString[ms.size()];
            for (int i = 0; i < methods.length; i++) {
                methods[i] = method(ms.get(i));
            }
        }
        return new RouteMatcher(kind, bytes, pattern, headerMatchers, methods);
    }

    /** {@link #PREFIX}, {@link #PATH} or {@link #REGEX}. */
    int kind() {
        return kind;
    }

    /** Length in bytes of the prefix ({@link #PREFIX} only). */
    int prefixLength() {
        return pathBytes.length;
    }

    /** True if the request satisfies every criterion. */
    boolean matches(final HttpRequestHead head) {
        if (!pathMatches(head)) {
            return false;
        }
        final AsciiString[] ms = methods;
        if (ms != null && !methodMatches(ms, head.method())) {
            return false;
        }
        final HeaderMatcher[] hs = headers;
        for (int i = 0; i < hs.length; i++) {
            if (!hs[i].matches(head.headers())) {
                return false;
            }
        }
        return true;
    }

    /** True if the path criterion alone holds. */
    boolean pathMatches(final HttpRequestHead head) {
        switch (kind) {
            case PREFIX:
                return head.pathLength() >= pathBytes.length && regionEquals(head, pathBytes);
            case PATH:
                return head.pathWithoutQueryLength() == pathBytes.length && regionEquals(head, pathBytes);
            default:
                return regexMatches(head);
        }
    }

    private boolean regexMatches(final HttpRequestHead head) {
        final int length = head.pathWithoutQueryLength();
        if (length < regexPrefix.length || !regionEquals(head, regexPrefix)) {
            return false;   // a whole-path match must start with the pattern's literal prefix
        }
        final RegexScratch scratch = RegexScratch.get();
        final ByteChars chars = scratch.chars().path(head, 0, length);
        try {
            return scratch.matches(pattern, chars);
        } finally {
            chars.clear();
        }
    }

    private static boolean regionEquals(final HttpRequestHead head, final byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (head.pathByteAt(i) != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean methodMatches(final AsciiString[] methods, final AsciiString method) {
        if (method == null) {
            return false;
        }
        for (final AsciiString m : methods) {
            if (m == method) {
                return true;
            }
        }
        for (final AsciiString m : methods) {
            if (m.contentEquals(method)) {
                return true;
            }
        }
        return false;
    }

    private static AsciiString method(final String name) {
        for (final AsciiString m : KNOWN_METHODS) {
            if (m.contentEquals(name)) {
                return m;
            }
        }
        return AsciiString.cached(name);
    }
}
