package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.strait.core.http.HttpRequestHead;

/**
 * Read-only {@link CharSequence} views over bytes, for regex matching without copying: each byte is
 * one char (ISO-8859-1). A view is created per match and used by one thread only.
 */
final class ByteChars {

    private ByteChars() {
    }

    /** The first {@code length} bytes of a request's path. Confined to the thread that created it. */
    static final class Path implements CharSequence {
        private final HttpRequestHead head;
        private final int start;
        private final int end;

        Path(final HttpRequestHead head, final int start, final int end) {
            this.head = head;
            this.start = start;
            this.end = end;
        }

        @Override
        public int length() {
            return end - start;
        }

        @Override
        public char charAt(final int index) {
            return (char) (head.pathByteAt(start + index) & 0xFF);
        }

        @Override
        public CharSequence subSequence(final int from, final int to) {
            return new Path(head, start + from, start + to);
        }

        @Override
        public String toString() {
            final char[] chars = new char[end - start];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = charAt(i);
            }
            return new String(chars);
        }
    }

    /** A region of a {@link ByteBuf} (absolute indexes). Confined to the thread that created it. */
    static final class Buf implements CharSequence {
        private final ByteBuf buf;
        private final int start;
        private final int end;

        Buf(final ByteBuf buf, final int start, final int end) {
            this.buf = buf;
            this.start = start;
            this.end = end;
        }

        @Override
        public int length() {
            return end - start;
        }

        @Override
        public char charAt(final int index) {
            return (char) (buf.getByte(start + index) & 0xFF);
        }

        @Override
        public CharSequence subSequence(final int from, final int to) {
            return new Buf(buf, start + from, start + to);
        }

        @Override
        public String toString() {
            final char[] chars = new char[end - start];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = charAt(i);
            }
            return new String(chars);
        }
    }
}
