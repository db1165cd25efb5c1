package io.strait.core.codec.http2;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;

import java.util.Map;

/**
 * Stateless. The header translations of the HTTP/2 client side, names and values as {@link AsciiString} (no String
 * per header): a neutral request head to HEADERS (RFC 9113 8.3.1 pseudo-headers; the connection-specific fields of
 * 8.2.2 dropped), and response HEADERS to neutral header values.
 */
public final class Http2ClientHeaders {

    static final AsciiString HTTP = AsciiString.cached("http");
    static final AsciiString SLASH = AsciiString.cached("/");
    static final AsciiString TE = AsciiString.cached("te");
    static final AsciiString TRAILERS = AsciiString.cached("trailers");
    static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    static final AsciiString CONNECTION = AsciiString.cached("connection");
    static final AsciiString HOST = AsciiString.cached("host");

    /** Fields that describe one HTTP/1.1 connection and are malformed in HTTP/2 (te is handled apart). */
    private static final AsciiString[] HOP_BY_HOP = {
        HOST, CONNECTION, AsciiString.cached("keep-alive"),
        AsciiString.cached("proxy-connection"), AsciiString.cached("transfer-encoding"), AsciiString.cached("upgrade"),
    };

    private Http2ClientHeaders() {
    }

    /**
     * The HEADERS of {@code head}: {@code :method}, {@code :scheme http}, {@code :authority} from Host, {@code :path},
     * then the live fields in order, names lower-cased, without Host, the connection-specific fields and any field
     * the Connection header names; {@code te} only as {@code trailers}.
     */
    public static Http2Headers request(final HttpRequestHead head) {
        final HttpHeaderBlock h = head.headers();
        final Http2Headers out = new DefaultHttp2Headers(false, h.liveCount() + 4);
        out.method(head.method());
        out.scheme(HTTP);
        // The head's Host entry; a head whose codec did not mark one (hostIndex -1) may still carry the field.
        final AsciiString authority = head.hostIndex() >= 0 ? head.authority() : h.get(HOST);
        if (authority != null) {
            out.authority(authority);
        }
        out.path(head.pathLength() > 0 ? head.path() : SLASH);
        final int connection = h.indexOf(CONNECTION);
        for (int i = 0, n = h.size(); i < n; i++) {
            if (h.isDead(i) || hopByHop(h, i) || connection >= 0 && nominated(h, i)) {
                continue;
            }
            if (h.nameEquals(i, TE)) {
                if (h.valueEqualsIgnoreCase(i, TRAILERS)) {
                    out.add(TE, TRAILERS);
                }
                continue;
            }
            out.add(h.name(i).toLowerCase(), h.value(i));
        }
        return out;
    }

    private static boolean hopByHop(final HttpHeaderBlock h, final int i) {
        for (final AsciiString name : HOP_BY_HOP) {
            if (h.nameEquals(i, name)) {
                return true;
            }
        }
        return false;
    }

    /** True if field {@code i} is named by a token of a Connection header (RFC 9110 7.6.1): hop-by-hop too. */
    private static boolean nominated(final HttpHeaderBlock h, final int i) {
        for (int c = h.indexOf(CONNECTION); c >= 0; c = h.indexOf(CONNECTION, c + 1)) {
            final AsciiString tokens = h.value(c);
            int start = 0;
            final int len = tokens.length();
            while (start < len) {
                int end = tokens.indexOf(',', start);
                if (end < 0) {
                    end = len;
                }
                final AsciiString token = tokens.subSequence(start, end, false).trim();
                if (token.length() > 0 && h.nameEquals(i, token)) {
                    return true;
                }
                start = end + 1;
            }
        }
        return false;
    }

    /**
     * Copies the regular (non-pseudo) fields of {@code in} to {@code out} as values; returns the Content-Length, or
     * -1 when absent or not a plain number.
     */
    public static long copyFields(final Http2Headers in, final HttpHeaderBlock out) {
        long contentLength = -1;
        for (final Map.Entry<CharSequence, CharSequence> e : in) {
            final AsciiString name = AsciiString.of(e.getKey());
            if (name.length() > 0 && name.byteAt(0) == ':') {
                continue;
            }
            final AsciiString value = AsciiString.of(e.getValue());
            if (contentLength < 0 && name.contentEqualsIgnoreCase(CONTENT_LENGTH)) {
                contentLength = parseLength(value);
            }
            out.add(name, value);
        }
        return contentLength;
    }

    private static long parseLength(final AsciiString v) {
        final int n = v.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long x = 0;
        for (int i = 0; i < n; i++) {
            final byte b = v.byteAt(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            x = x * 10 + (b - '0');
        }
        return x;
    }

    /** The {@code :status} of a response as a number, or -1 when absent or not three digits. */
    public static int status(final Http2Headers headers) {
        final CharSequence s = headers.status();
        if (s == null || s.length() != 3) {
            return -1;
        }
        int x = 0;
        for (int i = 0; i < 3; i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            x = x * 10 + (c - '0');
        }
        return x < 100 ? -1 : x;
    }
}
