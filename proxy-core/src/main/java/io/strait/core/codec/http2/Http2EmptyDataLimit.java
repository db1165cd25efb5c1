package io.strait.core.codec.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Closes the connection with ENHANCE_YOUR_CALM after more than {@code max} consecutive empty DATA frames without
 * END_STREAM (CVE-2019-9518): what Netty's builder adds with {@code decoderEnforceMaxConsecutiveEmptyDataFrames}, whose
 * decorator is package-private there, for a decoder built outside the builder. Same counting and message.
 * Confined to its connection's event loop.
 */
public final class Http2EmptyDataLimit extends DecoratingHttp2ConnectionDecoder {

    private final int max;

    /** {@code delegate} with the limit; {@code max} must be positive. */
    public Http2EmptyDataLimit(final Http2ConnectionDecoder delegate, final int max) {
        super(delegate);
        if (max <= 0) {
            throw new IllegalArgumentException("max: " + max + " (expected: > 0)");
        }
        this.max = max;
    }

    @Override
    public void frameListener(final Http2FrameListener listener) {
        super.frameListener(listener == null ? null : new Counting(listener, max));
    }

    @Override
    public Http2FrameListener frameListener() {
        final Http2FrameListener l = super.frameListener();
        return l instanceof Counting ? ((Counting) l).delegate() : l;
    }

    /** Counts empty DATA frames; any other DATA or HEADERS starts the count again. */
    private static final class Counting extends Http2FrameListenerDecorator {
        private final int max;
        private int empty;
        private boolean violated;

        Counting(final Http2FrameListener listener, final int max) {
            super(listener);
            this.max = max;
        }

        Http2FrameListener delegate() {
            return listener;
        }

        @Override
        public int onDataRead(final ChannelHandlerContext ctx, final int streamId, final ByteBuf data,
                              final int padding, final boolean endOfStream) throws Http2Exception {
            if (endOfStream || data.isReadable()) {
                empty = 0;
            } else if (empty++ == max && !violated) {
                violated = true;
                throw Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM,
                    "Maximum number %d of empty data frames without end_of_stream flag received", max);
            }
            return super.onDataRead(ctx, streamId, data, padding, endOfStream);
        }

        @Override
        public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                                  final int padding, final boolean endStream) throws Http2Exception {
            empty = 0;
            super.onHeadersRead(ctx, streamId, headers, padding, endStream);
        }

        @Override
        public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                                  final int streamDependency, final short weight, final boolean exclusive,
                                  final int padding, final boolean endStream) throws Http2Exception {
            empty = 0;
            super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
        }
    }
}
