package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.strait.core.http.HttpRequestHead;

/**
 * Read-only {@link CharSequence} views over bytes, for regex matching without copying: each byte is
 * one char (ISO-8859-1). A view is created per match and used by one thread only.
 */
abstract class ByteChars implements CharSequence {

    final int start;
    final int end;

    ByteChars(final int start, final int end) {
        this.start = start;
        this.end = end;
    }

    /** The byte at absolute position {@code i} of the underlying source. */
    abstract byte byteAt(int i);

    /** A view of the same source from {@code from} to {@code to} (absolute positions). */
    abstract ByteChars view(int from, int to);

    @Override
    public final int length() {
        return end - start;
    }

    @Override
    public final char charAt(final int index) {
        return (char) (byteAt(start + index) & 0xFF);
    }

    @Override
    public final CharSequence subSequence(final int from, final int to) {
        return view(start + from, start + to);
    }

    @Override
    public final String toString() {
        final char[] chars = new char[end - start];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = charAt(i);
        }
        return new String(chars);
    }

    /** The first {@code length} bytes of a request's path. Confined to the thread that created it. */
    static final class Path extends ByteChars {
        private final HttpRequestHead head;

        Path(final HttpRequestHead head, final int start, final int end) {
            super(start, end);
            this.head = head;
        }

        @Override
        byte byteAt(final int i) {
            return head.pathByteAt(i);
        }

        @Override
        ByteChars view(final int from, final int to) {
            return new Path(head, from, to);
        }
    }

    /** A region of a {@link ByteBuf} (absolute indexes). Confined to the thread that created it. */
    static final class Buf extends ByteChars {
        private final ByteBuf buf;

        Buf(final ByteBuf buf, final int start, final int end) {
            super(start, end);
            this.buf = buf;
        }

        @Override
        byte byteAt(final int i) {
            return buf.getByte(i);
        }

        @Override
        ByteChars view(final int from, final int to) {
            return new Buf(buf, from, to);
        }
    }
}
