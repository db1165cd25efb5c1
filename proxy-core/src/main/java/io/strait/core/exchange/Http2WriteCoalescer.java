package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Sits under the HTTP/2 connection handler and copies the small buffers it writes between two flushes into one, as
 * HAProxy and nginx build frames in one output buffer: a turn's responses are otherwise three buffers each (HEADERS,
 * a DATA frame header, the payload) plus WINDOW_UPDATEs and ACKs, each an entry in the channel's outbound buffer and
 * an iovec of the {@code writev}. Order is kept: a buffer too large to copy, or a write whose promise someone waits
 * on, first sends what was gathered. The connection's {@link Http2ResponseWriter} writes its frame headers and
 * HEADERS blocks straight into the gathering buffer ({@link #gather}). Holds at most one turn's small frames (a flush
 * sends them); confined to the connection's event loop.
 */
final class Http2WriteCoalescer extends ChannelOutboundHandlerAdapter {

    /** Larger buffers are passed on as they are: copying them would cost more than their entry. */
    static final int MAX_COPY = 2048;
    /** The gathering buffer's size (a bigger turn is sent in several). */
    static final int CHUNK = 16 * 1024;

    /** A lone small buffer, kept as it is until a second one comes (nothing to copy for a single frame). */
    private ByteBuf first;
    private ByteBuf gathered;
    private ChannelHandlerContext ctx;

    @Override
    public void handlerAdded(final ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void write(final ChannelHandlerContext context, final Object msg, final ChannelPromise promise) {
        if (msg instanceof ByteBuf b && promise.isVoid() && b.readableBytes() <= MAX_COPY) {
            if (gathered == null && first == null) {
                first = b;
                return;
            }
            append(gather(b.readableBytes()), b);
            return;
        }
        send(context);
        context.write(msg, promise);
    }

    /**
     * The buffer gathering this flush's frames, with room for {@code bytes} more, for the connection's own writer to
     * put a frame into directly (no buffer of its own to allocate, copy and release); what was written before is in
     * it, in order. A frame that outgrows the room grows the buffer.
     */
    ByteBuf gather(final int bytes) {
        if (ctx == null || ctx.isRemoved()) {
            return Unpooled.buffer(bytes);   // the connection is gone: a heap buffer nobody sends, left to the GC
        }
        ByteBuf g = gathered;
        if (g != null && g.writerIndex() + bytes > CHUNK) {
            send(ctx);
            g = null;
        }
        if (g == null) {
            g = ctx.alloc().ioBuffer(CHUNK);
            gathered = g;
            if (first != null) {
                append(g, first);
                first = null;
            }
        }
        return g;
    }

    private static void append(final ByteBuf to, final ByteBuf b) {
        to.writeBytes(b, b.readerIndex(), b.readableBytes());
        b.release();
    }

    @Override
    public void flush(final ChannelHandlerContext context) {
        send(context);
        context.flush();
    }

    @Override
    public void close(final ChannelHandlerContext context, final ChannelPromise promise) {
        send(context);   // queued with the rest: a close drops what was never flushed, as it would have anyway
        context.close(promise);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext context) {
        if (first != null) {
            first.release();
            first = null;
        }
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }

    private void send(final ChannelHandlerContext context) {
        final ByteBuf g = gathered != null ? gathered : first;
        if (g != null) {
            gathered = null;
            first = null;
            context.write(g, context.voidPromise());
        }
    }
}
