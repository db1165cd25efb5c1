package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;

import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 wire constants and helpers shared by both codecs: header-name classification, Content-Length
 * parsing, status lines, and writing a header block as its original bytes. Stateless, thread-safe.
 */
final class Http1Wire {

    static final int K_OTHER = 0;
    static final int K_HOST = 1;
    static final int K_CONTENT_LENGTH = 2;
    static final int K_TRANSFER_ENCODING = 3;
    static final int K_CONNECTION = 4;
    static final int K_KEEP_ALIVE = 5;
    static final int K_PROXY_CONNECTION = 6;
    static final int K_TE = 7;
    static final int K_TRAILER = 8;
    static final int K_UPGRADE = 9;
    static final int K_EXPECT = 10;

    /** Connection-level fields a codec never forwards from a head it is given. */
    static final int SKIP_CONNECTION_FIELDS = 1 << K_TRANSFER_ENCODING | 1 << K_CONNECTION | 1 << K_KEEP_ALIVE
        | 1 << K_PROXY_CONNECTION;

    static final AsciiString HOST = AsciiString.cached("host");
    static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    static final AsciiString TRANSFER_ENCODING = AsciiString.cached("transfer-encoding");
    static final AsciiString CONNECTION = AsciiString.cached("connection");
    static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
    static final AsciiString TE = AsciiString.cached("te");
    static final AsciiString TRAILER = AsciiString.cached("trailer");
    static final AsciiString UPGRADE = AsciiString.cached("upgrade");
    static final AsciiString EXPECT = AsciiString.cached("expect");
    static final AsciiString SLASH = AsciiString.cached("/");

    static final short CRLF_SHORT = ('\r' << 8) | '\n';
    static final byte[] CONTENT_LENGTH_LINE = bytes("content-length: ");
    static final byte[] CHUNKED_LINE = bytes("transfer-encoding: chunked\r\n");
    static final byte[] CONNECTION_CLOSE_LINE = bytes("connection: close\r\n");
    static final byte[] CONNECTION_KEEP_ALIVE_LINE = bytes("connection: keep-alive\r\n");
    static final byte[] HTTP_1_1_SP = bytes("HTTP/1.1 ");
    static final byte[] SP_HTTP_1_1_CRLF = bytes(" HTTP/1.1\r\n");

    /** Shared, never released: write {@code .duplicate()}s of them. */
    static final ByteBuf CRLF_BUF = Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(2).writeShort(CRLF_SHORT)).asReadOnly();
    static final ByteBuf LAST_CHUNK_BUF = Unpooled.unreleasableBuffer(
        Unpooled.directBuffer(5).writeBytes(bytes("0\r\n\r\n"))).asReadOnly();

    private static final byte[][] STATUS_LINES = new byte[600][];
    private static final byte[][] REASONS = new byte[600][];

    static {
        for (int s = 100; s < 600; s++) {
            final String reason = HttpResponseStatus.valueOf(s).reasonPhrase();
            REASONS[s] = bytes(reason);
            STATUS_LINES[s] = bytes("HTTP/1.1 " + s + " " + reason + "\r\n");
        }
    }

    private static final byte[] HEX = bytes("0123456789abcdef");

    private Http1Wire() {
    }

    static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Classifies a header name by its length, then by a case-insensitive compare. */
    static int classify(final ByteBuf b, final int start, final int len) {
        switch (len) {
            case 2:
                return matches(b, start, len, K_TE) ? K_TE : K_OTHER;
            case 4:
                return matches(b, start, len, K_HOST) ? K_HOST : K_OTHER;
            case 6:
                return matches(b, start, len, K_EXPECT) ? K_EXPECT : K_OTHER;
            case 7:
                return matches(b, start, len, K_TRAILER) ? K_TRAILER
                    : matches(b, start, len, K_UPGRADE) ? K_UPGRADE : K_OTHER;
            case 10:
                return matches(b, start, len, K_CONNECTION) ? K_CONNECTION
                    : matches(b, start, len, K_KEEP_ALIVE) ? K_KEEP_ALIVE : K_OTHER;
            case 14:
                return matches(b, start, len, K_CONTENT_LENGTH) ? K_CONTENT_LENGTH : K_OTHER;
            case 16:
                return matches(b, start, len, K_PROXY_CONNECTION) ? K_PROXY_CONNECTION : K_OTHER;
            case 17:
                return matches(b, start, len, K_TRANSFER_ENCODING) ? K_TRANSFER_ENCODING : K_OTHER;
            default:
                return K_OTHER;
        }
    }

    // Known names as little-endian words, read at the name's start, at its end (overlapping) and, past 16 bytes,
    // at 8 (no name is longer than 24): a byte matches
    // when (byte | fold) == lower-case byte, fold being 0x20 for letters and 0 for '-', so exactly A-Z/a-z fold.
    private static final long[] HEAD_WORD = new long[K_EXPECT + 1];
    private static final long[] HEAD_FOLD = new long[K_EXPECT + 1];
    private static final long[] TAIL_WORD = new long[K_EXPECT + 1];
    private static final long[] TAIL_FOLD = new long[K_EXPECT + 1];
    private static final long[] MID_WORD = new long[K_EXPECT + 1];
    private static final long[] MID_FOLD = new long[K_EXPECT + 1];

    static {
        name(K_HOST, HOST);
        name(K_CONTENT_LENGTH, CONTENT_LENGTH);
        name(K_TRANSFER_ENCODING, TRANSFER_ENCODING);
        name(K_CONNECTION, CONNECTION);
        name(K_KEEP_ALIVE, KEEP_ALIVE);
        name(K_PROXY_CONNECTION, PROXY_CONNECTION);
        name(K_TE, TE);
        name(K_TRAILER, TRAILER);
        name(K_UPGRADE, UPGRADE);
        name(K_EXPECT, EXPECT);
    }

    private static void name(final int kind, final AsciiString lower) {
        final int n = lower.length();
        final int w = n >= 8 ? 8 : n >= 4 ? 4 : 2;
        for (int k = 0; k < w; k++) {
            final long head = lower.byteAt(k) & 0xffL;
            final long tail = lower.byteAt(n - w + k) & 0xffL;
            HEAD_WORD[kind] |= head << (k << 3);
            TAIL_WORD[kind] |= tail << (k << 3);
            HEAD_FOLD[kind] |= (head >= 'a' && head <= 'z' ? 0x20L : 0) << (k << 3);
            TAIL_FOLD[kind] |= (tail >= 'a' && tail <= 'z' ? 0x20L : 0) << (k << 3);
            if (n > 16) {
                final long mid = lower.byteAt(8 + k) & 0xffL;
                MID_WORD[kind] |= mid << (k << 3);
                MID_FOLD[kind] |= (mid >= 'a' && mid <= 'z' ? 0x20L : 0) << (k << 3);
            }
        }
    }

    /** Case-insensitive compare of {@code len} bytes (the known name's length) with known name {@code kind}. */
    private static boolean matches(final ByteBuf b, final int start, final int len, final int kind) {
        final long head;
        final long tail;
        if (len > 16 && (b.getLongLE(start + 8) | MID_FOLD[kind]) != MID_WORD[kind]) {
            return false;
        }
        if (len >= 8) {
            head = b.getLongLE(start);
            tail = b.getLongLE(start + len - 8);
        } else if (len >= 4) {
            head = b.getIntLE(start) & 0xffffffffL;
            tail = b.getIntLE(start + len - 4) & 0xffffffffL;
        } else {
            head = b.getShortLE(start) & 0xffffL;
            tail = head;
        }
        return (head | HEAD_FOLD[kind]) == HEAD_WORD[kind] && (tail | TAIL_FOLD[kind]) == TAIL_WORD[kind];
    }

    /** Bit n set when a known name is n bytes long. */
    static final int KNOWN_LENGTHS = 1 << 2 | 1 << 4 | 1 << 6 | 1 << 7 | 1 << 10 | 1 << 14 | 1 << 16 | 1 << 17;

    /** Known names of up to 8 bytes as one little-endian word (name in the low bytes) and its case-fold mask. */
    private static final long[] SHORT_WORD = new long[K_EXPECT + 1];
    private static final long[] SHORT_FOLD = new long[K_EXPECT + 1];

    static {
        for (final int kind : new int[] {K_HOST, K_TE, K_TRAILER, K_UPGRADE, K_EXPECT}) {
            final AsciiString n = kind == K_HOST ? HOST : kind == K_TE ? TE : kind == K_TRAILER ? TRAILER
                : kind == K_UPGRADE ? UPGRADE : EXPECT;
            for (int k = 0; k < n.length(); k++) {
                final long c = n.byteAt(k) & 0xffL;
                SHORT_WORD[kind] |= c << (k << 3);
                SHORT_FOLD[kind] |= (c >= 'a' && c <= 'z' ? 0x20L : 0) << (k << 3);
            }
        }
    }

    /**
     * Classifies a name of {@code len} bytes given as little-endian words: for {@code len <= 8} its bytes in the
     * low end of {@code head} (zeros above); otherwise {@code head} = its first 8 bytes, {@code tail} = its last 8
     * and, when {@code len > 16}, {@code mid} = bytes 8..15 (else 0).
     */
    static int classifyWords(final int len, final long head, final long tail, final long mid) {
        switch (len) {
            case 2:
                return (head | SHORT_FOLD[K_TE]) == SHORT_WORD[K_TE] ? K_TE : K_OTHER;
            case 4:
                return (head | SHORT_FOLD[K_HOST]) == SHORT_WORD[K_HOST] ? K_HOST : K_OTHER;
            case 6:
                return (head | SHORT_FOLD[K_EXPECT]) == SHORT_WORD[K_EXPECT] ? K_EXPECT : K_OTHER;
            case 7:
                return (head | SHORT_FOLD[K_TRAILER]) == SHORT_WORD[K_TRAILER] ? K_TRAILER
                    : (head | SHORT_FOLD[K_UPGRADE]) == SHORT_WORD[K_UPGRADE] ? K_UPGRADE : K_OTHER;
            case 10:
                return wordsMatch(K_CONNECTION, head, tail, mid) ? K_CONNECTION
                    : wordsMatch(K_KEEP_ALIVE, head, tail, mid) ? K_KEEP_ALIVE : K_OTHER;
            case 14:
                return wordsMatch(K_CONTENT_LENGTH, head, tail, mid) ? K_CONTENT_LENGTH : K_OTHER;
            case 16:
                return wordsMatch(K_PROXY_CONNECTION, head, tail, mid) ? K_PROXY_CONNECTION : K_OTHER;
            case 17:
                return wordsMatch(K_TRANSFER_ENCODING, head, tail, mid) ? K_TRANSFER_ENCODING : K_OTHER;
            default:
                return K_OTHER;
        }
    }

    private static boolean wordsMatch(final int kind, final long head, final long tail, final long mid) {
        return (head | HEAD_FOLD[kind]) == HEAD_WORD[kind] && (tail | TAIL_FOLD[kind]) == TAIL_WORD[kind]
            && (mid | MID_FOLD[kind]) == MID_WORD[kind];
    }

    /** Classifies entry {@code i} of a block (wire or added). */
    static int classify(final HttpHeaderBlock h, final int i) {
        if (!h.isAdded(i)) {
            return classify(h.backing(), h.nameStart(i), h.nameEnd(i) - h.nameStart(i));
        }
        final AsciiString n = h.name(i);
        switch (n.length()) {
            case 2:
                return n.contentEqualsIgnoreCase(TE) ? K_TE : K_OTHER;
            case 4:
                return n.contentEqualsIgnoreCase(HOST) ? K_HOST : K_OTHER;
            case 6:
                return n.contentEqualsIgnoreCase(EXPECT) ? K_EXPECT : K_OTHER;
            case 7:
                return n.contentEqualsIgnoreCase(TRAILER) ? K_TRAILER
                    : n.contentEqualsIgnoreCase(UPGRADE) ? K_UPGRADE : K_OTHER;
            case 10:
                return n.contentEqualsIgnoreCase(CONNECTION) ? K_CONNECTION
                    : n.contentEqualsIgnoreCase(KEEP_ALIVE) ? K_KEEP_ALIVE : K_OTHER;
            case 14:
                return n.contentEqualsIgnoreCase(CONTENT_LENGTH) ? K_CONTENT_LENGTH : K_OTHER;
            case 16:
                return n.contentEqualsIgnoreCase(PROXY_CONNECTION) ? K_PROXY_CONNECTION : K_OTHER;
            case 17:
                return n.contentEqualsIgnoreCase(TRANSFER_ENCODING) ? K_TRANSFER_ENCODING : K_OTHER;
            default:
                return K_OTHER;
        }
    }

    /** ASCII case-insensitive compare of bytes [start, end) with {@code s}. */
    static boolean equalsIgnoreCase(final ByteBuf b, final int start, final int end, final CharSequence s) {
        final int n = s.length();
        if (end - start != n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (lower(b.getByte(start + k)) != lower((byte) s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    /** ASCII case-insensitive compare of two byte regions of equal length. */
    static boolean regionEqualsIgnoreCase(final ByteBuf a, final int aStart, final ByteBuf b, final int bStart,
                                          final int len) {
        for (int k = 0; k < len; k++) {
            if (lower(a.getByte(aStart + k)) != lower(b.getByte(bStart + k))) {
                return false;
            }
        }
        return true;
    }

    private static byte lower(final byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    /**
     * Parses a Content-Length value: digits, or a comma list of identical digit strings ("5, 5").
     *
     * @return the length, or -1 when empty, not digits, overflowing or a list of different values
     */
    static long parseContentLength(final ByteBuf b, final int start, final int end) {
        long result = -1;
        int i = start;
        while (true) {
            if (i == end || b.getByte(i) < '0' || b.getByte(i) > '9') {
                return -1;
            }
            long v = 0;
            int digits = 0;
            while (i < end) {
                final byte c = b.getByte(i);
                if (c < '0' || c > '9') {
                    break;
                }
                if (++digits > 18) {
                    return -1;
                }
                v = v * 10 + (c - '0');
                i++;
            }
            if (result >= 0 && v != result) {
                return -1;
            }
            result = v;
            while (i < end && (b.getByte(i) == ' ' || b.getByte(i) == '\t')) {
                i++;
            }
            if (i == end) {
                return result;
            }
            if (b.getByte(i) != ',') {
                return -1;
            }
            i++;
            while (i < end && (b.getByte(i) == ' ' || b.getByte(i) == '\t')) {
                i++;
            }
        }
    }

    /** The value of [start, end) when it is 1 to 18 digits and nothing else, else -1. */
    static long parseDigits(final ByteBuf b, final int start, final int end) {
        if (start >= end || end - start > 18) {
            return -1;
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            final int d = b.getByte(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** True if the received reason phrase [start, end) is the standard one for {@code status}. */
    static boolean isStandardReason(final int status, final ByteBuf b, final int start, final int end) {
        final byte[] r = REASONS[status];
        if (end - start != r.length) {
            return end == start; // an empty phrase means "the standard one"
        }
        for (int k = 0; k < r.length; k++) {
            if (b.getByte(start + k) != r[k]) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code HTTP/1.1 <status> <reason>\r\n}; the standard phrase when {@code reason} is null. */
    static void writeStatusLine(final ByteBuf out, final int status, final AsciiString reason) {
        if (reason == null && status >= 100 && status < 600) {
            out.writeBytes(STATUS_LINES[status]);
            return;
        }
        out.writeBytes(HTTP_1_1_SP);
        out.writeByte('0' + status / 100 % 10).writeByte('0' + status / 10 % 10).writeByte('0' + status % 10);
        out.writeByte(' ');
        if (reason != null) {
            out.writeBytes(reason.array(), reason.arrayOffset(), reason.length());
        } else {
            out.writeBytes(bytes("Unknown"));
        }
        out.writeShort(CRLF_SHORT);
    }

    /** Writes a non-negative decimal number. */
    static void writeDecimal(final ByteBuf out, final long v) {
        if (v < 10) {
            out.writeByte((int) ('0' + v));
            return;
        }
        long div = 1;
        while (v / div >= 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            out.writeByte((int) ('0' + v / div % 10));
        }
    }

    /** Writes {@code content-length: n\r\n}. */
    static void writeContentLength(final ByteBuf out, final long n) {
        out.writeBytes(CONTENT_LENGTH_LINE);
        writeDecimal(out, n);
        out.writeShort(CRLF_SHORT);
    }

    /** Writes a chunk's size line {@code <hex>\r\n}. */
    static void writeChunkSize(final ByteBuf out, final int size) {
        int shift = 28;
        while (shift > 0 && (size >>> shift) == 0) {
            shift -= 4;
        }
        for (; shift >= 0; shift -= 4) {
            out.writeByte(HEX[(size >>> shift) & 0xf]);
        }
        out.writeShort(CRLF_SHORT);
    }

    /**
     * Writes the live entries of {@code h} as header lines, skipping the kinds in {@code skipMask}. Runs of
     * consecutive wire entries are copied as the original bytes in one go (separators and line ends included).
     *
     * @return true if a live Content-Length entry was written
     */
    static boolean writeHeaders(final ByteBuf out, final HttpHeaderBlock h, final int skipMask) {
        final ByteBuf backing = h.backing();
        final int n = h.size();
        boolean wroteContentLength = false;
        int runStart = -1;
        int runEnd = -1;
        for (int i = 0; i < n; i++) {
            if (h.isDead(i)) {
                continue;
            }
            final int kind = classify(h, i);
            if (((1 << kind) & skipMask) != 0) {
                continue;
            }
            if (kind == K_CONTENT_LENGTH) {
                wroteContentLength = true;
            }
            if (!h.isAdded(i)) {
                final int ns = h.nameStart(i);
                final int ve = h.valueEnd(i);
                if (runStart >= 0 && ns >= runEnd && onlyLineBreaks(backing, runEnd, ns)) {
                    runEnd = ve;
                    continue;
                }
                if (runStart >= 0) {
                    out.writeBytes(backing, runStart, runEnd - runStart).writeShort(CRLF_SHORT);
                }
                runStart = ns;
                runEnd = ve;
            } else {
                if (runStart >= 0) {
                    out.writeBytes(backing, runStart, runEnd - runStart).writeShort(CRLF_SHORT);
                    runStart = -1;
                }
                h.writeAddedLine(i, out);
            }
        }
        if (runStart >= 0) {
            out.writeBytes(backing, runStart, runEnd - runStart).writeShort(CRLF_SHORT);
        }
        return wroteContentLength;
    }

    /** Fields never written in a trailer section: framing, connection and routing fields (RFC 9110 6.5.1). */
    static final int SKIP_IN_TRAILERS = ~(1 << K_OTHER);

    /**
     * The last chunk with {@code fields} as its trailer section: {@code 0\r\n}, the fields but those of
     * {@link #SKIP_IN_TRAILERS}, and the empty line.
     */
    static ByteBuf trailerSection(final ByteBufAllocator alloc, final HttpHeaderBlock fields) {
        final ByteBuf out = alloc.buffer(estimate(fields.backing(), fields));
        out.writeByte('0').writeShort(CRLF_SHORT);
        writeHeaders(out, fields, SKIP_IN_TRAILERS);
        out.writeShort(CRLF_SHORT);
        return out;
    }

    /** True if the bytes between two wire entries are only the first one's trailing whitespace and CRLF. */
    private static boolean onlyLineBreaks(final ByteBuf b, final int from, final int to) {
        for (int i = from; i < to; i++) {
            final byte c = b.getByte(i);
            if (c != '\r' && c != '\n' && c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }

    /** A size estimate for the encoded head. */
    static int estimate(final ByteBuf raw, final HttpHeaderBlock h) {
        return (raw != null ? raw.readableBytes() : 128) + 128;
    }
}
