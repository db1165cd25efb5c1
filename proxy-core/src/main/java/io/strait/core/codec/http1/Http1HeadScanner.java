package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.internal.PlatformDependent;

/**
 * The one-pass HTTP/1.1 head scan: {@link Http1HeadStates}' byte-at-a-time state machine, with the common shapes
 * (method, plain target and version, status line, plain header lines) read a word (8 bytes) at a time straight from
 * the buffer's array or memory, SWAR style; every other byte goes through {@link #process}, and the results are
 * identical to {@link #scanBytewise} ({@code Http1HeadScannerTest}). Allocates nothing. Confined to its channel's
 * event loop.
 */
final class Http1HeadScanner extends Http1HeadStates {

    private static final boolean UNSAFE = PlatformDependent.hasUnsafe();

    /** A scanner of request heads ({@code request}) or response heads, with these limits. */
    Http1HeadScanner(final boolean request, final int maxLine, final int maxHead, final int maxCount) {
        super(request, maxLine, maxHead, maxCount);
    }

    /**
     * Scans the current head in {@code in} (it starts at the reader index; nothing is consumed) from where the last
     * call stopped.
     *
     * @return {@link #DONE} (then {@link #headLength()} bytes at the reader index are the head),
     *         {@link #NEED_MORE} or {@link #ERROR}
     */
    int scan(final ByteBuf in) {
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
}
