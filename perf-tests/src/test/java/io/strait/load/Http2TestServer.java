package io.strait.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe: an HTTP/2 cleartext (prior knowledge) server for the load generator's tests, on 127.0.0.1 and one NIO
 * loop, built on Netty's {@code Http2FrameCodec}. Every request is answered {@code 200} with a body of
 * {@code bodySize} bytes, after {@code delayMillis}; request number {@code stallAt} (counted over the server) stalls
 * every response for {@code stallMillis}, in order (as a paused server would); every {@code holdEvery}-th response
 * alone is held {@code holdMillis}. On demand it answers every {@code resetEvery}-th request with RST_STREAM, or,
 * after answering the {@code goAwayAfter}-th request on a connection, ignores the ones after it, sends GOAWAY and
 * closes the connection (the streams it ignored are lost). It advertises {@code maxConcurrentStreams} and records
 * the most streams it saw open at once, per connection and over all connections. It sends as many RST_STREAMs as
 * asked ({@code maxResetsSent}, unlimited by default).
 */
final class Http2TestServer implements AutoCloseable {

    /** What the server does; set before starting. */
    static final class Config {
        int bodySize = 2;
        long delayMillis;
        int stallAt = -1;
        long stallMillis;
        long maxConcurrentStreams = 100;
        int resetEvery;
        int goAwayAfter;
        int holdEvery;
        long holdMillis;
        /**
         * RST_STREAMs the server may send per 30 s before it closes the connection with GOAWAY ENHANCE_YOUR_CALM
         * (Netty's guard against provoked resets, 200 by default, which a reset test reaches in a second); 0: none.
         */
        int maxResetsSent;
    }

    private final Config config;
    private final ByteBuf body;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final AtomicInteger goAways = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger maxPerConnection = new AtomicInteger();
    private final AtomicInteger maxTotal = new AtomicInteger();
    private final AtomicLong requestBodyBytes = new AtomicLong();
    /** Loop-confined: streams open over all connections, and until when responses are held. */
    private int openTotal;
    private long pausedUntil;

    Http2TestServer(final Config config) {
        this.config = config;
        final byte[] b = new byte[config.bodySize];
        java.util.Arrays.fill(b, (byte) 'x');
        this.body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(b));
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    connections.incrementAndGet();
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                        .initialSettings(Http2Settings.defaultSettings()
                            .maxConcurrentStreams(config.maxConcurrentStreams))
                        .encoderEnforceMaxRstFramesPerWindow(config.maxResetsSent, config.maxResetsSent > 0 ? 30 : 0)
                        .build(), new Handler());
                }
            })
            .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    String url() {
        return "http://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort() + "/";
    }

    int requests() {
        return requests.get();
    }

    int resets() {
        return resets.get();
    }

    int goAways() {
        return goAways.get();
    }

    int connections() {
        return connections.get();
    }

    int maxConcurrentPerConnection() {
        return maxPerConnection.get();
    }

    int maxConcurrentTotal() {
        return maxTotal.get();
    }

    long requestBodyBytes() {
        return requestBodyBytes.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Confined to the loop: one connection's streams. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private int open;
        private int onConnection;
        private boolean goingAway;

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    if (h.isEndStream()) {
                        onRequest(ctx, h.stream());
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    requestBodyBytes.addAndGet(d.content().readableBytes());
                    if (d.initialFlowControlledBytes() > 0) {
                        ctx.write(new DefaultHttp2WindowUpdateFrame(d.initialFlowControlledBytes()).stream(d.stream()));
                    }
                    if (d.isEndStream()) {
                        onRequest(ctx, d.stream());
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx) {
            ctx.flush();
        }

        private void onRequest(final ChannelHandlerContext ctx, final Http2FrameStream stream) {
            if (goingAway) {
                return;
            }
            final int n = requests.incrementAndGet();
            onConnection++;
            open++;
            openTotal++;
            maxPerConnection.accumulateAndGet(open, Math::max);
            maxTotal.accumulateAndGet(openTotal, Math::max);
            if (config.resetEvery > 0 && n % config.resetEvery == 0) {
                resets.incrementAndGet();
                done();
                ctx.write(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR).stream(stream));
                return;
            }
            final long now = System.nanoTime();
            if (n == config.stallAt) {
                pausedUntil = now + TimeUnit.MILLISECONDS.toNanos(config.stallMillis);
            }
            long delay = Math.max(pausedUntil - now, TimeUnit.MILLISECONDS.toNanos(config.delayMillis));
            if (config.holdEvery > 0 && n % config.holdEvery == 0) {
                delay = TimeUnit.MILLISECONDS.toNanos(config.holdMillis);   // this one only, the others go on
            }
            final boolean goAway = config.goAwayAfter > 0 && onConnection == config.goAwayAfter;
            if (goAway) {
                goingAway = true;
            }
            if (delay > 0) {
                ctx.executor().schedule(() -> respond(ctx, stream, goAway), delay, TimeUnit.NANOSECONDS);
            } else {
                respond(ctx, stream, goAway);
            }
        }

        private void done() {
            open--;
            openTotal--;
        }

        private void respond(final ChannelHandlerContext ctx, final Http2FrameStream stream, final boolean goAway) {
            done();
            final DefaultHttp2Headers headers = new DefaultHttp2Headers();
            headers.status("200").setInt("content-length", config.bodySize);
            ctx.write(new DefaultHttp2HeadersFrame(headers, config.bodySize == 0).stream(stream));
            if (config.bodySize > 0) {
                ctx.write(new DefaultHttp2DataFrame(body.duplicate(), true).stream(stream));
            }
            if (goAway) {
                goAways.incrementAndGet();
                ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR))
                    .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.flush();
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            openTotal -= open;
            open = 0;
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }
}
