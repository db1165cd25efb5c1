package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2LifecycleManager;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * Writes a stream's response HEADERS and DATA frames with no per-frame promises. Netty's connection encoder turns
 * every write's void promise into a real one, wraps each DATA write in a flow-controlled object holding a buffer
 * queue, and each frame in a promise aggregator with a listener per buffer: half a dozen objects and their
 * notifications per response that a proxy never looks at (a failed write closes the connection either way). Here a
 * response head is HPACK-encoded into one buffer behind its frame header and written at once, and a DATA write goes
 * to Netty's remote flow controller (which keeps the windows, the order and the fairness between streams) as one
 * small {@link Data} that writes its frames with the void promise.
 *
 * <p>Only the common case takes this path: the first, final (non-1xx) HEADERS of a stream that is open and has sent
 * nothing, and DATA of a stream that may send; trailers, interim responses and anything unusual go through Netty's
 * encoder, whose checks and state changes this mirrors (RFC 9113 6.2, 6.10: a header block larger than the peer's
 * frame size continues in CONTINUATION frames). Confined to the connection's event loop.
 */
final class Http2ResponseWriter {

    private static final int FRAME_HEADER = 9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    /** Room asked for an encoded head (a typical response head's block is well under it; a larger one grows it). */
    private static final int HEAD_ROOM = 1024;

    private final Http2Connection connection;
    private final Http2ConnectionEncoder encoder;
    private final Http2RemoteFlowController flow;
    private final Http2LifecycleManager lifecycle;
    /** The frame writer's HPACK encoder (shared, so its dynamic table stays one), or null: Netty's path only. */
    private final Http2HeadersEncoder hpack;
    private final Http2WriteCoalescer coalescer;

    Http2ResponseWriter(final Http2ConnectionEncoder encoder, final Http2LifecycleManager lifecycle,
                        final Http2WriteCoalescer coalescer) {
        this.coalescer = coalescer;
        this.connection = encoder.connection();
        this.encoder = encoder;
        this.flow = encoder.flowController();
        this.lifecycle = lifecycle;
        final Object headers = encoder.frameWriter().configuration().headersConfiguration();
        this.hpack = headers instanceof Http2HeadersEncoder h ? h : null;
    }

    /** Writes a response head (the first HEADERS of the stream, or an interim 1xx one when {@code interim}). */
    void writeHead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                   final boolean interim, final boolean endStream) {
        final Http2Stream stream = connection.stream(streamId);
        if (hpack == null || interim || stream == null || !mayStartResponse(stream)) {
            encoder.writeHeaders(ctx, streamId, headers, 0, endStream, ctx.voidPromise());
            return;
        }
        final ChannelPromise written = endStream ? lastWritePromise(ctx) : ctx.voidPromise();
        // Into the flush's gathering buffer unless someone waits on this frame's write (then a buffer of its own).
        final ByteBuf buf = written.isVoid() ? coalescer.gather(HEAD_ROOM) : ctx.alloc().buffer(HEAD_ROOM);
        final int at = buf.writerIndex();
        buf.writerIndex(at + FRAME_HEADER);
        try {
            hpack.encodeHeaders(streamId, headers, buf);
        } catch (final Http2Exception e) {
            // the encoder checks the list's size before it touches its table: nothing of it was sent
            if (written.isVoid()) {
                buf.writerIndex(at);
            } else {
                buf.release();
            }
            lifecycle.onError(ctx, true, e);
            return;
        }
        final int block = buf.writerIndex() - at - FRAME_HEADER;
        final int max = maxFrameSize();
        final int endFlag = endStream ? END_STREAM : 0;
        if (block <= max) {
            frameHeader(buf, at, block, Http2FrameTypes.HEADERS, endFlag | END_HEADERS, streamId);
            if (!written.isVoid()) {
                ctx.write(buf, written);
            }
        } else {
            final ByteBuf frames = continued(ctx, buf, at + FRAME_HEADER, block, max, endFlag, streamId);
            if (written.isVoid()) {
                buf.writerIndex(at);
            } else {
                buf.release();
            }
            ctx.write(frames, written);
        }
        stream.headersSent(false);
        if (endStream) {
            closeStream(ctx, stream, written);
        }
    }

    /** Writes trailers (ending the stream), through Netty's encoder: they may have to queue behind DATA. */
    void writeTrailers(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers) {
        encoder.writeHeaders(ctx, streamId, headers, 0, true, ctx.voidPromise());
    }

    /** Queues {@code data} (owned from here on) as DATA of the stream, within its flow-control windows. */
    void writeData(final ChannelHandlerContext ctx, final int streamId, final ByteBuf data, final boolean endStream) {
        final Http2Stream stream = connection.stream(streamId);
        if (stream == null || !maySendData(stream)) {
            data.release();   // reset or closed under the response: nothing more may go out on it
            return;
        }
        flow.addFlowControlled(stream, new Data(ctx, stream, data, endStream));
    }

    private static boolean mayStartResponse(final Http2Stream stream) {
        return maySendData(stream) && !stream.isHeadersSent() && !stream.isTrailersSent();
    }

    private static boolean maySendData(final Http2Stream stream) {
        final Http2Stream.State s = stream.state();
        return s == Http2Stream.State.OPEN || s == Http2Stream.State.HALF_CLOSED_REMOTE;
    }

    /**
     * The promise for a stream's last frame. Once a GOAWAY went either way, the stream's end may be what closes the
     * connection (a graceful shutdown waits for the streams), and that close must wait for the frame to be written,
     * so it gets a real promise; otherwise the void one, and the stream is closed as the frame is queued.
     */
    private ChannelPromise lastWritePromise(final ChannelHandlerContext ctx) {
        return connection.goAwaySent() || connection.goAwayReceived() ? ctx.newPromise() : ctx.voidPromise();
    }

    private void closeStream(final ChannelHandlerContext ctx, final Http2Stream stream, final ChannelPromise written) {
        lifecycle.closeStreamLocal(stream, written.isVoid() ? ctx.newSucceededFuture() : written);
    }

    private int maxFrameSize() {
        return encoder.configuration().frameSizePolicy().maxFrameSize();
    }

    /**
     * A head block larger than a frame, read from {@code src} at {@code from}: HEADERS then CONTINUATION frames, each
     * behind its own frame header, in a new buffer.
     */
    private static ByteBuf continued(final ChannelHandlerContext ctx, final ByteBuf src, final int from,
                                     final int block, final int max, final int endFlag, final int streamId) {
        final int count = (block + max - 1) / max;
        final ByteBuf out = ctx.alloc().buffer(block + count * FRAME_HEADER);
        for (int i = 0, done = 0; i < count; i++) {
            final int len = Math.min(max, block - done);
            final byte type = i == 0 ? Http2FrameTypes.HEADERS : Http2FrameTypes.CONTINUATION;
            final int flags = (i == 0 ? endFlag : 0) | (i == count - 1 ? END_HEADERS : 0);
            frameHeader(out, out.writerIndex(), len, type, flags, streamId);
            out.writerIndex(out.writerIndex() + FRAME_HEADER);
            out.writeBytes(src, from + done, len);
            done += len;
        }
        return out;
    }

    /** Appends a frame header to the flush's gathering buffer (what follows it is written through the pipeline). */
    private void gatherFrameHeader(final int length, final byte type, final int flags, final int streamId) {
        final ByteBuf g = coalescer.gather(FRAME_HEADER);
        final int at = g.writerIndex();
        frameHeader(g, at, length, type, flags, streamId);
        g.writerIndex(at + FRAME_HEADER);
    }

    /** A frame header in a buffer of its own. */
    private static ByteBuf frameHeader(final ChannelHandlerContext ctx, final int length, final byte type,
                                       final int flags, final int streamId) {
        final ByteBuf b = ctx.alloc().buffer(FRAME_HEADER);
        frameHeader(b, 0, length, type, flags, streamId);
        return b.writerIndex(FRAME_HEADER);
    }

    /** Sets a frame header at {@code at} (RFC 9113 4.1), leaving the indexes alone. */
    private static void frameHeader(final ByteBuf buf, final int at, final int length, final byte type,
                                    final int flags, final int streamId) {
        buf.setMedium(at, length);
        buf.setByte(at + 3, type);
        buf.setByte(at + 4, flags);
        buf.setInt(at + 5, streamId);
    }

    /**
     * One DATA write in the flow controller's queue: written whole, or in parts as the windows open, each part as
     * DATA frames of at most the peer's frame size with the void promise. Its size stays what is left to send even
     * after an error released the bytes, as the controller's accounting expects.
     */
    private final class Data implements Http2RemoteFlowController.FlowControlled {

        private final ChannelHandlerContext ctx;
        private final Http2Stream stream;
        private final boolean endStream;
        /** Null once written whole or released on an error. */
        private ByteBuf data;
        private int size;
        /** The promise of the frame that ended the stream, once written. */
        private ChannelPromise last;

        Data(final ChannelHandlerContext ctx, final Http2Stream stream, final ByteBuf data, final boolean endStream) {
            this.ctx = ctx;
            this.stream = stream;
            this.data = data;
            this.size = data.readableBytes();
            this.endStream = endStream;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void error(final ChannelHandlerContext c, final Throwable cause) {
            release();
            lifecycle.onError(c, true, cause);
        }

        @Override
        public void writeComplete() {
            if (endStream) {
                closeStream(ctx, stream, last != null ? last : ctx.voidPromise());
            }
        }

        @Override
        public void write(final ChannelHandlerContext c, final int allowedBytes) {
            if (data == null) {
                size = 0;   // released on an error: consumed as far as the controller is concerned
                return;
            }
            if (!endStream && (size == 0 || allowedBytes == 0)) {
                if (size == 0) {
                    release();   // an empty DATA frame that ends nothing carries nothing
                }
                return;
            }
            int left = Math.min(size, allowedBytes);
            final int max = maxFrameSize();
            final int id = stream.id();
            do {
                final int n = Math.min(left, max);
                left -= n;
                final boolean all = n == size;
                final int flags = all && endStream ? END_STREAM : 0;
                if (all) {
                    final ChannelPromise written = endStream ? lastWritePromise(c) : c.voidPromise();
                    last = written;
                    final ByteBuf rest = data;
                    data = null;
                    if (n == 0) {
                        rest.release();   // the empty DATA frame that only ends the stream
                        if (written.isVoid()) {
                            gatherFrameHeader(0, Http2FrameTypes.DATA, flags, id);
                        } else {
                            c.write(frameHeader(c, 0, Http2FrameTypes.DATA, flags, id), written);
                        }
                    } else {
                        gatherFrameHeader(n, Http2FrameTypes.DATA, flags, id);
                        c.write(rest, written);
                    }
                } else {
                    gatherFrameHeader(n, Http2FrameTypes.DATA, flags, id);
                    c.write(data.readRetainedSlice(n), c.voidPromise());
                }
                size -= n;
            } while (left > 0);
        }

        @Override
        public boolean merge(final ChannelHandlerContext c, final Http2RemoteFlowController.FlowControlled next) {
            return false;
        }

        private void release() {
            if (data != null) {
                data.release();
                data = null;
            }
        }
    }
}
