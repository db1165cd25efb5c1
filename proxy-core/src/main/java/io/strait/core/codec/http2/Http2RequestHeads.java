package io.strait.core.codec.http2;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHead;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpTrailers;

/**
 * Stateless. Turns a request's decoded HEADERS into the neutral {@link HttpRequestHead} and checks what RFC 9113
 * 8.2-8.3 requires of it beyond what Netty's HPACK decoder already refuses (unknown, repeated or misplaced
 * pseudo-headers, connection-specific fields, {@code te} other than {@code trailers}): lower-case names, the
 * mandatory pseudo-headers, a Content-Length that is a number. Names and values stay the decoder's
 * {@link AsciiString}s, read off its {@link Http2HeaderList} by index: no String, entry or iterator is made per field.
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
    private static final AsciiString METHOD = Http2Headers.PseudoHeaderName.METHOD.value();
    private static final AsciiString PATH = Http2Headers.PseudoHeaderName.PATH.value();
    private static final AsciiString SCHEME = Http2Headers.PseudoHeaderName.SCHEME.value();
    private static final AsciiString AUTHORITY = Http2Headers.PseudoHeaderName.AUTHORITY.value();
    private static final AsciiString[] METHODS = {HttpMethods.GET, HttpMethods.POST, HttpMethods.PUT,
        HttpMethods.HEAD, HttpMethods.DELETE, HttpMethods.PATCH, HttpMethods.OPTIONS, HttpMethods.CONNECT,
        HttpMethods.TRACE};

    private Http2RequestHeads() {
    }

    /**
     * Fills {@code head} from {@code headers}; {@code endStream}: the HEADERS frame ended the stream (no body). From an
     * {@link Http2HeaderList} (what the connection's decoder gives) nothing is allocated but a joined cookie; any other
     * {@link Http2Headers} is copied into one first.
     *
     * @return {@link #OK}, or why the request is malformed (the stream is then reset with PROTOCOL_ERROR)
     */
    public static String decode(final Http2Headers headers, final boolean endStream, final HttpRequestHead head) {
        final Http2HeaderList h = list(headers);
        final int n = h.size();
        AsciiString method = null;
        AsciiString path = null;
        AsciiString scheme = null;
        AsciiString authority = null;
        for (int i = 0; i < n; i++) {
            final AsciiString name = h.name(i);
            if (name.length() > 1 && name.byteAt(0) == ':') {
                if (name.contentEquals(METHOD)) {
                    method = h.value(i);
                } else if (name.contentEquals(PATH)) {
                    path = h.value(i);
                } else if (name.contentEquals(SCHEME)) {
                    scheme = h.value(i);
                } else if (name.contentEquals(AUTHORITY)) {
                    authority = h.value(i);
                }
            }
        }
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
        head.path(path);
        final HttpHeaderBlock block = head.headers();
        int hostIndex = -1;
        if (authority != null) {
            if (authority.length() == 0) {
                return "empty :authority";
            }
            hostIndex = block.add(HOST, authority);
        }
        long contentLength = -1;
        int cookies = 0;
        int cookieBytes = 0;
        int firstCookie = -1;
        for (int i = 0; i < n; i++) {
            final AsciiString name = h.name(i);
            if (name.length() == 0) {
                return "empty header name";
            }
            if (name.byteAt(0) == ':') {
                continue;   // pseudo-headers come first (the decoder checks it) and were read above
            }
            if (hasUpperCase(name)) {
                return "upper-case header name";
            }
            final AsciiString v = h.value(i);
            if (name.contentEquals(COOKIE)) {
                if (cookies++ == 0) {
                    firstCookie = i;
                }
                cookieBytes += v.length();
                continue;
            }
            if (name.contentEquals(CONTENT_LENGTH)) {
                final long len = parseLength(v);
                if (len < 0 || contentLength >= 0 && len != contentLength) {
                    return "invalid content-length";
                }
                contentLength = len;
            } else if (name.contentEquals(EXPECT) && v.contentEqualsIgnoreCase(CONTINUE)) {
                head.expectContinue(true);   // answered by the exchange, as the HTTP/1.1 codec does
                continue;
            } else if (name.contentEquals(HOST)) {
                if (hostIndex >= 0) {
                    continue;   // :authority wins over host (RFC 9113 8.3.1)
                }
                hostIndex = block.add(HOST, v);
                continue;
            }
            block.add(name, v);
        }
        if (cookies > 0) {
            block.add(COOKIE, cookies == 1 ? h.value(firstCookie) : joinCookies(h, firstCookie, cookies, cookieBytes));
        }
        head.hostIndex(hostIndex);
        head.bodyLength(endStream ? 0 : contentLength >= 0 ? contentLength : -1);
        if (endStream && contentLength > 0) {
            return "content-length without a body";
        }
        return OK;
    }

    /** The {@code count} cookie fields from {@code first} on, joined with {@code "; "} into one array. */
    private static AsciiString joinCookies(final Http2HeaderList h, final int first, final int count,
                                           final int bytes) {
        final byte[] joined = new byte[bytes + 2 * (count - 1)];
        int at = 0;
        for (int i = first; i < h.size(); i++) {
            if (!h.name(i).contentEquals(COOKIE)) {
                continue;
            }
            if (at > 0) {
                joined[at++] = ';';
                joined[at++] = ' ';
            }
            final AsciiString v = h.value(i);
            System.arraycopy(v.array(), v.arrayOffset(), joined, at, v.length());
            at += v.length();
        }
        return new AsciiString(joined, false);
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
        final Http2HeaderList h = list(headers);
        for (int i = 0; i < h.size(); i++) {
            final AsciiString name = h.name(i);
            if (name.length() == 0 || name.byteAt(0) == ':') {
                return "pseudo-header in trailers";
            }
            if (hasUpperCase(name)) {
                return "upper-case header name";
            }
            trailers.headers().add(name, h.value(i));
        }
        return OK;
    }

    private static Http2HeaderList list(final Http2Headers headers) {
        return headers instanceof Http2HeaderList ? (Http2HeaderList) headers : Http2HeaderList.copyOf(headers);
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
