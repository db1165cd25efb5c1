package io.strait.core.exchange;

/**
 * Stateless, thread-safe. Parses the text of one IP address (an X-Forwarded-For entry) into its bytes without
 * allocating: dotted-quad IPv4 (no leading zeros, which some parsers read as octal) or RFC 4291 IPv6 (hex groups,
 * one {@code ::}, an optional dotted-quad tail), with no port, brackets or zone. An IPv4-mapped IPv6 address
 * ({@code ::ffff:a.b.c.d}) gives the 4 bytes of its IPv4 address, as {@code InetAddress} does for a peer, so both
 * spellings of one client hash alike.
 */
final class IpLiteral {

    /** Bytes {@link #parse} may write: an IPv6 address. */
    static final int MAX_BYTES = 16;

    private IpLiteral() {
    }

    /**
     * Parses {@code src[start, end)} into {@code out} (at least {@link #MAX_BYTES} long).
     *
     * @return 4 for an IPv4 address, 16 for an IPv6 one, 0 when the text is not an address ({@code out} then holds
     *         garbage)
     */
    static int parse(final byte[] src, final int start, final int end, final byte[] out) {
        if (start >= end || end - start > 45) {   // 45: the longest IPv6 text, ffff:...:255.255.255.255
            return 0;
        }
        for (int i = start; i < end; i++) {
            if (src[i] == ':') {
                return parse6(src, start, end, out);
            }
        }
        return parse4(src, start, end, out, 0) ? 4 : 0;
    }

    /** Dotted-quad IPv4 in {@code src[start, end)} into {@code out[at..at+3]}. */
    private static boolean parse4(final byte[] src, final int start, final int end, final byte[] out, final int at) {
        int p = start;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (p >= end || src[p] != '.') {
                    return false;
                }
                p++;
            }
            final int digitsStart = p;
            int value = 0;
            while (p < end && p - digitsStart < 3 && src[p] >= '0' && src[p] <= '9') {
                value = value * 10 + (src[p] - '0');
                p++;
            }
            final int digits = p - digitsStart;
            if (digits == 0 || value > 255 || (digits > 1 && src[digitsStart] == '0')) {
                return false;
            }
            out[at + part] = (byte) value;
        }
        return p == end;
    }

    private static int parse6(final byte[] src, final int start, final int end, final byte[] out) {
        int groups = 0;          // 16-bit groups written so far (an IPv4 tail counts 2)
        int gap = -1;            // group index where "::" stands, or -1
        int p = start;
        if (src[p] == ':') {
            if (end - p < 2 || src[p + 1] != ':') {
                return 0;
            }
            gap = 0;
            p += 2;
        }
        while (p < end) {
            if (groups == 8) {
                return 0;
            }
            final int groupStart = p;
            int value = 0;
            while (p < end && p - groupStart < 4 && hex(src[p]) >= 0) {
                value = (value << 4) | hex(src[p]);
                p++;
            }
            if (p < end && src[p] == '.') {
                // A dotted-quad tail: the last 32 bits.
                if (groups > 6 || !parse4(src, groupStart, end, out, groups * 2)) {
                    return 0;
                }
                groups += 2;
                p = end;
                break;
            }
            if (p == groupStart) {
                return 0;
            }
            out[groups * 2] = (byte) (value >>> 8);
            out[groups * 2 + 1] = (byte) value;
            groups++;
            if (p == end) {
                break;
            }
            if (src[p] != ':') {
                return 0;
            }
            p++;
            if (p < end && src[p] == ':') {
                if (gap >= 0) {
                    return 0;
                }
                gap = groups;
                p++;
            } else if (p == end) {
                return 0;   // a trailing single ':'
            }
        }
        if (gap < 0) {
            if (groups != 8) {
                return 0;
            }
        } else {
            if (groups == 8) {
                return 0;   // "::" must stand for at least one group
            }
            final int move = (groups - gap) * 2;
            final int to = MAX_BYTES - move;
            System.arraycopy(out, gap * 2, out, to, move);
            for (int i = gap * 2; i < to; i++) {
                out[i] = 0;
            }
        }
        return isV4Mapped(out) ? unmap(out) : MAX_BYTES;
    }

    private static boolean isV4Mapped(final byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static int unmap(final byte[] a) {
        System.arraycopy(a, 12, a, 0, 4);
        return 4;
    }

    private static int hex(final byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        final int lower = b | 0x20;
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
