package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.strait.core.http.HttpRequestHead;

/**
 * A read-only {@link CharSequence} view over bytes, for regex matching without copying: each byte is one char
 * (ISO-8859-1). Confined to one thread: a view is re-pointed per match (see {@link RegexScratch}) and is valid only
 * until the next {@code set}. Reads either a request's path ({@link HttpRequestHead#pathByteAt}) or a region of a
 * {@link ByteBuf}; positions are relative to the view's start.
 */
final class ByteChars implements CharSequence {

    private HttpRequestHead head;
    private ByteBuf buf;
    private int start;
    private int end;

    /** Views path bytes {@code [from, to)} of {@code head}. Returns this view. */
    ByteChars path(final HttpRequestHead h, final int from, final int to) {
        this.head = h;
        this.buf = null;
        this.start = from;
        this.end = to;
        return this;
    }

    /** Views bytes {@code [from, to)} of {@code b} (absolute indexes). Returns this view. */
    ByteChars buf(final ByteBuf b, final int from, final int to) {
        this.head = null;
        this.buf = b;
        this.start = from;
        this.end = to;
        return this;
    }

    /** Drops the references to the viewed source, so a view kept by a thread retains nothing. */
    void clear() {
        head = null;
        buf = null;
        start = 0;
        end = 0;
    }

    @Override
    public int length() {
        return end - start;
    }

    @Override
    public char charAt(final int index) {
        final int i = start + index;
        final HttpRequestHead h = head;
        return (char) ((h != null ? h.pathByteAt(i) : buf.getByte(i)) & 0xFF);
    }

    /** A new, independent view (the regex engine does not call this while matching; rare). */
    @Override
    public CharSequence subSequence(final int from, final int to) {
        final ByteChars out = new ByteChars();
        out.head = head;
        out.buf = buf;
        out.start = start + from;
        out.end = start + to;
        return out;
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
