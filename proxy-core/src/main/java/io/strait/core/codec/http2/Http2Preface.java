package io.strait.core.codec.http2;

import io.netty.buffer.ByteBuf;

/**
 * Stateless. Tells an HTTP/2 client with prior knowledge from an HTTP/1.1 one by the first bytes of a plaintext
 * connection (RFC 9113 3.4: the client preface starts {@code PRI * HTTP/2.0}). No HTTP/1.1 method is {@code PRI},
 * and every real method differs from it by its second byte at the latest, so a connection is decided after one or
 * two bytes almost always; only a client that sends the preface a byte at a time needs more than one look.
 */
public final class Http2Preface {

    /** The bytes so far are a prefix of the preface: look again when more arrive. */
    public static final int NEED_MORE = 0;
    /** The connection starts with the whole preface: HTTP/2. */
    public static final int HTTP2 = 1;
    /** The connection does not start with the preface: HTTP/1.1 (or garbage, for its codec to refuse). */
    public static final int HTTP1 = 2;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(
        java.nio.charset.StandardCharsets.US_ASCII);

    private Http2Preface() {
    }

    /** The preface's length in bytes (24). */
    public static int length() {
        return PREFACE.length;
    }

    /** Decides from {@code in}'s readable bytes (indexes untouched). */
    public static int match(final ByteBuf in) {
        final int start = in.readerIndex();
        final int n = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(start + i) != PREFACE[i]) {
                return HTTP1;
            }
        }
        return n == PREFACE.length ? HTTP2 : NEED_MORE;
    }
}
