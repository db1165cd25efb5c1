package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;

/**
 * What the header lines of a scanned head mean for the proxy: message framing (Content-Length, Transfer-Encoding),
 * the connection (Connection and the hop-by-hop fields it names, Keep-Alive, Upgrade...), Expect, Host, and the
 * request target's form. Adds the lines a {@link Http1HeadStates} recorded to a {@link HttpHeaderBlock}, marks the
 * hop-by-hop ones dead and remembers the rest as flags for the codec. Allocates nothing for valid origin-form
 * requests. Confined to its channel's event loop. Errors are reason tokens (status 400, or 417 for
 * {@code expectation_failed}).
 */
final class Http1HeaderSemantics {

    private static final byte SP = ' ';
    private static final byte HTAB = '\t';

    private int hostCount;
    private int hostIndex;
    private long contentLength;
    private boolean chunked;
    private boolean badTransferEncoding;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean expectContinue;
    private boolean badExpect;
    private String errorReason;

    /**
     * Adds the recorded header lines to {@code h} (its backing is the head's bytes, offsets relative to the
     * head's first byte), classifies them, marks hop-by-hop ones dead and remembers the framing.
     *
     * @return false on an invalid or conflicting Content-Length ({@link #errorReason()} set; status 400)
     */
    boolean addHeaders(final Http1HeadStates s, final HttpHeaderBlock h, final ByteBuf raw) {
        hostCount = 0;
        hostIndex = -1;
        contentLength = -1;
        chunked = false;
        badTransferEncoding = false;
        connectionClose = false;
        connectionKeepAlive = false;
        expectContinue = false;
        badExpect = false;
        boolean hasConnection = false;
        boolean clLive = false;
        final int n = s.headerCount();
        for (int i = 0; i < n; i++) {
            final int ns = s.nameStart(i);
            final int vs = s.valueStart(i);
            final int ve = s.valueEnd(i);
            final int idx = h.addWire(ns, s.nameEnd(i), vs, ve);
            switch (s.headerKind(i)) {
                case Http1Wire.K_HOST:
                    hostCount++;
                    hostIndex = idx;
                    break;
                case Http1Wire.K_CONTENT_LENGTH: {
                    final long digits = Http1Wire.parseDigits(raw, vs, ve);
                    final long v = digits >= 0 ? digits : Http1Wire.parseContentLength(raw, vs, ve);
                    if (v < 0 || (contentLength >= 0 && v != contentLength)) {
                        errorReason = "bad_content_length";
                        return false;
                    }
                    contentLength = v;
                    if (clLive || digits < 0) {
                        h.remove(idx);
                    } else {
                        clLive = true;
                    }
                    break;
                }
                case Http1Wire.K_TRANSFER_ENCODING:
                    if (chunked || !h.valueEqualsIgnoreCase(idx, "chunked")) {
                        badTransferEncoding = true;
                    }
                    chunked = true;
                    h.remove(idx);
                    break;
                case Http1Wire.K_CONNECTION:
                    hasConnection = true;
                    h.remove(idx);
                    break;
                case Http1Wire.K_EXPECT:
                    if (h.valueEqualsIgnoreCase(idx, "100-continue")) {
                        expectContinue = true;
                    } else {
                        badExpect = true;
                    }
                    h.remove(idx);
                    break;
                case Http1Wire.K_TE:
                    // as Envoy: "te: trailers" goes on (the proxy forwards trailers; a gRPC server looks for it)
                    if (!h.valueEqualsIgnoreCase(idx, "trailers")) {
                        h.remove(idx);
                    }
                    break;
                case Http1Wire.K_KEEP_ALIVE:
                case Http1Wire.K_PROXY_CONNECTION:
                case Http1Wire.K_TRAILER:
                case Http1Wire.K_UPGRADE:
                    h.remove(idx);
                    break;
                default:
                    break;
            }
        }
        if (hasConnection) {
            for (int i = 0; i < n; i++) {
                if (s.headerKind(i) == Http1Wire.K_CONNECTION) {
                    connectionTokens(s, h, raw, s.valueStart(i), s.valueEnd(i));
                }
            }
        }
        return true;
    }

    /** Reads a Connection value's tokens: close / keep-alive flags, and removes the headers it names. */
    private void connectionTokens(final Http1HeadStates s, final HttpHeaderBlock h, final ByteBuf raw, final int vs,
                                  final int ve) {
        int i = vs;
        while (i < ve) {
            while (i < ve && (raw.getByte(i) == SP || raw.getByte(i) == HTAB || raw.getByte(i) == ',')) {
                i++;
            }
            final int ts = i;
            while (i < ve && raw.getByte(i) != ',') {
                i++;
            }
            int te = i;
            while (te > ts && (raw.getByte(te - 1) == SP || raw.getByte(te - 1) == HTAB)) {
                te--;
            }
            if (te == ts) {
                continue;
            }
            if (Http1Wire.equalsIgnoreCase(raw, ts, te, "close")) {
                connectionClose = true;
            } else if (Http1Wire.equalsIgnoreCase(raw, ts, te, "keep-alive")) {
                connectionKeepAlive = true;
            } else {
                final int kind = Http1Wire.classify(raw, ts, te - ts);
                if (kind == Http1Wire.K_HOST || kind == Http1Wire.K_CONTENT_LENGTH) {
                    continue; // never let a client strip what routing or framing relies on
                }
                final int n = s.headerCount();
                for (int j = 0; j < n; j++) {
                    if (!h.isDead(j) && s.nameEnd(j) - s.nameStart(j) == te - ts
                        && Http1Wire.regionEqualsIgnoreCase(raw, s.nameStart(j), raw, ts, te - ts)) {
                        h.remove(j);
                    }
                }
            }
        }
    }

    int hostCount() {
        return hostCount;
    }

    int hostIndex() {
        return hostIndex;
    }

    /** The Content-Length value, or -1 when absent. */
    long contentLength() {
        return contentLength;
    }

    boolean chunked() {
        return chunked;
    }

    boolean badTransferEncoding() {
        return badTransferEncoding;
    }

    boolean connectionClose() {
        return connectionClose;
    }

    boolean connectionKeepAlive() {
        return connectionKeepAlive;
    }

    boolean expectContinue() {
        return expectContinue;
    }

    boolean badExpect() {
        return badExpect;
    }

    /** Why {@link #addHeaders} failed. */
    String errorReason() {
        return errorReason;
    }

    /**
     * Request-level checks once the headers were added: framing conflicts, Expect, the request target's form (origin,
     * asterisk for OPTIONS, absolute: its authority replaces Host) and Host. Sets the head's path and host index.
     *
     * @return a reason token, or null when the request is valid
     */
    String validateRequest(final Http1HeadStates s, final HttpRequestHead head, final ByteBuf raw) {
        final int version = s.version();
        if (chunked) {
            if (contentLength >= 0) {
                return "cl_and_te";
            }
            if (badTransferEncoding || version == HttpRequestHead.VERSION_1_0) {
                return "bad_transfer_encoding";
            }
        }
        if (badExpect && version == HttpRequestHead.VERSION_1_1) {
            return "expectation_failed";
        }
        final int ts = s.targetStart();
        final int te = s.targetEnd();
        final byte first = raw.getByte(ts);
        if (first == '/') {
            head.pathOffsets(ts, te);
        } else if (first == '*' && te - ts == 1) {
            if (head.method() != HttpMethods.OPTIONS) {
                return "bad_target";
            }
            head.pathOffsets(ts, te);
        } else {
            return absoluteTarget(head, raw, ts, te);
        }
        if (version == HttpRequestHead.VERSION_1_1 && hostCount == 0) {
            return "missing_host";
        }
        if (hostCount > 1) {
            return "duplicate_host";
        }
        head.hostIndex(hostIndex);
        return null;
    }

    /** An absolute-form target (a proxy request): its authority becomes the Host header (copied: rare). */
    private static String absoluteTarget(final HttpRequestHead head, final ByteBuf raw, final int ts, final int te) {
        final int scheme = Http1Wire.equalsIgnoreCase(raw, ts, Math.min(te, ts + 7), "http://") ? 7
            : Http1Wire.equalsIgnoreCase(raw, ts, Math.min(te, ts + 8), "https://") ? 8 : 0;
        if (scheme == 0) {
            return "bad_target";
        }
        final int as = ts + scheme;
        int ae = as;
        while (ae < te) {
            final byte c = raw.getByte(ae);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            if (c == '@') {
                return "bad_target";
            }
            ae++;
        }
        if (ae == as) {
            return "bad_target";
        }
        if (ae == te) {
            head.path(Http1Wire.SLASH);
        } else if (raw.getByte(ae) == '/') {
            head.pathOffsets(ae, te);
        } else {
            final byte[] path = new byte[te - ae + 1];
            path[0] = '/';
            raw.getBytes(ae, path, 1, te - ae);
            head.path(new AsciiString(path, false));
        }
        final byte[] authority = new byte[ae - as];
        raw.getBytes(as, authority);
        final HttpHeaderBlock h = head.headers();
        h.remove(Http1Wire.HOST);
        head.hostIndex(h.add(Http1Wire.HOST, new AsciiString(authority, false)));
        return null;
    }
}
