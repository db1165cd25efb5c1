package io.strait.core.codec.http2;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHead;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpTrailers;

import java.util.Map;

/**
 * Stateless. Turns a request's decoded HEADERS into the neutral {@link HttpRequestHead} and checks what RFC 9113
 * 8.2-8.3 requires of it beyond what Netty's HPACK decoder already refuses (unknown, repeated or misplaced
 * pseudo-headers, connection-specific fields, {@code te} other than {@code trailers}): lower-case names, the
 * mandatory pseudo-headers, a Content-Length that is a number. Names and values stay the decoder's
 * {@link AsciiString}s: no String is made per field.
 *
 * <p>{@code :authority} becomes a {@code host} entry (the head's host index), as an HTTP/1.1 upstream needs;
 * {@code cookie} fields, which HTTP/2 may split, are joined with {@code "; "} (RFC 9113 8.2.3).
 */
public final class Http2RequestHeads {

    /** The head is valid. */
    public static final String OK = null;

    private static final AsciiString HOST = AsciiString.cached("host");
    private static final AsciiString COOKIE = AsciiString.cached("cookie");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString EXPECT = AsciiString.cached("expect");
    private static final AsciiString CONTINUE = AsciiString.cached("100-continue");
    private static final AsciiString COOKIE_SEPARATOR = AsciiString.cached("; ");
    private static final AsciiString[] METHODS = {HttpMethods.GET, HttpMethods.POST, HttpMethods.PUT,
        HttpMethods.HEAD, HttpMethods.DELETE, HttpMethods.PATCH, HttpMethods.OPTIONS, HttpMethods.CONNECT,
        HttpMethods.TRACE};

    private Http2RequestHeads() {
    }

    /**
     * Fills {@code head} from {@code headers}; {@code endStream}: the HEADERS frame ended the stream (no body).
     *
     * @return {@link #OK}, or why the request is malformed (the stream is then reset with PROTOCOL_ERROR)
     */
    public static String decode(final Http2Headers headers, final boolean endStream, final HttpRequestHead head) {
        final CharSequence method = headers.method();
        final CharSequence path = headers.path();
        final CharSequence scheme = headers.scheme();
        final CharSequence authority = headers.authority();
        if (method == null) {
            return "missing :method";
        }
        final AsciiString m = method(method);
        final boolean connect = m == HttpMethods.CONNECT;
        if (!connect && (path == null || path.length() == 0 || scheme == null)) {
            return path == null || path.length() == 0 ? "missing :path" : "missing :scheme";
        }
        if (connect) {
            return "CONNECT is not supported";
        }
        head.reset(null, m, HttpHead.VERSION_2);
        head.path(ascii(path));
        int hostIndex = -1;
        if (authority != null) {
            if (authority.length() == 0) {
                return "empty :authority";
            }
            hostIndex = head.headers().add(HOST, ascii(authority));
        }
        long contentLength = -1;
        AsciiString cookie = null;
        for (final Map.Entry<CharSequence, CharSequence> e : headers) {
            final CharSequence name = e.getKey();
            if (name.length() == 0) {
                return "empty header name";
            }
            if (name.charAt(0) == ':') {
                continue;   // pseudo-headers come first (the decoder checks it) and were read above
            }
            if (hasUpperCase(name)) {
                return "upper-case header name";
            }
            final AsciiString n = ascii(name);
            final AsciiString v = ascii(e.getValue());
            if (n.contentEquals(COOKIE)) {
                cookie = cookie == null ? v : cookie.concat(COOKIE_SEPARATOR).concat(v);
                continue;
            }
            if (n.contentEquals(CONTENT_LENGTH)) {
                final long len = parseLength(v);
                if (len < 0 || contentLength >= 0 && len != contentLength) {
                    return "invalid content-length";
                }
                contentLength = len;
            } else if (n.contentEquals(EXPECT) && v.contentEqualsIgnoreCase(CONTINUE)) {
                head.expectContinue(true);   // answered by the exchange, as the HTTP/1.1 codec does
                continue;
            } else if (n.contentEquals(HOST)) {
                if (hostIndex >= 0) {
                    continue;   // :authority wins over host (RFC 9113 8.3.1)
                }
                hostIndex = head.headers().add(HOST, v);
                continue;
            }
            head.headers().add(n, v);
        }
        if (cookie != null) {
            head.headers().add(COOKIE, cookie);
        }
        head.hostIndex(hostIndex);
        head.bodyLength(endStream ? 0 : contentLength >= 0 ? contentLength : -1);
        if (endStream && contentLength > 0) {
            return "content-length without a body";
        }
        return OK;
    }

    /**
     * Fills {@code trailers} from a trailing HEADERS block; {@code endStream} must be set (RFC 9113 8.1).
     *
     * @return {@link #OK}, or why the block is malformed
     */
    public static String trailers(final Http2Headers headers, final boolean endStream, final HttpTrailers trailers) {
        if (!endStream) {
            return "trailers without END_STREAM";
        }
        for (final Map.Entry<CharSequence, CharSequence> e : headers) {
            final CharSequence name = e.getKey();
            if (name.length() == 0 || name.charAt(0) == ':') {
                return "pseudo-header in trailers";
            }
            if (hasUpperCase(name)) {
                return "upper-case header name";
            }
            trailers.headers().add(ascii(name), ascii(e.getValue()));
        }
        return OK;
    }

    /** The shared constant for a standard method (identity comparisons rely on it), else the decoder's string. */
    static AsciiString method(final CharSequence method) {
        for (final AsciiString m : METHODS) {
            if (m.contentEquals(method)) {
                return m;
            }
        }
        return ascii(method);
    }

    private static AsciiString ascii(final CharSequence s) {
        return s instanceof AsciiString ? (AsciiString) s : new AsciiString(s);
    }

    private static boolean hasUpperCase(final CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    /** A non-negative decimal, or -1. */
    private static long parseLength(final AsciiString v) {
        final int n = v.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            final byte b = v.byteAt(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }
}
