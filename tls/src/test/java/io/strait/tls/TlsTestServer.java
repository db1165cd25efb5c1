package io.strait.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.strait.tls.handler.PeerIdentityHandler;
import io.strait.tls.handler.SniHandlerFactory;
import io.strait.tls.handler.TlsHandshakeListener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TLS server on 127.0.0.1 for the tls module's tests: the SNI handler and the peer identity handler as a listener
 * uses them, then a handler that answers each read with one line: the peer identity's id (or "none"). Counts every
 * handshake outcome.
 */
final class TlsTestServer implements AutoCloseable {

    final AtomicInteger handshakes = new AtomicInteger();
    final AtomicInteger reused = new AtomicInteger();
    final AtomicInteger noCertificate = new AtomicInteger();
    final AtomicInteger verifyNoCertificate = new AtomicInteger();
    final AtomicInteger verifyFailed = new AtomicInteger();
    final AtomicInteger connectionErrors = new AtomicInteger();
    final AtomicReference<PeerIdentity> lastIdentity = new AtomicReference<>();
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final ChannelGroup accepted = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel server;

    TlsTestServer(final SniHandlerFactory factory) throws InterruptedException {
        final PeerIdentityHandler identity = new PeerIdentityHandler(new TlsHandshakeListener() {
            @Override
            public void handshake(final long nanos) {
                handshakes.incrementAndGet();
            }

            @Override
            public void sessionReused() {
                reused.incrementAndGet();
            }

            @Override
            public void noCertificate() {
                noCertificate.incrementAndGet();
            }

            @Override
            public void verifyNoCertificate() {
                verifyNoCertificate.incrementAndGet();
            }

            @Override
            public void verifyFailed() {
                verifyFailed.incrementAndGet();
            }

            @Override
            public void connectionError() {
                connectionErrors.incrementAndGet();
            }
        });
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    accepted.add(ch);
                    ch.pipeline().addLast("tls", factory.newHandler()).addLast("identity", identity)
                        .addLast("app", new Answer());
                }
            }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
        // Close the connections before the loop stops: a shutdown cut short by its timeout (a loaded machine) could
        // stop the loop with a connection still open, whose engine would then never give its context back.
        accepted.close().await(10, java.util.concurrent.TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
    }

    /** Answers every read with the peer's identity (or "none") and a newline. */
    private final class Answer extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                lastIdentity.set(ctx.channel().attr(PeerIdentityHandler.PEER_IDENTITY).get());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            ReferenceCountUtil.release(msg);
            final PeerIdentity id = ctx.channel().attr(PeerIdentityHandler.PEER_IDENTITY).get();
            final ByteBuf out = Unpooled.copiedBuffer((id == null ? "none" : id.id()) + "\n",
                StandardCharsets.UTF_8);
            ctx.writeAndFlush(out);
        }
    }
}
