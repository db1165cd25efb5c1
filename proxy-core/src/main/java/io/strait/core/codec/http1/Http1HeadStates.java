package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import io.netty.util.internal.PlatformDependent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The state of one HTTP/1.1 head scan and its exact, byte-at-a-time path: the start line (request or status line)
 * and the header lines, validated strictly (RFC 9112 grammar, limits) and recorded as offsets relative to the head's
 * first byte, one byte per {@link #process} call. {@link Http1HeadScanner} adds the word-at-a-time path, which must
 * give identical results ({@code Http1HeadScannerTest} compares them). Also reads chunked trailer sections (the
 * same grammar and limits, recorded the same way). Confined to its channel's event loop. Errors are reported by
 * return value and {@link #errorStatus()} / {@link #errorReason()} with the downstream status (400, 414, 431...).
 */
abstract class Http1HeadStates implements ByteProcessor {

    static final int NEED_MORE = 0;
    static final int DONE = 1;
    static final int ERROR = -1;

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    // start line, request
    static final int REQ_METHOD = 1;
    static final int REQ_TARGET_START = 2;
    static final int REQ_TARGET = 3;
    static final int REQ_VERSION = 4;
    static final int REQ_LF = 5;
    // start line, response
    static final int RES_VERSION = 6;
    static final int RES_STATUS = 7;
    static final int RES_REASON = 8;
    static final int RES_LF = 9;
    // header lines (head and trailers)
    static final int H_LINE = 10;
    static final int H_NAME = 11;
    static final int H_OWS = 12;
    static final int H_VALUE = 13;
    static final int H_VALUE_LF = 14;
    static final int H_END_LF = 15;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    static final boolean[] TCHAR = new boolean[256];

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

    final boolean request;
    // limits: fixed for a client codec's scanner, set per listener when a server codec takes a pooled one
    int maxLine;
    int maxHead;
    int maxCount;

    // scan state (read and written by the word-at-a-time path too)
    int state;
    int pos;
    int result;
    boolean trailers;
    ByteBuf scanBuf;
    int scanBase;
    byte[] scanArray;
    int scanOffset;
    long scanAddress;
    private int errorStatus;
    private String errorReason;

    // start line
    int methodEnd;
    int targetStart;
    int targetEnd;
    int versionStart;
    int version;
    int status;
    int statusDigits;
    int reasonStart;
    int reasonEnd;

    // header lines
    int nameStart;
    int nameEnd;
    int valueStart;
    int valueEnd;
    int count;
    private int[] hns = new int[16];
    private int[] hne = new int[16];
    private int[] hvs = new int[16];
    private int[] hve = new int[16];
    private int[] hk = new int[16];

    Http1HeadStates(final boolean request, final int maxLine, final int maxHead, final int maxCount) {
        this.request = request;
        this.maxLine = maxLine;
        this.maxHead = maxHead;
        this.maxCount = maxCount;
        reset();
    }

    /** Sets the limits of the heads scanned from now on (a pooled scanner, taken for a listener's connection). */
    final void limits(final int line, final int head, final int count) {
        this.maxLine = line;
        this.maxHead = head;
        this.maxCount = count;
    }

    /** Prepares for the next head. */
    final void reset() {
        state = request ? REQ_METHOD : RES_VERSION;
        pos = 0;
        count = 0;
        trailers = false;
        status = 0;
        statusDigits = 0;
    }

    /** True once at least one byte of the current head was scanned. */
    final boolean started() {
        return pos > 0;
    }

    /**
     * Skips empty lines before a request line (RFC 9112 2.2).
     *
     * @return {@link #DONE} when a request line starts, {@link #NEED_MORE}, or {@link #ERROR} on a bare LF / CR
     */
    final int skipLeadingEmptyLines(final ByteBuf in) {
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

    /** {@link Http1HeadScanner#scan} one byte at a time through {@link #process}: the reference it must match. */
    final int scanBytewise(final ByteBuf in) {
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

    /**
     * Starts reading a trailer section (after a chunked body's last chunk): header lines, recorded as offsets from
     * the section's first byte, which stays unconsumed until the whole section was read (see {@link #scanTrailers}).
     */
    final void startTrailers() {
        trailers = true;
        count = 0;
        state = H_LINE;
        pos = 0;
    }

    /**
     * Scans the trailer section that starts at {@code in}'s reader index, from where the last call stopped; consumes
     * nothing (the caller reads the recorded fields, then skips {@link #headLength()} bytes), so
     * a section that arrives in pieces is scanned once and its fields can be copied when it is complete.
     *
     * @return {@link #DONE} after the section's empty line, {@link #NEED_MORE} or {@link #ERROR}
     */
    final int scanTrailers(final ByteBuf in) {
        if (in == null) {
            return NEED_MORE;
        }
        final int base = in.readerIndex();
        final int from = base + pos;
        final int len = in.writerIndex() - from;
        if (len <= 0) {
            return NEED_MORE;
        }
        result = NEED_MORE;
        scanBuf = in;
        scanBase = base;
        in.forEachByte(from, len, this);
        scanBuf = null;
        if (result == DONE) {
            trailers = false;
        }
        return result;
    }

    /**
     * Byte {@code i} (a buffer index below the writer index) of the buffer being scanned: from its array or its
     * memory address when it has one, saving the index and accessibility checks of {@link ByteBuf#getByte}.
     */
    final byte byteAt(final int i) {
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
    final long longLE(final int i) {
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
    final boolean crlfAt(final int i) {
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
    final boolean fail(final int statusCode, final String reason) {
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
                return badLineStart(b);
            case H_NAME:
                if (TCHAR[b & 0xff]) {
                    break;
                }
                if (b == ':') {
                    nameEnd = p;
                    state = H_OWS;
                    break;
                }
                return badNameByte(b);
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
                record();
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
            default:
                throw new IllegalStateException("state " + st);
        }
        pos = p + 1;
        return true;
    }

    /** A header line that starts with neither a name nor the head's end: why it is refused. */
    private boolean badLineStart(final byte b) {
        if (b == LF) {
            return fail(400, "bare_lf");
        }
        if (b == SP || b == HTAB) {
            return fail(400, "obs_fold");
        }
        return fail(400, b == ':' ? "empty_header_name" : "invalid_header_name");
    }

    /** A byte that is neither a token character nor the colon in a header name: why it is refused. */
    private boolean badNameByte(final byte b) {
        if (b == SP || b == HTAB) {
            return fail(400, "space_before_colon");
        }
        if (b == LF) {
            return fail(400, "bare_lf");
        }
        return fail(400, "invalid_header_name");
    }

    /** The request line states of {@link #process}, and the end of either start line. */
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
            case RES_STATUS:
            case RES_REASON:
                return statusLine(b, p, st);
            default:
                throw new IllegalStateException("state " + st);
        }
        pos = p + 1;
        return true;
    }

    /** The status line states of {@link #process} (a response head), up to its CR. */
    private boolean statusLine(final byte b, final int p, final int st) {
        switch (st) {
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

    final void record() {
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
        // a trailer line may start at the section's first byte: no word read before the name there
        hk[i] = trailers ? Http1Wire.classify(scanBuf, scanBase + nameStart, nameEnd - nameStart)
            : classifyName(scanBase + nameStart, nameEnd - nameStart);
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

    /** Header lines recorded in the last head. */
    final int headerCount() {
        return count;
    }

    /** Offset of recorded header line {@code i}'s name (relative to the head's first byte). */
    final int nameStart(final int i) {
        return hns[i];
    }

    /** Offset after recorded header line {@code i}'s name. */
    final int nameEnd(final int i) {
        return hne[i];
    }

    /** Offset of recorded header line {@code i}'s value, leading whitespace skipped. */
    final int valueStart(final int i) {
        return hvs[i];
    }

    /** Offset after recorded header line {@code i}'s value, trailing whitespace dropped. */
    final int valueEnd(final int i) {
        return hve[i];
    }
}
