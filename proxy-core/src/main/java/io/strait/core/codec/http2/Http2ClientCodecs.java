package io.strait.core.codec.http2;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Stateless. Builds the handlers of an upstream HTTP/2 connection's pipeline: the frame codec (prior knowledge: the
 * connection preface goes out on connect, no upgrade) and the multiplexer that gives each stream a child channel.
 */
public final class Http2ClientCodecs {

    /** Largest response header list accepted, as the HTTP/1.1 client codec's head limit. */
    public static final int MAX_HEADER_LIST_SIZE = 65536;

    /** Refuses streams the upstream would open itself (server push is off in our SETTINGS anyway). */
    @ChannelHandler.Sharable
    private static final class NoPush extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(final ChannelHandlerContext ctx) {
            ctx.close();
        }
    }

    private static final ChannelHandler NO_PUSH = new NoPush();

    private Http2ClientCodecs() {
    }

    /**
     * The frame codec of one connection: our SETTINGS say no push, {@code streamWindow} as each stream's receive
     * window and the header list limit.
     */
    public static Http2FrameCodec frameCodec(final int streamWindow) {
        final Http2Settings settings = Http2Settings.defaultSettings()
            .pushEnabled(false)
            .maxConcurrentStreams(0)
            .initialWindowSize(streamWindow)
            .maxHeaderListSize(MAX_HEADER_LIST_SIZE);
        return Http2FrameCodecBuilder.forClient()
            .initialSettings(settings)
            .validateHeaders(true)
            .build();
    }

    /** The multiplexer: one child channel per stream; streams the upstream opens are closed at once. */
    public static Http2MultiplexHandler multiplexer() {
        return new Http2MultiplexHandler(NO_PUSH);
    }
}
