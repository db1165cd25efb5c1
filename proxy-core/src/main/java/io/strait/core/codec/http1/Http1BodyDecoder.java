package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpTrailers;

/**
 * The body of one HTTP/1.1 message, framed by content-length, chunked coding (chunk lines validated strictly,
 * trailer sections read by the head scanner's grammar and limits, handed on as an {@link HttpTrailers} before the
 * end when they have fields worth forwarding) or the end of input. Hands the body on as
 * retained slices of the input, never copied. Confined to its channel's event loop. Errors are reported by
 * {@link #BODY_ERROR} and {@link #errorStatus()} / {@link #errorReason()} (400, or 413 over the body limit).
 */
final class Http1BodyDecoder implements ByteProcessor {

    /** Returned by {@link #read} when the body framing is broken. */
    static final Object BODY_ERROR = new Object();

    /** Body length value for a close-delimited body in {@link #start}. */
    static final long CLOSE_DELIMITED = -2;

    private static final int NEED_MORE = Http1HeadStates.NEED_MORE;
    private static final int DONE = Http1HeadStates.DONE;
    private static final int ERROR = Http1HeadStates.ERROR;
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte HTAB = '\t';
    private static final int MAX_CHUNK_LINE = 4096;

    // chunk framing
    private static final int C_SIZE_START = 16;
    private static final int C_SIZE = 17;
    private static final int C_BWS = 18;
    private static final int C_EXT = 19;
    private static final int C_LF = 20;
    private static final int C_DATA_CR = 21;
    private static final int C_DATA_LF = 22;

    // body modes
    private static final int B_NONE = 0;
    private static final int B_FIXED = 1;
    private static final int B_CHUNK_LINE = 2;
    private static final int B_CHUNK_DATA = 3;
    private static final int B_TRAILERS = 4;
    private static final int B_CLOSE = 5;
    private static final int B_END = 6;

    private long maxBody;
    /** Reads trailer sections (the head's scanner: a trailer section comes after the head was handed on). */
    private final Http1HeadStates trailerScanner;

    private int bodyMode;
    private long remaining;
    private long chunkSize;
    private int chunkDigits;
    private long bodyBytes;

    // chunk line scan
    private int state;
    private int pos;
    private int result;
    private int errorStatus;
    private String errorReason;

    /** A decoder of bodies of at most {@code maxBody} bytes (-1: no limit), reading trailers with the scanner. */
    Http1BodyDecoder(final long maxBody, final Http1HeadStates trailerScanner) {
        this.maxBody = maxBody;
        this.trailerScanner = trailerScanner;
    }

    /** Sets the body limit (a pooled decoder, taken for a listener's connection). */
    void maxBody(final long max) {
        this.maxBody = max;
    }

    /** Forgets the body being read (the next message has none until {@link #start}). */
    void reset() {
        bodyMode = B_NONE;
    }

    /**
     * Starts reading a body: {@code length} &gt; 0 fixed, -1 chunked, {@link #CLOSE_DELIMITED} until end of input.
     */
    void start(final long length) {
        bodyBytes = 0;
        if (length > 0) {
            bodyMode = B_FIXED;
            remaining = length;
        } else if (length == -1) {
            bodyMode = B_CHUNK_LINE;
            state = C_SIZE_START;
            pos = 0;
        } else if (length == CLOSE_DELIMITED) {
            bodyMode = B_CLOSE;
        } else {
            bodyMode = B_NONE;
        }
    }

    /** Bytes of a fixed-length body still to come, or -1 when the body is not of fixed length. */
    long fixedRemaining() {
        return bodyMode == B_FIXED ? remaining : -1;
    }

    /** True while a close-delimited body is being read. */
    boolean closeDelimited() {
        return bodyMode == B_CLOSE;
    }

    /**
     * The next body event from {@code in} (the pending input, may be null): a retained slice, an {@link HttpTrailers}
     * (then the end at the next call), {@link HttpEnd#INSTANCE}, null when more input is needed, or
     * {@link #BODY_ERROR}.
     */
    Object read(final ByteBuf in) {
        for (;;) {
            switch (bodyMode) {
                case B_FIXED: {
                    if (remaining == 0) {
                        bodyMode = B_NONE;
                        return HttpEnd.INSTANCE;
                    }
                    final int n = in == null ? 0 : (int) Math.min(in.readableBytes(), remaining);
                    if (n == 0) {
                        return null;
                    }
                    remaining -= n;
                    return in.readRetainedSlice(n);
                }
                case B_CHUNK_DATA: {
                    final int n = in == null ? 0 : (int) Math.min(in.readableBytes(), remaining);
                    if (n == 0) {
                        return null;
                    }
                    remaining -= n;
                    if (remaining == 0) {
                        bodyMode = B_CHUNK_LINE;
                        state = C_DATA_CR;
                        pos = 0;
                    }
                    return in.readRetainedSlice(n);
                }
                case B_CHUNK_LINE: {
                    final int r = scanChunkLine(in);
                    if (r == ERROR) {
                        return BODY_ERROR;
                    }
                    if (r == NEED_MORE) {
                        return null;
                    }
                    if (chunkSize == 0) {
                        bodyMode = B_TRAILERS;
                        trailerScanner.startTrailers();
                        break;
                    }
                    bodyBytes += chunkSize;
                    if (maxBody >= 0 && bodyBytes > maxBody) {
                        fail(413, "body_too_large");
                        return BODY_ERROR;
                    }
                    remaining = chunkSize;
                    bodyMode = B_CHUNK_DATA;
                    break;
                }
                case B_TRAILERS: {
                    final int r = trailerScanner.scanTrailers(in);
                    if (r == ERROR) {
                        fail(trailerScanner.errorStatus(), trailerScanner.errorReason());
                        return BODY_ERROR;
                    }
                    if (r == NEED_MORE) {
                        return null;
                    }
                    final HttpTrailers fields = trailerFields(trailerScanner, in);
                    in.skipBytes(trailerScanner.headLength());
                    if (fields == null) {
                        bodyMode = B_NONE;
                        return HttpEnd.INSTANCE;
                    }
                    bodyMode = B_END;   // the end follows the trailers at the next call
                    return fields;
                }
                case B_END:
                    bodyMode = B_NONE;
                    return HttpEnd.INSTANCE;
                case B_CLOSE:
                    if (in == null || !in.isReadable()) {
                        return null;
                    }
                    return in.readRetainedSlice(in.readableBytes());
                default:
                    return null;
            }
        }
    }

    /**
     * The fields of the trailer section {@code sc} just scanned in {@code in} (from its reader index) as values, with
     * lower-case names, leaving out those that only mean something in a head (framing, connection, routing: RFC 9110
     * 6.5.1); null when none is left. The rare path: allocates only when there are fields.
     */
    private static HttpTrailers trailerFields(final Http1HeadStates sc, final ByteBuf in) {
        HttpTrailers t = null;
        final int base = in.readerIndex();
        for (int i = 0; i < sc.headerCount(); i++) {
            if (sc.headerKind(i) != Http1Wire.K_OTHER) {
                continue;
            }
            if (t == null) {
                t = new HttpTrailers();
            }
            final byte[] name = new byte[sc.nameEnd(i) - sc.nameStart(i)];
            in.getBytes(base + sc.nameStart(i), name);
            for (int k = 0; k < name.length; k++) {
                final byte b = name[k];
                if (b >= 'A' && b <= 'Z') {
                    name[k] = (byte) (b + 32);
                }
            }
            final byte[] value = new byte[sc.valueEnd(i) - sc.valueStart(i)];
            in.getBytes(base + sc.valueStart(i), value);
            t.headers().add(new AsciiString(name, false), new AsciiString(value, false));
        }
        return t;
    }

    /** Scans a chunk line (and the CRLF ending the chunk before it) and consumes it. */
    private int scanChunkLine(final ByteBuf in) {
        if (in == null || !in.isReadable()) {
            return NEED_MORE;
        }
        final int from = in.readerIndex();
        final int len = in.readableBytes();
        result = NEED_MORE;
        final int stop = in.forEachByte(from, len, this);
        if (result != ERROR) {
            in.readerIndex(stop < 0 ? from + len : stop + 1);
        }
        return result;
    }

    @Override
    public boolean process(final byte b) {
        final int p = pos;
        final int st = state;
        switch (st) {
            case C_DATA_CR:
                if (b == CR) {
                    state = C_DATA_LF;
                    break;
                }
                return fail(400, b == LF ? "bare_lf" : "missing_chunk_crlf");
            case C_DATA_LF:
                if (b != LF) {
                    return fail(400, "missing_chunk_crlf");
                }
                state = C_SIZE_START;
                pos = 0;
                return true;
            default:
                return chunkLine(b, p, st);
        }
        pos = p + 1;
        return true;
    }

    private boolean chunkLine(final byte b, final int p, final int st) {
        if (p >= MAX_CHUNK_LINE) {
            return fail(400, "chunk_line_too_long");
        }
        switch (st) {
            case C_SIZE_START: {
                final int d = hex(b);
                if (d < 0) {
                    return fail(400, b == LF ? "bare_lf" : "invalid_chunk_size");
                }
                chunkSize = d;
                chunkDigits = 1;
                state = C_SIZE;
                break;
            }
            case C_SIZE: {
                final int d = hex(b);
                if (d >= 0) {
                    if (++chunkDigits > 16 || chunkSize > (Long.MAX_VALUE >>> 4)) {
                        return fail(400, "invalid_chunk_size");
                    }
                    chunkSize = (chunkSize << 4) | d;
                    break;
                }
                if (b == CR) {
                    state = C_LF;
                } else if (b == ';') {
                    state = C_EXT;
                } else if (b == SP || b == HTAB) {
                    state = C_BWS;
                } else {
                    return fail(400, b == LF ? "bare_lf" : "invalid_chunk_size");
                }
                break;
            }
            case C_BWS:
                if (b == ';') {
                    state = C_EXT;
                } else if (b != SP && b != HTAB) {
                    return fail(400, "invalid_chunk_size");
                }
                break;
            case C_EXT:
                if (b == CR) {
                    state = C_LF;
                } else if (b == LF) {
                    return fail(400, "bare_lf");
                } else if ((b >= 0 && b < SP && b != HTAB) || b == 0x7f) {
                    return fail(400, "invalid_chunk_ext");
                }
                break;
            default: // C_LF
                if (b != LF) {
                    return fail(400, "bare_cr");
                }
                pos = p + 1;
                result = DONE;
                return false;
        }
        pos = p + 1;
        return true;
    }

    private static int hex(final byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    int errorStatus() {
        return errorStatus;
    }

    String errorReason() {
        return errorReason;
    }

    /** Records a failure; always returns false. */
    private boolean fail(final int statusCode, final String reason) {
        errorStatus = statusCode;
        errorReason = reason;
        result = ERROR;
        return false;
    }
}
