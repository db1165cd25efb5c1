package io.strait.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;

/**
 * What request and response heads share: the original head bytes (when the head came off the wire), the version,
 * the headers (offsets into those bytes, or values) and what is known of the body's length. Confined to the event
 * loop of the connection the head belongs to.
 *
 * <p>Holds a reference to {@link #raw()}: whoever consumes the head last calls {@link #release()}. A codec may
 * reuse one head object per connection (see the subclasses for how long a head stays valid).
 */
public abstract class HttpHead {

    /** HTTP/1.0. */
    public static final int VERSION_1_0 = 10;
    /** HTTP/1.1. */
    public static final int VERSION_1_1 = 11;
    /** HTTP/2. */
    public static final int VERSION_2 = 20;

    private final HttpHeaderBlock headers = new HttpHeaderBlock();
    private ByteBuf raw;
    private int version = VERSION_1_1;
    private long bodyLength;

    HttpHead() {
    }

    /**
     * Releases the bytes held and starts describing a new message: {@code raw} (may be null; ownership passes to
     * this head) becomes the headers' backing, the body length 0.
     */
    final void resetHead(final ByteBuf raw, final int version) {
        release();
        this.raw = raw;
        this.version = version;
        this.bodyLength = 0;
        headers.reset(raw);
    }

    /** The original head bytes, or null when the head was built from values. */
    public final ByteBuf raw() {
        return raw;
    }

    /** Releases the original head bytes, if any. Safe to call twice. */
    public final void release() {
        final ByteBuf r = raw;
        if (r != null) {
            raw = null;
            ReferenceCountUtil.release(r);
        }
    }

    /** {@link #VERSION_1_0}, {@link #VERSION_1_1} or {@link #VERSION_2}: the version the sender spoke. */
    public final int version() {
        return version;
    }

    /** The headers. */
    public final HttpHeaderBlock headers() {
        return headers;
    }

    /**
     * Body length: 0 for none, &gt; 0 when known (Content-Length), -1 when streamed to an end marker (chunked, or
     * until close).
     */
    public final long bodyLength() {
        return bodyLength;
    }

    /** Sets the body length (see {@link #bodyLength()}). */
    public final void bodyLength(final long bodyLength) {
        this.bodyLength = bodyLength;
    }
}
