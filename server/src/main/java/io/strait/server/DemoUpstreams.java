package io.strait.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Small HTTP servers for the demo, one per endpoint of the demo config, on one NIO thread of their
 * own. Each answers with who it is and what it received ({@code /api/echo} echoes the body).
 * Not part of the data plane; simplicity over speed. Thread-safe.
 */
final class DemoUpstreams implements AutoCloseable {

    private final List<String> started = new CopyOnWriteArrayList<>();

    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Channel> channels = new ArrayList<>();

    /** The upstreams started, as {@code cluster@host:port}. */
    List<String> started() {
        return started;
    }

    /** Starts a demo upstream named after {@code cluster} on {@code address}. */
    void start(final String cluster, final InetSocketAddress address) throws InterruptedException {
        final String name = cluster + "@" + address.getHostString() + ":" + address.getPort();
        final Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel c) {
                    c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 << 20),
                        new Responder(name));
                }
            })
            .bind(address).sync().channel();
        channels.add(ch);
        started.add(name);
    }

    @Override
    public void close() {
        for (final Channel ch : channels) {
            ch.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Answers one request. Confined to its connection's loop. */
    private static final class Responder extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final String name;

        Responder(final String name) {
            this.name = name;
        }

        @Override
        protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest req) {
            final ByteBuf body;
            if (req.uri().startsWith("/api/echo")) {
                body = req.content().retain();
            } else {
                final StringBuilder sb = new StringBuilder();
                sb.append("Hello from demo upstream ").append(name).append('\n');
                sb.append(req.method()).append(' ').append(req.uri()).append(' ').append(req.protocolVersion())
                    .append('\n');
                for (final Map.Entry<String, String> h : req.headers()) {
                    sb.append(h.getKey()).append(": ").append(h.getValue()).append('\n');
                }
                body = Unpooled.copiedBuffer(sb, StandardCharsets.UTF_8);
            }
            final FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            res.headers().set("x-demo-upstream", name);
            HttpUtil.setContentLength(res, body.readableBytes());
            final boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (keepAlive) {
                ctx.writeAndFlush(res);
            } else {
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
