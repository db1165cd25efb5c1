package io.strait.core.codec.http2;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;

/**
 * Stateless. Turns a neutral response head (or trailers) into the HEADERS an HTTP/2 client gets: {@code :status},
 * then each live field with its name in lower case, minus the connection-specific ones HTTP/2 forbids (RFC 9113
 * 8.2.2: connection, keep-alive, proxy-connection, transfer-encoding, upgrade). Names the proxy knows come out as
 * Netty's shared constants, so the HPACK encoder finds them in its static table without a copy; other names and the
 * values of wire entries are copied once into an {@link AsciiString} (HPACK needs a {@link CharSequence}).
 */
public final class Http2ResponseHeaders {

    private static final AsciiString[] STATUS = new AsciiString[600];
    /** Common response field names, lower case, to reuse instead of copying a name off the wire. */
    private static final AsciiString[] KNOWN = {HttpHeaderNames.CONTENT_TYPE, HttpHeaderNames.CONTENT_LENGTH,
        HttpHeaderNames.DATE, HttpHeaderNames.SERVER, HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.ETAG,
        HttpHeaderNames.LAST_MODIFIED, HttpHeaderNames.VARY, HttpHeaderNames.CONTENT_ENCODING,
        HttpHeaderNames.LOCATION, HttpHeaderNames.SET_COOKIE, HttpHeaderNames.EXPIRES, HttpHeaderNames.ACCEPT_RANGES,
        HttpHeaderNames.AGE, HttpHeaderNames.CONTENT_LANGUAGE, HttpHeaderNames.CONTENT_RANGE,
        HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, HttpHeaderNames.CONTENT_DISPOSITION,
        HttpHeaderNames.WWW_AUTHENTICATE,
        HttpHeaderNames.RETRY_AFTER, HttpHeaderNames.VIA, HttpHeaderNames.ALT_SVC};
    private static final AsciiString[] FORBIDDEN = {HttpHeaderNames.CONNECTION, AsciiString.cached("keep-alive"),
        AsciiString.cached("proxy-connection"), HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE};

    static {
        for (int i = 100; i < STATUS.length; i++) {
            STATUS[i] = HttpResponseStatus.valueOf(i).codeAsText();
        }
    }

    private Http2ResponseHeaders() {
    }

    /** The HEADERS of {@code head}. */
    public static Http2Headers of(final HttpResponseHead head) {
        final HttpHeaderBlock h = head.headers();
        final Http2Headers out = new DefaultHttp2Headers(false, h.liveCount() + 1);
        final int status = head.status();
        out.status(status >= 100 && status < STATUS.length ? STATUS[status] : AsciiString.of(Integer.toString(status)));
        copy(h, out);
        return out;
    }

    /** The trailing HEADERS of {@code trailers}. */
    public static Http2Headers of(final HttpTrailers trailers) {
        final HttpHeaderBlock h = trailers.headers();
        final Http2Headers out = new DefaultHttp2Headers(false, h.liveCount());
        copy(h, out);
        return out;
    }

    private static void copy(final HttpHeaderBlock h, final Http2Headers out) {
        final int size = h.size();
        for (int i = 0; i < size; i++) {
            if (h.isDead(i) || forbidden(h, i)) {
                continue;
            }
            out.add(name(h, i), h.value(i));
        }
    }

    private static boolean forbidden(final HttpHeaderBlock h, final int i) {
        final int len = h.nameLength(i);
        for (final AsciiString f : FORBIDDEN) {
            if (f.length() == len && h.nameEquals(i, f)) {
                return true;
            }
        }
        return false;
    }

    /** Entry {@code i}'s name in lower case: a shared constant when known, else a copy. */
    private static AsciiString name(final HttpHeaderBlock h, final int i) {
        final int len = h.nameLength(i);
        for (final AsciiString k : KNOWN) {
            if (k.length() == len && h.nameEquals(i, k)) {
                return k;
            }
        }
        return h.name(i).toLowerCase();
    }
}
