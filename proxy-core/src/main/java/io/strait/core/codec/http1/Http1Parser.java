package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ByteProcessor;
import io.netty.util.internal.PlatformDependent;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpHeaderBlock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The byte-level HTTP/1.1 state machine shared by both codecs: input cumulation, the one-pass head scan
 * (start line and header lines validated and recorded as offsets relative to the head's first byte; common
 * shapes are read a word at a time straight from the buffer's array or memory, everything else byte by byte
 * through {@link #process}, with identical results),
 * header semantics (framing, hop-by-hop removal) and body framing (content-length, chunked, close-delimited).
 * Confined to its channel's event loop. Errors are reported by return value and {@link #errorStatus()} /
 * {@link #errorReason()} with the downstream status (400, 413, 414, 431, 505...); the upstream side maps them to 502.
 */
final class Http1Parser implements ByteProcessor {

    static final int NEED_MORE = 0;
    static final int DONE = 1;
    static final int ERROR = -1;

    /** Returned by {@link #readBody} when the body framing is broken. */
    static final Object BODY_ERROR = new Object();

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte HTAB = '\t';
    private static final int MAX_CHUNK_LINE = 4096;

    // start line, request
    private static final int REQ_METHOD = 1;
    private static final int REQ_TARGET_START = 2;
    private static final int REQ_TARGET = 3;
    private static final int REQ_VERSION = 4;
    private static final int REQ_LF = 5;
    // start line, response
    private static final int RES_VERSION = 6;
    private static final int RES_STATUS = 7;
    private static final int RES_REASON = 8;
    private static final int RES_LF = 9;
    // header lines (head and trailers)
    private static final int H_LINE = 10;
    private static final int H_NAME = 11;
    private static final int H_OWS = 12;
    private static final int H_VALUE = 13;
    private static final int H_VALUE_LF = 14;
    private static final int H_END_LF = 15;
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

    /** Body length value for a close-delimited body in {@link #startBody}. */
    static final long CLOSE_DELIMITED = -2;

    private static final boolean UNSAFE = PlatformDependent.hasUnsafe();
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (final char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private final boolean request;
    private final int maxLine;
    private final int maxHead;
    private final int maxCount;
    private final long maxBody;

    private ByteBuf cumulation;

    // scan state
    private int state;
    private int pos;
    private int result;
    private boolean trailers;
    private ByteBuf scanBuf;
    private int scanBase;
    private byte[] scanArray;
    private int scanOffset;
    private long scanAddress;
    private int errorStatus;
    private String errorReason;

    // start line
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int versionStart;
    private int version;
    private int status;
    private int statusDigits;
    private int reasonStart;
    private int reasonEnd;

    // header lines
    private int nameStart;
    private int nameEnd;
    private int valueStart;
    private int valueEnd;
    private int count;
    private int[] hns = new int[16];
    private int[] hne = new int[16];
    private int[] hvs = new int[16];
    private int[] hve = new int[16];
    private int[] hk = new int[16];

    // header semantics of the last head
    private int hostCount;
    private int hostIndex;
    private long contentLength;
    private boolean chunked;
    private boolean badTransferEncoding;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean expectContinue;
    private boolean badExpect;

    // body
    private int bodyMode;
    private long remaining;
    private long chunkSize;
    private int chunkDigits;
    private long bodyBytes;

    Http1Parser(final boolean request, final int maxLine, final int maxHead, final int maxCount, final long maxBody) {
        this.request = request;
        this.maxLine = maxLine;
        this.maxHead = maxHead;
        this.maxCount = maxCount;
        this.maxBody = maxBody;
        resetHead();
    }

    // ---------------------------------------------------------------- cumulation

    /** Appends {@code in} to the pending input (takes ownership of it). */
    void cumulate(final ByteBufAllocator alloc, final ByteBuf in) {
        final ByteBuf cum = cumulation;
        if (cum == null) {
            cumulation = in;
            return;
        }
        if (!cum.isReadable()) {
            cum.release();
            cumulation = in;
            return;
        }
        final int add = in.readableBytes();
        if (cum.refCnt() == 1 && !cum.isReadOnly() && cum.writableBytes() >= add) {
            cum.writeBytes(in);
            in.release();
            return;
        }
        // slices of cum are out (or it is too small): never write under them, copy the unread part, with room
        // for the next fragments of a head that arrives in pieces
        final int need = cum.readableBytes() + add;
        final ByteBuf next = alloc.buffer(Math.max(need << 1, 512));
        next.writeBytes(cum).writeBytes(in);
        cum.release();
        in.release();
        cumulation = next;
    }

    /** The pending input, or null. */
    ByteBuf cumulation() {
        return cumulation;
    }

    /** Bytes pending. */
    int pending() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    /** Releases the pending input if it is empty (keeps memory low between reads). */
    void trimCumulation() {
        final ByteBuf cum = cumulation;
        if (cum != null && !cum.isReadable()) {
            cumulation = null;
            cum.release();
        }
    }

    /** Releases all pending input. */
    void releaseCumulation() {
        final ByteBuf cum = cumulation;
        if (cum != null) {
            cumulation = null;
            cum.release();
        }
    }

    // ---------------------------------------------------------------- head

    /** Prepares for the next head. */
    void resetHead() {
        state = request ? REQ_METHOD : RES_VERSION;
        pos = 0;
        count = 0;
        trailers = false;
        status = 0;
        statusDigits = 0;
        bodyMode = B_NONE;
    }

    /** True once at least one byte of the current head was scanned. */
    boolean headStarted() {
        return pos > 0;
    }

    /**
     * Skips empty lines before a request line (RFC 9112 2.2).
     *
     * @return {@link #DONE} when a request line starts, {@link #NEED_MORE}, or {@link #ERROR} on a bare LF / CR
     */
    int skipLeadingEmptyLines() {
        final ByteBuf in = cumulation;
        while (in.isReadable()) {
            final int ri = in.readerIndex();
            final byte b = in.getByte(ri);
            if (b == LF) {
                fail(400, "bare_lf");
                return ERROR;
            }
            if (b != CR) {
                return DONE;
            }
            if (in.readableBytes() < 2) {
                return NEED_MORE;
            }
            if (in.getByte(ri + 1) != LF) {
                fail(400, "bare_cr");
                return ERROR;
            }
            in.skipBytes(2);
        }
        return NEED_MORE;
    }

    /**
     * Scans the current head in the pending input from where the last call stopped.
     *
     * @return {@link #DONE} (then {@link #headLength()} bytes at the reader index are the head),
     *         {@link #NEED_MORE} or {@link #ERROR}
     */
    int scanHead() {
        final ByteBuf in = cumulation;
        final int base = in.readerIndex();
        if (in.writerIndex() - base <= pos) {
            return NEED_MORE;
        }
        scanBuf = in;
        scanBase = base;
        result = NEED_MORE;
        if (in.hasArray()) {
            scanArray = in.array();
            scanOffset = in.arrayOffset();
        } else if (UNSAFE && in.hasMemoryAddress()) {
            scanAddress = in.memoryAddress();
        }
        final int avail = in.writerIndex() - base;
        // positions below these can be read without crossing a limit check of process (which reports it)
        final int headLim = Math.min(avail, maxHead);
        final int targetLim = Math.min(headLim, maxLine);
        int p = pos;
        while (p < avail) {
            switch (state) {
                case H_LINE:
                    p = scanLines(base, p, headLim);
                    if (p < 0) {
                        endScan();
                        return DONE;
                    }
                    break;
                case REQ_METHOD:
                    p = scanRequestLine(base, p, targetLim, headLim);
                    break;
                case H_VALUE:
                    p = scanValue(base, p, headLim - 8);
                    break;
                case REQ_VERSION:
                    p = scanRequestVersion(base, p, targetLim, headLim);
                    break;
                case RES_VERSION:
                    p = scanStatus(base, p, headLim);
                    break;
                case H_NAME:
                    p = scanName(base, p, headLim);
                    break;
                case REQ_TARGET:
                    p = scanTarget(base, p, targetLim - 8);
                    break;
                default:
                    break;
            }
            pos = p;
            if (p >= avail || !process(byteAt(base + p))) {
                break;
            }
            p = pos;
        }
        endScan();
        return result;
    }

    /** {@link #scanHead} one byte at a time through {@link #process}: the reference the bulk scan must match. */
    int scanHeadBytewise() {
        final ByteBuf in = cumulation;
        final int base = in.readerIndex();
        final int from = base + pos;
        final int len = in.writerIndex() - from;
        if (len <= 0) {
            return NEED_MORE;
        }
        scanBuf = in;
        scanBase = base;
        result = NEED_MORE;
        in.forEachByte(from, len, this);
        scanBuf = null;
        return result;
    }

    private static final long L7F = 0x7f7f7f7f7f7f7f7fL;
    private static final long L80 = 0x8080808080808080L;
    private static final long L20 = 0x2020202020202020L;
    private static final long L5F = 0x5f5f5f5f5f5f5f5fL;
    private static final long L60 = 0x6060606060606060L;

    /** High bit of each byte of {@code w} set where the byte is 0 (exact, no borrow between bytes). */
    private static long zeroBytes(final long w) {
        return ~(((w & L7F) + L7F) | w) & L80;
    }

    private static final long L01 = 0x0101010101010101L;

    /**
     * Skips plain field-value bytes (not a CTL, not DEL) 8 at a time while {@code p <= last}, then sets
     * {@code valueEnd} after the last skipped byte that is not whitespace, as {@link #process} would have; stops
     * before any other byte, which {@link #process} then handles.
     */
    private int scanValue(final int base, final int from, final int last) {
        int p = from;
        while (p <= last) {
            final long w = longLE(base + p);
            final long x = w ^ L7F;
            // borrows can mark bytes above the first CTL or DEL, never below it: the lowest mark is exact
            final long special = (((w - L20) & ~w) | ((x - L01) & ~x)) & L80;
            if (special != 0) {
                p += Long.numberOfTrailingZeros(special) >>> 3;
                break;
            }
            p += 8;
        }
        if (p > from) {
            int e = p;
            byte b;
            while (e > from && ((b = byteAt(base + e - 1)) == SP || b == HTAB)) {
                e--;
            }
            if (e > from) {
                valueEnd = e;
            }
        }
        return p;
    }

    private static final long HTTP_1_1 = 0x312e312f50545448L; // "HTTP/1.1" little-endian
    private static final long HTTP_1_0 = 0x302e312f50545448L; // "HTTP/1.0" little-endian

    /**
     * Reads {@code HTTP/1.x CRLF} at once when all of it is below the limits; otherwise leaves it to
     * {@link #process}.
     */
    private int scanRequestVersion(final int base, final int p, final int targetLim, final int headLim) {
        if (p != versionStart || p + 8 > targetLim || p + 10 > headLim) {
            return p;
        }
        final long w = longLE(base + p);
        if ((w != HTTP_1_1 && w != HTTP_1_0) || !crlfAt(base + p + 8)) {
            return p;
        }
        version = w == HTTP_1_1 ? 11 : 10;
        state = H_LINE;
        return p + 10;
    }

    /**
     * Reads {@code HTTP/1.x NNN SP} at once when all of it is below the limit and the status is 100..599;
     * otherwise leaves it to {@link #process}.
     */
    private int scanStatus(final int base, final int p, final int headLim) {
        if (p != 0 || 13 > headLim) {
            return p;
        }
        final long w = longLE(base);
        if ((w != HTTP_1_1 && w != HTTP_1_0) || byteAt(base + 8) != SP || byteAt(base + 12) != SP) {
            return p;
        }
        final int d1 = byteAt(base + 9) - '0';
        final int d2 = byteAt(base + 10) - '0';
        final int d3 = byteAt(base + 11) - '0';
        if (d1 < 1 || d1 > 5 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9) {
            return p;
        }
        version = w == HTTP_1_1 ? 11 : 10;
        status = d1 * 100 + d2 * 10 + d3;
        statusDigits = 3;
        reasonStart = 13;
        reasonEnd = 13;
        state = RES_REASON;
        int q = 13;
        byte b;
        while (q < headLim && ((b = byteAt(base + q)) < 0 || (b >= SP && b != 0x7f) || b == HTAB)) {
            q++;
        }
        if (q + 1 < headLim && crlfAt(base + q)) {
            reasonEnd = q;
            state = H_LINE;
            return q + 2;
        }
        return q;
    }

    /**
     * Reads {@code method SP target SP} at once, as far as all of it is below the limits and plain, then the
     * version; stops with the state consistent before anything else, which {@link #process} then handles.
     */
    private int scanRequestLine(final int base, final int from, final int targetLim, final int headLim) {
        if (from != 0) {
            return from;
        }
        final boolean[] tchar = TCHAR;
        int p = 0;
        byte b = 0;
        while (p < targetLim && tchar[(b = byteAt(base + p)) & 0xff]) {
            p++;
        }
        if (p == 0 || p >= targetLim || b != SP) {
            return p;
        }
        methodEnd = p;
        state = REQ_TARGET_START;
        p++;
        if (p >= targetLim || (b = byteAt(base + p)) <= SP || b == 0x7f) {
            return p;
        }
        targetStart = p;
        state = REQ_TARGET;
        p = scanTarget(base, p + 1, targetLim - 8);
        if (p >= targetLim || byteAt(base + p) != SP) {
            return p;
        }
        targetEnd = p;
        versionStart = p + 1;
        state = REQ_VERSION;
        return scanRequestVersion(base, p + 1, targetLim, headLim);
    }

    /**
     * Reads header lines of the common shape (name, colon, optional whitespace, a value that starts with a plain
     * byte, CRLF) while all their bytes are below {@code lim}, with the effects {@link #process} would have; stops
     * with the state and position consistent before any other byte, which {@link #process} then handles.
     */
    private int scanLines(final int base, final int from, final int lim) {
        int p = from;
        final boolean[] tchar = TCHAR;
        while (p < lim) {
            byte b = byteAt(base + p);
            if (!tchar[b & 0xff]) {
                if (b == CR && p + 1 < lim && byteAt(base + p + 1) == LF) {
                    pos = p + 2;
                    result = DONE;
                    return -1;
                }
                return p;
            }
            nameStart = p;
            state = H_NAME;
            p = scanName(base, p + 1, lim);
            if (p >= lim || byteAt(base + p) != ':') {
                return p;
            }
            nameEnd = p;
            state = H_OWS;
            p++;
            while (p < lim && ((b = byteAt(base + p)) == SP || b == HTAB)) {
                p++;
            }
            if (p >= lim || (b >= 0 && b < SP) || b == 0x7f) {
                return p;
            }
            valueStart = p;
            valueEnd = p + 1;
            state = H_VALUE;
            p = scanValue(base, p + 1, lim - 8);
            if (p + 1 >= lim || count >= maxCount || !crlfAt(base + p)) {
                return p;
            }
            if (!trailers) {
                record();
            }
            count++;
            state = H_LINE;
            p += 2;
        }
        return p;
    }

    /** Skips tchar bytes while {@code p < lim}, reading 8 at a time where 8 are there. */
    private int scanName(final int base, final int from, final int lim) {
        int p = from;
        final boolean[] tchar = TCHAR;
        while (p <= lim - 8) {
            final long w = longLE(base + p);
            for (int k = 0; k < 64; k += 8) {
                if (!tchar[(int) (w >>> k) & 0xff]) {
                    return p + (k >>> 3);
                }
            }
            p += 8;
        }
        while (p < lim && tchar[byteAt(base + p) & 0xff]) {
            p++;
        }
        return p;
    }

    /** Skips request-target bytes (0x21..0x7e) 8 at a time while {@code p <= last}. */
    private int scanTarget(final int base, final int from, final int last) {
        int p = from;
        while (p <= last) {
            final long w = longLE(base + p);
            final long special = ((~((w & L7F) + L5F) | w) & L80) | zeroBytes(w ^ L7F);
            if (special != 0) {
                return p + (Long.numberOfTrailingZeros(special) >>> 3);
            }
            p += 8;
        }
        return p;
    }
    private void endScan() {
        scanBuf = null;
        scanArray = null;
        scanAddress = 0;
    }

    /**
     * Byte {@code i} (a buffer index below the writer index) of the buffer being scanned: from its array or its
     * memory address when it has one, saving the index and accessibility checks of {@link ByteBuf#getByte}.
     */
    private byte byteAt(final int i) {
        final byte[] a = scanArray;
        if (a != null) {
            return a[scanOffset + i];
        }
        final long addr = scanAddress;
        if (addr != 0) {
            return PlatformDependent.getByte(addr + i);
        }
        return scanBuf.getByte(i);
    }

    /** Bytes {@code i..i+7} (below the writer index) as a little-endian long; see {@link #byteAt}. */
    private long longLE(final int i) {
        final byte[] a = scanArray;
        if (a != null) {
            return (long) LONG_LE.get(a, scanOffset + i);
        }
        final long addr = scanAddress;
        if (addr != 0) {
            final long v = PlatformDependent.getLong(addr + i);
            return PlatformDependent.BIG_ENDIAN_NATIVE_ORDER ? Long.reverseBytes(v) : v;
        }
        return scanBuf.getLongLE(i);
    }

    /** True if bytes {@code i, i+1} are CR LF. */
    private boolean crlfAt(final int i) {
        return byteAt(i) == CR && byteAt(i + 1) == LF;
    }


    /** The kind ({@code Http1Wire.K_*}) of recorded header line {@code i} of the last head. */
    int headerKind(final int i) {
        return hk[i];
    }

    int headLength() {
        return pos;
    }

    int methodEnd() {
        return methodEnd;
    }

    int targetStart() {
        return targetStart;
    }

    int targetEnd() {
        return targetEnd;
    }

    int version() {
        return version;
    }

    int status() {
        return status;
    }

    int reasonStart() {
        return reasonStart;
    }

    int reasonEnd() {
        return reasonEnd;
    }

    int errorStatus() {
        return errorStatus;
    }

    String errorReason() {
        return errorReason;
    }

    /** Records a failure; always returns false. */
    boolean fail(final int statusCode, final String reason) {
        errorStatus = statusCode;
        errorReason = reason;
        result = ERROR;
        return false;
    }

    @Override
    public boolean process(final byte b) {
        final int p = pos;
        final int st = state;
        if (st < H_LINE) {
            if (request && st <= REQ_VERSION && p >= maxLine && b != CR) {
                return fail(414, "uri_too_long");
            }
        }
        if (st <= H_END_LF && p >= maxHead) {
            return fail(431, "headers_too_large");
        }
        switch (st) {
            case REQ_METHOD:
            case REQ_TARGET_START:
            case REQ_TARGET:
            case REQ_VERSION:
            case REQ_LF:
            case RES_VERSION:
            case RES_STATUS:
            case RES_REASON:
            case RES_LF:
                return startLine(b, p, st);
            case H_LINE:
                if (TCHAR[b & 0xff]) {
                    nameStart = p;
                    state = H_NAME;
                    break;
                }
                if (b == CR) {
                    state = H_END_LF;
                    break;
                }
                if (b == LF) {
                    return fail(400, "bare_lf");
                }
                if (b == SP || b == HTAB) {
                    return fail(400, "obs_fold");
                }
                return fail(400, b == ':' ? "empty_header_name" : "invalid_header_name");
            case H_NAME:
                if (TCHAR[b & 0xff]) {
                    break;
                }
                if (b == ':') {
                    nameEnd = p;
                    state = H_OWS;
                    break;
                }
                if (b == SP || b == HTAB) {
                    return fail(400, "space_before_colon");
                }
                if (b == LF) {
                    return fail(400, "bare_lf");
                }
                return fail(400, "invalid_header_name");
            case H_OWS:
                if (b == SP || b == HTAB) {
                    break;
                }
                valueStart = p;
                valueEnd = p;
                state = H_VALUE;
                // fall through: this byte is the value's first
            case H_VALUE:
                if (b == CR) {
                    state = H_VALUE_LF;
                    break;
                }
                if (b == SP || b == HTAB) {
                    break;
                }
                if (b == LF) {
                    return fail(400, "bare_lf");
                }
                if ((b >= 0 && b < SP) || b == 0x7f) {
                    return fail(400, "invalid_header_value");
                }
                valueEnd = p + 1;
                break;
            case H_VALUE_LF:
                if (b != LF) {
                    return fail(400, "invalid_header_value");
                }
                if (count >= maxCount) {
                    return fail(431, "headers_too_large");
                }
                if (!trailers) {
                    record();
                }
                count++;
                state = H_LINE;
                break;
            case H_END_LF:
                if (b != LF) {
                    return fail(400, "bare_cr");
                }
                pos = p + 1;
                result = DONE;
                return false;
            case C_SIZE_START:
            case C_SIZE:
            case C_BWS:
            case C_EXT:
            case C_LF:
                return chunkLine(b, p, st);
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
                throw new IllegalStateException("state " + st);
        }
        pos = p + 1;
        return true;
    }

    /** The request line or status line states of {@link #process}. */
    private boolean startLine(final byte b, final int p, final int st) {
        switch (st) {
            case REQ_METHOD:
                if (TCHAR[b & 0xff]) {
                    break;
                }
                if (b == SP && p > 0) {
                    methodEnd = p;
                    state = REQ_TARGET_START;
                    break;
                }
                return fail(400, "bad_method");
            case REQ_TARGET_START:
                if (b <= SP || b == 0x7f) {
                    return fail(400, "bad_target");
                }
                targetStart = p;
                state = REQ_TARGET;
                break;
            case REQ_TARGET:
                if (b == SP) {
                    targetEnd = p;
                    versionStart = p + 1;
                    state = REQ_VERSION;
                    break;
                }
                if (b < SP || b == 0x7f) {
                    return fail(400, "bad_target");
                }
                break;
            case REQ_VERSION:
                if (b == CR) {
                    if (!parseVersion(versionStart, p)) {
                        return false;
                    }
                    state = REQ_LF;
                    break;
                }
                if (b == LF) {
                    return fail(400, "bare_lf");
                }
                if (b <= SP || b == 0x7f) {
                    return fail(400, "bad_version");
                }
                break;
            case REQ_LF:
            case RES_LF:
                if (b != LF) {
                    return fail(400, "bare_cr");
                }
                state = H_LINE;
                break;
            case RES_VERSION:
                if (b == SP) {
                    if (!parseVersion(0, p)) {
                        return false;
                    }
                    state = RES_STATUS;
                    break;
                }
                if (b <= SP || b == 0x7f) {
                    return fail(400, "bad_status_line");
                }
                break;
            case RES_STATUS:
                if (b >= '0' && b <= '9') {
                    if (++statusDigits > 3) {
                        return fail(400, "bad_status_line");
                    }
                    status = status * 10 + (b - '0');
                    break;
                }
                if (statusDigits != 3 || status < 100 || status > 599 || (b != SP && b != CR)) {
                    return fail(400, b == LF ? "bare_lf" : "bad_status_line");
                }
                reasonStart = p + 1;
                reasonEnd = p + 1;
                if (b == CR) {
                    reasonStart = p;
                    reasonEnd = p;
                    state = RES_LF;
                } else {
                    state = RES_REASON;
                }
                break;
            case RES_REASON:
                if (b == CR) {
                    reasonEnd = p;
                    state = RES_LF;
                    break;
                }
                if (b == LF) {
                    return fail(400, "bare_lf");
                }
                if ((b >= 0 && b < SP && b != HTAB) || b == 0x7f) {
                    return fail(400, "bad_status_line");
                }
                break;
            default:
                throw new IllegalStateException("state " + st);
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

    private void record() {
        final int i = count;
        if (i == hns.length) {
            final int n = i << 1;
            hns = Arrays.copyOf(hns, n);
            hne = Arrays.copyOf(hne, n);
            hvs = Arrays.copyOf(hvs, n);
            hve = Arrays.copyOf(hve, n);
            hk = Arrays.copyOf(hk, n);
        }
        hns[i] = nameStart;
        hne[i] = nameEnd;
        hvs[i] = valueStart;
        hve[i] = valueEnd;
        hk[i] = classifyName(scanBase + nameStart, nameEnd - nameStart);
    }

    /**
     * Classifies the name at buffer index {@code s} while the scan can read it directly. A name of up to 8 bytes
     * is read as the 8 bytes ending with it: a header line starts 14 or more bytes into the head.
     */
    private int classifyName(final int s, final int len) {
        if (len >= 32 || ((Http1Wire.KNOWN_LENGTHS >>> len) & 1) == 0) {
            return Http1Wire.K_OTHER;
        }
        if (len <= 8) {
            return Http1Wire.classifyWords(len, longLE(s + len - 8) >>> ((8 - len) << 3), 0, 0);
        }
        return Http1Wire.classifyWords(len, longLE(s), longLE(s + len - 8), len > 16 ? longLE(s + 8) : 0);
    }

    /** "HTTP/1.1" -> 11, "HTTP/1.0" -> 10; other HTTP versions: 505; anything else: 400. */
    private boolean parseVersion(final int start, final int end) {
        final ByteBuf in = scanBuf;
        final int a = scanBase + start;
        final int len = end - start;
        if (len < 6 || in.getByte(a) != 'H' || in.getByte(a + 1) != 'T' || in.getByte(a + 2) != 'T'
            || in.getByte(a + 3) != 'P' || in.getByte(a + 4) != '/') {
            return fail(400, request ? "bad_version" : "bad_status_line");
        }
        final byte major = in.getByte(a + 5);
        if (major < '0' || major > '9') {
            return fail(400, request ? "bad_version" : "bad_status_line");
        }
        if (len == 6) {
            return fail(505, "unsupported_version");
        }
        final byte minor = in.getByte(a + 7);
        if (len != 8 || in.getByte(a + 6) != '.' || minor < '0' || minor > '9') {
            return fail(400, request ? "bad_version" : "bad_status_line");
        }
        if (major != '1' || minor > '1') {
            return fail(505, "unsupported_version");
        }
        version = minor == '1' ? 11 : 10;
        return true;
    }

    // ---------------------------------------------------------------- header semantics

    /**
     * Adds the recorded header lines to {@code h} (its backing is the head's bytes, offsets relative to the
     * head's first byte), classifies them, marks hop-by-hop ones dead and remembers the framing.
     *
     * @return false on an invalid or conflicting Content-Length (error set)
     */
    boolean addHeaders(final HttpHeaderBlock h, final ByteBuf raw) {
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
        final int n = count;
        for (int i = 0; i < n; i++) {
            final int ns = hns[i];
            final int vs = hvs[i];
            final int ve = hve[i];
            final int idx = h.addWire(ns, hne[i], vs, ve);
            switch (hk[i]) {
                case Http1Wire.K_HOST:
                    hostCount++;
                    hostIndex = idx;
                    break;
                case Http1Wire.K_CONTENT_LENGTH: {
                    final long digits = Http1Wire.parseDigits(raw, vs, ve);
                    final long v = digits >= 0 ? digits : Http1Wire.parseContentLength(raw, vs, ve);
                    if (v < 0 || (contentLength >= 0 && v != contentLength)) {
                        return fail(400, "bad_content_length");
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
                case Http1Wire.K_KEEP_ALIVE:
                case Http1Wire.K_PROXY_CONNECTION:
                case Http1Wire.K_TE:
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
                if (hk[i] == Http1Wire.K_CONNECTION) {
                    connectionTokens(h, raw, hvs[i], hve[i]);
                }
            }
        }
        return true;
    }

    /** Reads a Connection value's tokens: close / keep-alive flags, and removes the headers it names. */
    private void connectionTokens(final HttpHeaderBlock h, final ByteBuf raw, final int vs, final int ve) {
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
                for (int j = 0; j < count; j++) {
                    if (!h.isDead(j) && hne[j] - hns[j] == te - ts
                        && Http1Wire.regionEqualsIgnoreCase(raw, hns[j], raw, ts, te - ts)) {
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

    // ---------------------------------------------------------------- body

    /**
     * Starts reading a body: {@code length} &gt; 0 fixed, -1 chunked, {@link #CLOSE_DELIMITED} until end of input.
     */
    void startBody(final long length) {
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
    long fixedBodyRemaining() {
        return bodyMode == B_FIXED ? remaining : -1;
    }

    /** True while a close-delimited body is being read. */
    boolean closeDelimited() {
        return bodyMode == B_CLOSE;
    }

    /**
     * The next body event from the pending input: a retained slice, {@link HttpEnd#INSTANCE}, null when more
     * input is needed, or {@link #BODY_ERROR}.
     */
    Object readBody() {
        final ByteBuf in = cumulation;
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
                    final int r = scanBodyLine(in);
                    if (r == ERROR) {
                        return BODY_ERROR;
                    }
                    if (r == NEED_MORE) {
                        return null;
                    }
                    if (chunkSize == 0) {
                        bodyMode = B_TRAILERS;
                        trailers = true;
                        count = 0;
                        state = H_LINE;
                        pos = 0;
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
                    final int r = scanBodyLine(in);
                    if (r == ERROR) {
                        return BODY_ERROR;
                    }
                    if (r == NEED_MORE) {
                        return null;
                    }
                    bodyMode = B_NONE;
                    trailers = false;
                    return HttpEnd.INSTANCE;
                }
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

    /** Scans framing bytes (chunk lines, trailers) and consumes them. */
    private int scanBodyLine(final ByteBuf in) {
        if (in == null || !in.isReadable()) {
            return NEED_MORE;
        }
        final int from = in.readerIndex();
        final int len = in.readableBytes();
        result = NEED_MORE;
        scanBuf = in;
        scanBase = from;
        final int stop = in.forEachByte(from, len, this);
        scanBuf = null;
        if (result != ERROR) {
            in.readerIndex(stop < 0 ? from + len : stop + 1);
        }
        return result;
    }
}
