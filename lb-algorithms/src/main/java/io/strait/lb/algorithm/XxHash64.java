package io.strait.lb.algorithm;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Thread-safe (stateless). XXH64, the 64-bit xxHash of Yann Collet's specification (the hash Envoy's ring hash and
 * Maglev use for host keys, {@code HashUtil::xxHash64}), written allocation-free over a byte range or one {@code long}.
 * Results equal the reference implementation's on a little-endian machine: {@code XXH64("foo", 0) =
 * 0x33bf00a859c4ba3f}; a {@code long} is hashed as its 8 little-endian bytes.
 *
 * <p>This is the one XXH64 of Strait: ring-hash and Maglev host keys and the request hashes of a route's
 * {@code hash_policy} (proxy-core, over a Netty buffer through a {@link ByteSource}) all go through
 * {@link #hash(ByteSource, Object, int, int, long)}, so a key and a request over the same bytes hash alike.
 */
public final class XxHash64 {

    /**
     * Stateless, thread-safe. Reads little-endian words of a byte source of type {@code T} at absolute indexes; one
     * shared instance per source type, so hashing a buffer allocates nothing.
     *
     * @param <T> the source type (a {@code byte[]}, a Netty {@code ByteBuf}, ...)
     */
    public interface ByteSource<T> {
        /** The 8 bytes at {@code index}, little-endian. */
        long longLE(T source, int index);

        /** The 4 bytes at {@code index}, little-endian. */
        int intLE(T source, int index);

        /** The byte at {@code index}. */
        byte byteAt(T source, int index);
    }

    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE =
        MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** The {@link ByteSource} of a {@code byte[]}. */
    public static final ByteSource<byte[]> BYTE_ARRAY = new ByteSource<>() {
        @Override
        public long longLE(final byte[] source, final int index) {
            return (long) LONG_LE.get(source, index);
        }

        @Override
        public int intLE(final byte[] source, final int index) {
            return (int) INT_LE.get(source, index);
        }

        @Override
        public byte byteAt(final byte[] source, final int index) {
            return source[index];
        }
    };

    private XxHash64() {
    }

    /** XXH64 of {@code bytes[offset, offset + length)} with {@code seed}. */
    public static long hash(final byte[] bytes, final int offset, final int length, final long seed) {
        return hash(BYTE_ARRAY, bytes, offset, length, seed);
    }

    /** XXH64 of {@code length} bytes of {@code source} from absolute index {@code offset}, with {@code seed}. */
    public static <T> long hash(final ByteSource<T> in, final T source, final int offset, final int length,
                                final long seed) {
        final int end = offset + length;
        int p = offset;
        long h;
        if (length >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            final int limit = end - 32;
            do {
                v1 = round(v1, in.longLE(source, p));
                v2 = round(v2, in.longLE(source, p + 8));
                v3 = round(v3, in.longLE(source, p + 16));
                v4 = round(v4, in.longLE(source, p + 24));
                p += 32;
            } while (p <= limit);
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = mergeRound(h, v1);
            h = mergeRound(h, v2);
            h = mergeRound(h, v3);
            h = mergeRound(h, v4);
        } else {
            h = seed + P5;
        }
        h += length;
        while (p + 8 <= end) {
            h ^= round(0, in.longLE(source, p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= end) {
            h ^= (in.intLE(source, p) & 0xFFFF_FFFFL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < end) {
            h ^= (in.byteAt(source, p) & 0xFFL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        return avalanche(h);
    }

    /** XXH64 of the 8 little-endian bytes of {@code value} with {@code seed}. */
    public static long hashLong(final long value, final long seed) {
        long h = seed + P5 + 8;
        h ^= round(0, value);
        h = Long.rotateLeft(h, 27) * P1 + P4;
        return avalanche(h);
    }

    private static long round(final long acc, final long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long mergeRound(final long acc, final long v) {
        return (acc ^ round(0, v)) * P1 + P4;
    }

    private static long avalanche(final long hash) {
        long h = hash;
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }
}
