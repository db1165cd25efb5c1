package io.strait.server.warmup;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The warm-up's throwaway origin: listening sockets on 127.0.0.1 (ephemeral ports) that answer every request with
 * 200 and a 1 KiB body, over HTTP/1.1 keep-alive or HTTP/2 prior knowledge (h2c). Runs on the group it is given;
 * {@link #close} unbinds. Not thread-safe: started and closed by the launcher's thread.
 */
final class WarmupOrigin implements AutoCloseable {

    private static final int BODY_BYTES = 1024;
    private static final String NGINX_LIKE = "Server: nginx/1.22.1\r\nDate: Sun, 06 Dec 2026 12:00:00 GMT\r\n"
        + "Content-Type: application/octet-stream\r\nContent-Length: " + BODY_BYTES + "\r\nConnection: keep-alive\r\n";
    private static final String APP_LIKE = "Last-Modified: Sun, 06 Dec 2026 11:00:00 GMT\r\nETag: \"6752f1c0-400\"\r\n"
        + "Accept-Ranges: bytes\r\nCache-Control: private, max-age=0\r\nVary: Accept-Encoding\r\n"
        + "X-Content-Type-Options: nosniff\r\nSet-Cookie: session=0123456789abcdef; Path=/; HttpOnly\r\n";

    private final EventLoopGroup group;
    private final Class<? extends ServerChannel> serverChannel;
    private final List<Channel> bound = new ArrayList<>();
    /** Two shapes of response, taken in turn: what nginx sends for a file, and an application's longer head. */
    private final ByteBuf[] http1Responses;
    private final ByteBuf body;

    WarmupOrigin(final EventLoopGroup group, final Class<? extends ServerChannel> serverChannel) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.http1Responses = new ByteBuf[] {http1Response(NGINX_LIKE), http1Response(NGINX_LIKE + APP_LIKE)};
        this.body = Unpooled.directBuffer(BODY_BYTES).writeZero(BODY_BYTES);
    }

    private static ByteBuf http1Response(final String headers) {
        final byte[] head = ("HTTP/1.1 200 OK\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII);
        return Unpooled.directBuffer(head.length + BODY_BYTES).writeBytes(head).writeZero(BODY_BYTES);
    }

    /** Binds one HTTP/1.1 (or, with {@code http2}, h2c) listening socket; returns its port. */
    int bind(final boolean http2) throws InterruptedException {
        // Unpooled: the pooled allocator's arenas keep chunks for good; only the throwaway proxy's loop (whose arena
        // the real loop then reuses) should take from them.
        final Channel ch = new ServerBootstrap().group(group).channel(serverChannel)
            .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel c) {
                    c.pipeline().addLast(http2 ? new Http2ConnectionHandlerBuilder().server(true)
                        .frameListener(new Http2Answer(body)).build() : new Http1Answer(http1Responses));
                }
            })
            .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        bound.add(ch);
        return ((InetSocketAddress) ch.localAddress()).getPort();
    }

    @Override
    public void close() {
        for (final Channel ch : bound) {
            ch.close().awaitUninterruptibly();
        }
        for (final ByteBuf b : http1Responses) {
            b.release();
        }
        body.release();
    }

    /** Answers each HTTP/1.1 request once its body has arrived. Confined to its connection's loop. */
    private static final class Http1Answer extends ByteToMessageDecoder {

        private final ByteBuf[] responses;
        private final Http1Framer framer = new Http1Framer();
        private int answered;

        Http1Answer(final ByteBuf[] responses) {
            this.responses = responses;
        }

        @Override
        protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
            while (framer.next(in)) {
                ctx.write(responses[answered++ % responses.length].retainedDuplicate(), ctx.voidPromise());
            }
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception {
            ctx.flush();
            super.channelReadComplete(ctx);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }

    /** Answers each HTTP/2 stream once the request ended. Confined to its connection's loop. */
    private static final class Http2Answer extends Http2FrameAdapter {

        private final ByteBuf body;

        Http2Answer(final ByteBuf body) {
            this.body = body;
        }

        @Override
        public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                                  final int padding, final boolean endOfStream) {
            if (endOfStream) {
                answer(ctx, streamId);
            }
        }

        @Override
        public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                                  final int streamDependency, final short weight, final boolean exclusive,
                                  final int padding, final boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(final ChannelHandlerContext ctx, final int streamId, final ByteBuf data,
                              final int padding, final boolean endOfStream) {
            if (endOfStream) {
                answer(ctx, streamId);
            }
            return data.readableBytes() + padding;
        }

        private void answer(final ChannelHandlerContext ctx, final int streamId) {
            final Http2ConnectionHandler h = (Http2ConnectionHandler) ctx.handler();
            final Http2Headers headers = new DefaultHttp2Headers().status("200").add("server", "warmup")
                .add("content-type", "application/octet-stream").addInt("content-length", BODY_BYTES);
            if ((streamId & 2) != 0) {
                headers.add("cache-control", "private, max-age=0").add("vary", "accept-encoding")
                    .add("set-cookie", "session=0123456789abcdef; Path=/; HttpOnly");
            }
            h.encoder().writeHeaders(ctx, streamId, headers, 0, false, ctx.newPromise());
            h.encoder().writeData(ctx, streamId, body.retainedDuplicate(), 0, true, ctx.newPromise());
        }
    }
}
