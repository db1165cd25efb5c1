package io.strait.core.route;

import io.netty.buffer.ByteBuf;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Stateless, so thread-safe. XXH64 (seed 0) over a range of a {@link ByteBuf} or a byte array, without allocating:
 * the request hash of {@code hash_policy}. Ranges are absolute indexes (a {@code ByteBuf}'s reader index is ignored).
 */
public final class Hashing {

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
        ByteOrder.LITTLE_ENDIAN);

    private Hashing() {
    }

    /** XXH64 of {@code buf}'s bytes {@code start} (inclusive) to {@code end} (exclusive). */
    public static long xxh64(final ByteBuf buf, final int start, final int end) {
        return xxh64(buf, null, start, end);
    }

    /** XXH64 of {@code bytes[start..end)}. */
    public static long xxh64(final byte[] bytes, final int start, final int end) {
        return xxh64(null, bytes, start, end);
    }

    /** Exactly one of {@code buf} and {@code arr} is non-null. */
    static long xxh64(final ByteBuf buf, final byte[] arr, final int start, final int end) {
        final int len = end - start;
        int p = start;
        long h;
        if (len >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            final int limit = end - 32;
            do {
                v1 = round(v1, longAt(buf, arr, p));
                v2 = round(v2, longAt(buf, arr, p + 8));
                v3 = round(v3, longAt(buf, arr, p + 16));
                v4 = round(v4, longAt(buf, arr, p + 24));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        } else {
            h = P5;
        }
        h += len;
        while (p + 8 <= end) {
            h ^= round(0, longAt(buf, arr, p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= (intAt(buf, arr, p) & 0xFFFFFFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            h ^= (byteAt(buf, arr, p) & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    static byte byteAt(final ByteBuf buf, final byte[] arr, final int i) {
        return arr != null ? arr[i] : buf.getByte(i);
    }

    private static long longAt(final ByteBuf buf, final byte[] arr, final int i) {
        return arr != null ? (long) LONG_LE.get(arr, i) : buf.getLongLE(i);
    }

    private static int intAt(final ByteBuf buf, final byte[] arr, final int i) {
        return arr != null ? (int) INT_LE.get(arr, i) : buf.getIntLE(i);
    }

    private static long round(final long acc, final long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long merge(final long h, final long v) {
        return (h ^ round(0, v)) * P1 + P4;
    }
}
