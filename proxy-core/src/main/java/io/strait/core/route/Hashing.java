package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.strait.lb.algorithm.XxHash64;

/**
 * Stateless, so thread-safe. The request hash of {@code hash_policy}: XXH64 (seed 0) over a range of a {@link ByteBuf}
 * or a byte array, without allocating. It is {@link XxHash64}, the one lb-algorithms uses for ring-hash and Maglev
 * host keys, read through a {@link XxHash64.ByteSource} over the buffer, so both sides agree on the same bytes.
 * Ranges are absolute indexes (a {@code ByteBuf}'s reader index is ignored).
 */
public final class Hashing {

    /** Reads a {@link ByteBuf} at absolute indexes, little-endian. */
    private static final XxHash64.ByteSource<ByteBuf> BYTE_BUF = new XxHash64.ByteSource<>() {
        @Override
        public long longLE(final ByteBuf source, final int index) {
            return source.getLongLE(index);
        }

        @Override
        public int intLE(final ByteBuf source, final int index) {
            return source.getIntLE(index);
        }

        @Override
        public byte byteAt(final ByteBuf source, final int index) {
            return source.getByte(index);
        }
    };

    private Hashing() {
    }

    /** XXH64 of {@code buf}'s bytes {@code start} (inclusive) to {@code end} (exclusive). */
    public static long xxh64(final ByteBuf buf, final int start, final int end) {
        return XxHash64.hash(BYTE_BUF, buf, start, end - start, 0);
    }

    /** XXH64 of {@code bytes[start..end)}. */
    public static long xxh64(final byte[] bytes, final int start, final int end) {
        return XxHash64.hash(bytes, start, end - start, 0);
    }

    /** Exactly one of {@code buf} and {@code arr} is non-null. */
    static long xxh64(final ByteBuf buf, final byte[] arr, final int start, final int end) {
        return arr != null ? xxh64(arr, start, end) : xxh64(buf, start, end);
    }

    static byte byteAt(final ByteBuf buf, final byte[] arr, final int i) {
        return arr != null ? arr[i] : buf.getByte(i);
    }
}
