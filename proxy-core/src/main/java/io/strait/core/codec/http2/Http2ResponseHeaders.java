package io.strait.core.codec.http2;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;

/**
 * Turns a neutral response head (or trailers) into the HEADERS an HTTP/2 client gets: {@code :status}, then each live
 * field with its name in lower case, minus the connection-specific ones HTTP/2 forbids (RFC 9113 8.2.2: connection,
 * keep-alive, proxy-connection, transfer-encoding, upgrade).
 *
 * <p>One instance per stream slot, reused response after response: the fields go into one {@link Http2HeaderList}
 * (not a new {@code DefaultHttp2Headers} per response). Names the proxy knows come out as Netty's shared constants, so
 * the HPACK encoder finds them in its static table without a copy; a wire field's value (and an unknown name) must be
 * copied once into an {@link AsciiString}, since HPACK needs an immutable {@link CharSequence}, but the last copy per
 * name is kept and reused while the bytes are the same (a backend sends the same content-type, server, vary... on
 * every response). The list a call returns is valid until the next call on this instance; Netty's encoder reads a
 * response head at once, and trailers queued behind DATA are written or dropped before the stream closes, hence
 * before the slot serves another stream. Confined to the connection's event loop.
 */
public final class Http2ResponseHeaders {

    private static final AsciiString STATUS_NAME = Http2Headers.PseudoHeaderName.STATUS.value();
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

    /** Unknown (not {@link #KNOWN}) names remembered with their last value. */
    private static final int OTHERS = 8;
    /**
     * Longer values are copied but not remembered: a slot (up to 256 per connection) then holds at most
     * 30 short strings, never a large cookie or token.
     */
    private static final int MAX_REMEMBERED = 128;

    private final Http2HeaderList out = new Http2HeaderList(false);
    /** The last value copied for each {@link #KNOWN} name. */
    private final AsciiString[] knownValues = new AsciiString[KNOWN.length];
    private final AsciiString[] otherNames = new AsciiString[OTHERS];
    private final AsciiString[] otherValues = new AsciiString[OTHERS];
    private int nextOther;

    /** The HEADERS of {@code head} in a fresh list (for callers without a slot's instance). */
    public static Http2Headers of(final HttpResponseHead head) {
        return new Http2ResponseHeaders().head(head);
    }

    /** The trailing HEADERS of {@code trailers} in a fresh list. */
    public static Http2Headers of(final HttpTrailers trailers) {
        return new Http2ResponseHeaders().trailers(trailers);
    }

    /** The HEADERS of {@code head}, in this instance's list (valid until the next call). */
    public Http2Headers head(final HttpResponseHead head) {
        out.clear();
        final int status = head.status();
        out.append(STATUS_NAME,
            status >= 100 && status < STATUS.length ? STATUS[status] : AsciiString.of(Integer.toString(status)));
        copy(head.headers());
        return out;
    }

    /** The trailing HEADERS of {@code trailers}, in this instance's list (valid until the next call). */
    public Http2Headers trailers(final HttpTrailers trailers) {
        out.clear();
        copy(trailers.headers());
        return out;
    }

    private void copy(final HttpHeaderBlock h) {
        final int size = h.size();
        for (int i = 0; i < size; i++) {
            if (h.isDead(i) || forbidden(h, i)) {
                continue;
            }
            final int k = known(h, i);
            if (k < 0) {
                other(h, i);
            } else if (h.isAdded(i)) {
                out.append(KNOWN[k], h.value(i));   // the proxy's own value: no copy to make
            } else {
                final AsciiString v = value(h, i, knownValues[k]);
                knownValues[k] = remembered(v);
                out.append(KNOWN[k], v);
            }
        }
    }

    /** An unknown name: its lower-case copy and last value from the small cache, else copied and remembered. */
    private void other(final HttpHeaderBlock h, final int i) {
        for (int j = 0; j < OTHERS; j++) {
            final AsciiString n = otherNames[j];
            if (n != null && n.length() == h.nameLength(i) && h.nameEquals(i, n)) {
                if (h.isAdded(i)) {
                    out.append(n, h.value(i));
                } else {
                    final AsciiString v = value(h, i, otherValues[j]);
                    otherValues[j] = remembered(v);
                    out.append(n, v);
                }
                return;
            }
        }
        final AsciiString n = h.name(i).toLowerCase();
        final AsciiString v = h.value(i);
        final int j = nextOther;
        nextOther = (j + 1) % OTHERS;
        otherNames[j] = n;
        otherValues[j] = h.isAdded(i) ? null : remembered(v);
        out.append(n, v);
    }

    /** Entry {@code i}'s value: {@code last} when the bytes are the same, else a copy. */
    private static AsciiString value(final HttpHeaderBlock h, final int i, final AsciiString last) {
        return last != null && h.valueEquals(i, last) ? last : h.value(i);
    }

    private static AsciiString remembered(final AsciiString v) {
        return v.length() <= MAX_REMEMBERED ? v : null;
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

    /** Index in {@link #KNOWN} of entry {@code i}'s name, or -1. */
    private static int known(final HttpHeaderBlock h, final int i) {
        final int len = h.nameLength(i);
        for (int k = 0; k < KNOWN.length; k++) {
            if (KNOWN[k].length() == len && h.nameEquals(i, KNOWN[k])) {
                return k;
            }
        }
        return -1;
    }
}
