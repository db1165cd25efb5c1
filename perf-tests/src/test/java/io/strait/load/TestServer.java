package io.strait.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread-safe: a tiny HTTP/1.1 server for the load generator's tests, on 127.0.0.1 and one NIO loop. It counts
 * request heads (bodiless requests: a head ends at an empty line) and answers each with {@code 200 ok}, or, by
 * {@link Mode}, stalls the response to request number {@code stallAt} for {@code stallMillis}, closes the connection
 * on a request, never answers, or answers with a line that is not HTTP. With an {@link SslContext} it speaks TLS
 * (and counts handshakes and the protocol and ALPN name of the last one).
 */
final class TestServer implements AutoCloseable {

    /** What the server does with a request. */
    enum Mode { OK, CLOSE, SILENT, GARBAGE }

    private static final byte[] RESPONSE =
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GARBAGE = "SMTP ready\r\n".getBytes(StandardCharsets.US_ASCII);

    private final AtomicInteger requests = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final Mode mode;
    private final int stallAt;
    private final long stallMillis;
    private final SslContext tls;
    private final AtomicInteger handshakes = new AtomicInteger();
    private final ChannelGroup children;
    private volatile String lastProtocol;
    private volatile String lastAlpn;

    TestServer(final Mode mode, final int stallAt, final long stallMillis, final SslContext tls) {
        this.mode = mode;
        this.stallAt = stallAt;
        this.stallMillis = stallMillis;
        this.tls = tls;
        this.children = new DefaultChannelGroup(group.next());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    children.add(ch);
                    if (tls != null) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                    }
                    ch.pipeline().addLast(new Handler());
                }
            })
            .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    TestServer(final Mode mode, final int stallAt, final long stallMillis) {
        this(mode, stallAt, stallMillis, null);
    }

    TestServer(final Mode mode) {
        this(mode, -1, 0, null);
    }

    /** A TLS server answering every request with {@code 200 ok}. */
    TestServer(final SslContext tls) {
        this(Mode.OK, -1, 0, tls);
    }

    int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    String httpsUrl() {
        return "https://127.0.0.1:" + port() + "/";
    }

    int requests() {
        return requests.get();
    }

    /** Returns the TLS handshakes completed (full and resumed). */
    int handshakes() {
        return handshakes.get();
    }

    /** Returns the protocol of the last handshake, e.g. {@code TLSv1.3}. */
    String lastProtocol() {
        return lastProtocol;
    }

    /** Returns the application protocol (ALPN) of the last handshake, or null. */
    String lastAlpn() {
        return lastAlpn;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        children.close().awaitUninterruptibly(5, TimeUnit.SECONDS);   // TLS engines are released as they close
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (tls != null) {
            ReferenceCountUtil.release(tls);
        }
    }

    /** Confined to the loop: finds request heads (CRLFCRLF) across reads and answers them in order. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private int tail;   // how much of "\r\n\r\n" the last bytes matched
        private long pausedUntil;

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            final ByteBuf buf = (ByteBuf) msg;
            try {
                while (buf.isReadable()) {
                    final byte b = buf.readByte();
                    final boolean match = (tail % 2 == 0) ? b == '\r' : b == '\n';
                    tail = match ? tail + 1 : (b == '\r' ? 1 : 0);
                    if (tail == 4) {
                        tail = 0;
                        onRequest(ctx, requests.incrementAndGet());
                    }
                }
            } finally {
                buf.release();
            }
        }

        private void onRequest(final ChannelHandlerContext ctx, final int n) {
            switch (mode) {
                case CLOSE -> ctx.close();
                case SILENT -> { }
                case GARBAGE -> ctx.writeAndFlush(ctx.alloc().buffer(GARBAGE.length).writeBytes(GARBAGE));
                default -> {
                    final long now = System.nanoTime();
                    if (n == stallAt) {
                        pausedUntil = now + TimeUnit.MILLISECONDS.toNanos(stallMillis);
                    }
                    final long delay = pausedUntil - now;
                    if (delay > 0) {
                        // Keep the order: everything on this connection waits for the stalled response.
                        ctx.executor().schedule(() -> respond(ctx), delay, TimeUnit.NANOSECONDS);
                    } else {
                        respond(ctx);
                    }
                }
            }
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                lastProtocol = ssl.engine().getSession().getProtocol();
                lastAlpn = ssl.applicationProtocol();
                handshakes.incrementAndGet();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();   // resets from the generator closing at the end of a run
        }

        private void respond(final ChannelHandlerContext ctx) {
            ctx.writeAndFlush(ctx.alloc().buffer(RESPONSE.length).writeBytes(RESPONSE));
        }
    }
}
