package io.strait.server.warmup;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Finds where each HTTP/1.1 message of the warm-up ends in a byte stream: a head, then a {@code Content-Length} body
 * (none without one). Enough for what the warm-up's own client and origin send each other through the proxy; chunked
 * bodies are refused. Confined to its connection's event loop; allocates per head (the warm-up's side, not the
 * proxy's, is off the measured path).
 */
final class Http1Framer {

    private static final int MAX_HEAD = 16 * 1024;
    private static final String CONTENT_LENGTH = "content-length:";
    private static final String CHUNKED = "transfer-encoding:";

    /** Body bytes still to skip; -1 while reading a head. */
    private long bodyLeft = -1;
    /** The status of the last response head (0 for a request). */
    private int status;

    /**
     * Consumes what it can of {@code in}; true when a message ended (call again for the next one).
     *
     * @throws IllegalStateException on a head it cannot frame
     */
    boolean next(final ByteBuf in) {
        if (bodyLeft < 0 && !readHead(in)) {
            return false;
        }
        final int skip = (int) Math.min(in.readableBytes(), bodyLeft);
        in.skipBytes(skip);
        bodyLeft -= skip;
        if (bodyLeft > 0) {
            return false;
        }
        bodyLeft = -1;
        return true;
    }

    /** The status code of the last response framed. */
    int status() {
        return status;
    }

    private boolean readHead(final ByteBuf in) {
        final int start = in.readerIndex();
        final int end = in.writerIndex();
        for (int i = start; i + 3 < end; i++) {
            if (in.getByte(i) == '\r' && in.getByte(i + 1) == '\n' && in.getByte(i + 2) == '\r'
                && in.getByte(i + 3) == '\n') {
                parse(in.toString(start, i - start, StandardCharsets.US_ASCII));
                in.readerIndex(i + 4);
                return true;
            }
        }
        if (end - start > MAX_HEAD) {
            throw new IllegalStateException("warm-up: no end of head in " + (end - start) + " bytes");
        }
        return false;
    }

    private void parse(final String head) {
        status = head.startsWith("HTTP/") && head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : 0;
        long length = 0;
        for (final String line : head.split("\r\n")) {
            final String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith(CONTENT_LENGTH)) {
                length = Long.parseLong(line.substring(CONTENT_LENGTH.length()).trim());
            } else if (lower.startsWith(CHUNKED)) {
                throw new IllegalStateException("warm-up: unexpected " + line);
            }
        }
        bodyLeft = length;
    }
}
