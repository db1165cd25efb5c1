package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Sits under the HTTP/2 connection handler and copies the small buffers it writes between two flushes into one, as
 * HAProxy and nginx build frames in one output buffer: a turn's responses are otherwise three buffers each (HEADERS,
 * a DATA frame header, the payload) plus WINDOW_UPDATEs and ACKs, each an entry in the channel's outbound buffer and
 * an iovec of the {@code writev}. Order is kept: a buffer too large to copy, or a write whose promise someone waits
 * on, first sends what was gathered. Holds at most one turn's small frames (a flush sends them); confined to the
 * connection's event loop.
 */
final class Http2WriteCoalescer extends ChannelOutboundHandlerAdapter {

    /** Larger buffers are passed on as they are: copying them would cost more than their entry. */
    static final int MAX_COPY = 2048;
    /** The gathering buffer's size (a bigger turn is sent in several). */
    static final int CHUNK = 16 * 1024;

    /** A lone small buffer, kept as it is until a second one comes (nothing to copy for a single frame). */
    private ByteBuf first;
    private ByteBuf gathered;

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) {
        if (msg instanceof ByteBuf b && promise.isVoid() && b.readableBytes() <= MAX_COPY) {
            ByteBuf g = gathered;
            if (g == null && first == null) {
                first = b;
                return;
            }
            if (g != null && g.capacity() - g.writerIndex() < b.readableBytes()) {
                send(ctx);
                first = b;
                return;
            }
            if (g == null) {
                g = ctx.alloc().ioBuffer(CHUNK, CHUNK);
                gathered = g;
                append(g, first);
                first = null;
            }
            append(g, b);
            return;
        }
        send(ctx);
        ctx.write(msg, promise);
    }

    private static void append(final ByteBuf to, final ByteBuf b) {
        to.writeBytes(b, b.readerIndex(), b.readableBytes());
        b.release();
    }

    @Override
    public void flush(final ChannelHandlerContext ctx) {
        send(ctx);
        ctx.flush();
    }

    @Override
    public void close(final ChannelHandlerContext ctx, final ChannelPromise promise) {
        send(ctx);   // queued with the rest: a close drops what was never flushed, as it would have anyway
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        if (first != null) {
            first.release();
            first = null;
        }
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
    }

    private void send(final ChannelHandlerContext ctx) {
        final ByteBuf g = gathered != null ? gathered : first;
        if (g != null) {
            gathered = null;
            first = null;
            ctx.write(g, ctx.voidPromise());
        }
    }
}
