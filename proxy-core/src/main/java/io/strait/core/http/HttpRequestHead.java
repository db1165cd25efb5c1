package io.strait.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/**
 * A request's head, protocol-neutral: method, path, authority, headers and what is known of the
 * body's length. Confined to the event loop of the connection it arrived on.
 *
 * <p>A codec fills it from the wire; routing and policy read and edit it; the upstream codec writes
 * it out. The HTTP/1.1 codec keeps the original head bytes in {@link #raw()} and records the path
 * and each header as offsets into them, so a forwarded request is the original bytes with the
 * proxy's edits spliced in. Body bytes follow the head as {@link ByteBuf} messages, then
 * {@link HttpEnd#INSTANCE}.
 *
 * <p>A codec may reuse one head object per connection: a head is valid until its exchange is over
 * (the next request on that connection is decoded only then), so consumers must not keep it longer.
 *
 * <p>Holds a reference to {@link #raw()}: whoever consumes the head last calls {@link #release()}. The version
 * constants are {@link HttpHead}'s ({@code HttpRequestHead.VERSION_1_1} names the same one).
 */
public final class HttpRequestHead extends HttpHead {

    private AsciiString method;
    private int pathStart = -1;
    private int pathEnd = -1;
    private AsciiString pathOverride;
    private int hostIndex = -1;
    private boolean expectContinue;

    /**
     * Resets this head to describe a new request.
     *
     * @param raw     the original head bytes (ownership passes to this head), or null
     * @param method  the method, a {@link HttpMethods} constant where one matches
     * @param version {@link #VERSION_1_0}, {@link #VERSION_1_1} or {@link #VERSION_2}
     */
    public void reset(final ByteBuf raw, final AsciiString method, final int version) {
        resetHead(raw, version);
        this.method = method;
        this.pathStart = -1;
        this.pathEnd = -1;
        this.pathOverride = null;
        this.hostIndex = -1;
        this.expectContinue = false;
    }

    /** The method (a shared {@link HttpMethods} constant for the standard ones). */
    public AsciiString method() {
        return method;
    }

    /** Sets the method. */
    public void method(final AsciiString method) {
        this.method = method;
    }

    /** Sets the path (origin-form request target with query) as offsets into {@link #raw()}. */
    public void pathOffsets(final int start, final int end) {
        this.pathStart = start;
        this.pathEnd = end;
        this.pathOverride = null;
    }

    /** Replaces the path (a route's prefix rewrite, or a codec that decodes into values). */
    public void path(final AsciiString path) {
        this.pathOverride = path;
    }

    /** Length of the path in bytes. */
    public int pathLength() {
        return pathOverride != null ? pathOverride.length() : pathEnd - pathStart;
    }

    /** Byte {@code i} of the path. */
    public byte pathByteAt(final int i) {
        return pathOverride != null ? pathOverride.byteAt(i) : raw().getByte(pathStart + i);
    }

    /** Length of the path before any '?' (the part route matching looks at). */
    public int pathWithoutQueryLength() {
        final int n = pathLength();
        for (int i = 0; i < n; i++) {
            if (pathByteAt(i) == '?') {
                return i;
            }
        }
        return n;
    }

    /** True if the path starts with {@code prefix} (case-sensitive). */
    public boolean pathStartsWith(final CharSequence prefix) {
        final int n = prefix.length();
        if (pathLength() < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (pathByteAt(i) != (byte) prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The path as an {@link AsciiString}; copies the bytes when it still points into {@link #raw()}. */
    public AsciiString path() {
        if (pathOverride != null) {
            return pathOverride;
        }
        if (pathStart < 0) {
            return AsciiString.EMPTY_STRING;
        }
        final byte[] bytes = new byte[pathEnd - pathStart];
        raw().getBytes(pathStart, bytes);
        return new AsciiString(bytes, false);
    }

    /** Writes the path bytes to {@code out}. */
    public void writePath(final ByteBuf out) {
        if (pathOverride != null) {
            out.writeBytes(pathOverride.array(), pathOverride.arrayOffset(), pathOverride.length());
        } else {
            out.writeBytes(raw(), pathStart, pathEnd - pathStart);
        }
    }

    /**
     * Length of the path as the client sent it (before any route rewrite); the rewritten path when there are no
     * original bytes.
     */
    public int originalPathLength() {
        return raw() != null && pathStart >= 0 ? pathEnd - pathStart : pathOverride != null ? pathOverride.length() : 0;
    }

    /**
     * Copies the first {@code length} bytes of the original path (see {@link #originalPathLength()}) to {@code dst}
     * at absolute index {@code dstIndex}; {@code dst}'s indexes do not move. Allocates nothing.
     */
    public void copyOriginalPath(final ByteBuf dst, final int dstIndex, final int length) {
        final ByteBuf raw = raw();
        if (raw != null && pathStart >= 0) {
            dst.setBytes(dstIndex, raw, pathStart, length);
        } else if (pathOverride != null) {
            dst.setBytes(dstIndex, pathOverride.array(), pathOverride.arrayOffset(), length);
        }
    }

    /** Index in {@link #headers()} of the Host header (the authority), or -1 when absent. */
    public int hostIndex() {
        return hostIndex;
    }

    /** Records the index of the Host header. */
    public void hostIndex(final int index) {
        this.hostIndex = index;
    }

    /** The authority (Host header value, port included), or null; copies bytes (see {@link HttpHeaderBlock#value}). */
    public AsciiString authority() {
        final HttpHeaderBlock headers = headers();
        return hostIndex < 0 || headers.isDead(hostIndex) ? null : headers.value(hostIndex);
    }

    /** True if the client sent {@code Expect: 100-continue} (the codec removed the header itself). */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** Records whether the client asked for {@code 100 Continue}. */
    public void expectContinue(final boolean expectContinue) {
        this.expectContinue = expectContinue;
    }

    @Override
    public String toString() {
        return method + " " + path() + " v" + version() + " body=" + bodyLength() + " " + headers();
    }
}
