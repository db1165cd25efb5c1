package io.strait.load;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Confined to its connection's event loop. A minimal incremental HTTP/1.1 response parser: it reads the status
 * code, {@code content-length}, {@code transfer-encoding: chunked} and {@code connection}, skips bodies without
 * copying them and handles responses split across reads at any byte. Interim 1xx responses (but 101) are skipped;
 * a response without length that is not chunked reads until close ({@link #readsUntilClose()}).
 *
 * <p>Head lines are copied into a fixed 256-byte buffer (longer lines keep their first 256 bytes, enough for the
 * three headers that matter); no allocation happens per response.
 */
final class ResponseParser implements ByteProcessor {

    /** {@link #parse} consumed everything and the response is not complete yet. */
    static final int NEED_MORE = 0;
    /** {@link #parse} completed one response; {@link #status()} and {@link #keepAlive()} describe it. */
    static final int COMPLETE = 1;
    /** {@link #parse} found a malformed response; the connection must be closed. */
    static final int ERROR = -1;

    private static final int MAX_LINE = 256;
    private static final int S_STATUS = 0;
    private static final int S_HEADER = 1;
    private static final int S_BODY = 2;
    private static final int S_CHUNK_SIZE = 3;
    private static final int S_CHUNK_DATA = 4;
    private static final int S_CHUNK_END = 5;
    private static final int S_TRAILER = 6;
    private static final int S_UNTIL_CLOSE = 7;

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING =
        "transfer-encoding".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "chunked".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "close".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "keep-alive".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] line = new byte[MAX_LINE];
    private final boolean headRequests;
    private int lineLen;
    private int state = S_STATUS;
    private int status;
    private boolean keepAlive;
    private boolean chunked;
    private long contentLength;
    private long remaining;

    /**
     * @param headRequests true when every request is a HEAD: responses then have no body whatever their headers say
     */
    ResponseParser(final boolean headRequests) {
        this.headRequests = headRequests;
    }

    /** Returns the last completed response's status code. */
    int status() {
        return status;
    }

    /** Returns whether the connection may carry another request after the last completed response. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** Returns true when the current response's body ends at connection close. */
    boolean readsUntilClose() {
        return state == S_UNTIL_CLOSE;
    }

    /** Returns true when a response has started (some of it was read) but not completed. */
    boolean inResponse() {
        return state != S_STATUS || lineLen > 0;
    }

    /** Forgets any partial response (after the connection closed). */
    void reset() {
        state = S_STATUS;
        lineLen = 0;
    }

    /**
     * Consumes bytes of {@code buf} up to the end of one response (or all of them).
     *
     * @return {@link #COMPLETE}, {@link #NEED_MORE} (all readable bytes consumed) or {@link #ERROR}
     */
    int parse(final ByteBuf buf) {
        while (buf.isReadable()) {
            switch (state) {
                case S_BODY, S_CHUNK_DATA -> {
                    final int n = (int) Math.min(remaining, buf.readableBytes());
                    buf.skipBytes(n);
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == S_BODY) {
                            return complete();
                        }
                        state = S_CHUNK_END;
                    }
                }
                case S_UNTIL_CLOSE -> buf.skipBytes(buf.readableBytes());
                default -> {
                    final int end = buf.forEachByte(this);
                    if (end < 0) {
                        buf.skipBytes(buf.readableBytes());
                        return NEED_MORE;
                    }
                    buf.readerIndex(end + 1);
                    int len = lineLen;
                    lineLen = 0;
                    if (len > 0 && len <= MAX_LINE && line[len - 1] == '\r') {
                        len--;
                    }
                    final int r = onLine(len);
                    if (r != NEED_MORE) {
                        return r;
                    }
                }
            }
        }
        return NEED_MORE;
    }

    @Override
    public boolean process(final byte value) {
        if (value == '\n') {
            return false;
        }
        if (lineLen < MAX_LINE) {
            line[lineLen] = value;
        }
        lineLen++;
        return true;
    }

    private int onLine(final int rawLen) {
        final int len = Math.min(rawLen, MAX_LINE);
        switch (state) {
            case S_STATUS -> {
                // "HTTP/1.x SSS ..."
                if (len < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P'
                    || line[4] != '/' || line[8] != ' ') {
                    return ERROR;
                }
                final int s = digit(line[9]) * 100 + digit(line[10]) * 10 + digit(line[11]);
                if (s < 100 || s > 999) {
                    return ERROR;
                }
                status = s;
                keepAlive = line[5] == '1' && line[7] != '0';
                chunked = false;
                contentLength = -1;
                state = S_HEADER;
                return NEED_MORE;
            }
            case S_HEADER -> {
                return len == 0 ? endOfHead() : header(len);
            }
            case S_CHUNK_SIZE -> {
                long size = 0;
                int digits = 0;
                for (int i = 0; i < len; i++) {
                    final int d = hex(line[i]);
                    if (d < 0) {
                        break;
                    }
                    if (++digits > 15) {
                        return ERROR;
                    }
                    size = size << 4 | d;
                }
                if (digits == 0) {
                    return ERROR;
                }
                if (size == 0) {
                    state = S_TRAILER;
                } else {
                    remaining = size;
                    state = S_CHUNK_DATA;
                }
                return NEED_MORE;
            }
            case S_CHUNK_END -> {
                if (len != 0) {
                    return ERROR;
                }
                state = S_CHUNK_SIZE;
                return NEED_MORE;
            }
            case S_TRAILER -> {
                return len == 0 ? complete() : NEED_MORE;
            }
            default -> {
                return ERROR;
            }
        }
    }

    private int endOfHead() {
        if (status < 200 && status != 101) {
            state = S_STATUS;   // interim response: the final one follows
            return NEED_MORE;
        }
        if (headRequests || status == 204 || status == 304 || status == 101) {
            return complete();
        }
        if (chunked) {
            state = S_CHUNK_SIZE;
            return NEED_MORE;
        }
        if (contentLength >= 0) {
            if (contentLength == 0) {
                return complete();
            }
            remaining = contentLength;
            state = S_BODY;
            return NEED_MORE;
        }
        keepAlive = false;
        state = S_UNTIL_CLOSE;
        return NEED_MORE;
    }

    private int header(final int len) {
        int colon = -1;
        for (int i = 0; i < len; i++) {
            if (line[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            return ERROR;
        }
        int from = colon + 1;
        int to = len;
        while (from < to && (line[from] == ' ' || line[from] == '\t')) {
            from++;
        }
        while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
            to--;
        }
        if (nameIs(CONTENT_LENGTH, colon)) {
            long v = 0;
            if (from == to) {
                return ERROR;
            }
            for (int i = from; i < to; i++) {
                final int d = digit(line[i]);
                if (d < 0 || v > Long.MAX_VALUE / 10 - 10) {
                    return ERROR;
                }
                v = v * 10 + d;
            }
            if (contentLength >= 0 && contentLength != v) {
                return ERROR;
            }
            contentLength = v;
        } else if (nameIs(TRANSFER_ENCODING, colon)) {
            chunked = endsWith(CHUNKED, from, to);
        } else if (nameIs(CONNECTION, colon)) {
            if (contains(CLOSE, from, to)) {
                keepAlive = false;
            } else if (contains(KEEP_ALIVE, from, to)) {
                keepAlive = true;
            }
        }
        return NEED_MORE;
    }

    private int complete() {
        state = S_STATUS;
        return COMPLETE;
    }

    private boolean nameIs(final byte[] name, final int len) {
        if (len != name.length) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if ((line[i] | 0x20) != name[i] && !(name[i] == '-' && line[i] == '-')) {
                return false;
            }
        }
        return true;
    }

    private boolean endsWith(final byte[] word, final int from, final int to) {
        if (to - from < word.length) {
            return false;
        }
        final int start = to - word.length;
        for (int i = 0; i < word.length; i++) {
            if ((line[start + i] | 0x20) != word[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean contains(final byte[] word, final int from, final int to) {
        outer:
        for (int s = from; s <= to - word.length; s++) {
            for (int i = 0; i < word.length; i++) {
                final byte w = word[i];
                if ((line[s + i] | 0x20) != w && !(w == '-' && line[s + i] == '-')) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static int digit(final byte b) {
        return b >= '0' && b <= '9' ? b - '0' : -1000;
    }

    private static int hex(final byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        final int l = b | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }
}
