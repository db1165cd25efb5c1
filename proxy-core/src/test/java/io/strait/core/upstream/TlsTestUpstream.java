package io.strait.core.upstream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import io.strait.tls.PeerIdentity;
import io.strait.tls.testing.TestCertificates.Issued;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Thread-safe counters, read by the test thread. An upstream for upstream TLS tests on 127.0.0.1: TLS with a
 * certificate made by the test, ALPN (h2 and/or http/1.1), optionally requiring a client certificate from a CA, and
 * answering every request with 200 and a body {@code <name> <protocol> <client identity or "none">}. It counts TCP
 * connections, handshakes (and resumed ones) and every application byte it decrypted, so a test can assert that an
 * upstream that was refused received no request byte at all. A "stalled" one accepts TCP and never answers.
 */
final class TlsTestUpstream implements AutoCloseable {

    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger handshakes = new AtomicInteger();
    final AtomicInteger resumed = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong applicationBytes = new AtomicLong();
    final AtomicReference<String> lastIdentity = new AtomicReference<>();
    private final String name;
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    private TlsTestUpstream(final String name, final SslContext context) throws InterruptedException {
        this.name = name;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.AUTO_READ, context != null)
            .childHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(final Channel ch) {
                    connections.incrementAndGet();
                    if (context != null) {
                        ch.pipeline().addLast(context.newHandler(ch.alloc()), new Counting(),
                            new Negotiation());
                    }
                }
            }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** A TLS upstream presenting {@code cert}, offering {@code alpn}, requiring a client certificate of clientCa. */
    static TlsTestUpstream start(final String name, final Issued cert, final List<String> alpn,
                                 final Issued clientCa) throws Exception {
        final SslContextBuilder b = SslContextBuilder.forServer(cert.key(), cert.certificate())
            .sslProvider(SslProvider.OPENSSL)
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        if (clientCa != null) {
            b.trustManager(clientCa.certificate()).clientAuth(ClientAuth.REQUIRE);
        }
        return new TlsTestUpstream(name, b.build());
    }

    /** An upstream that accepts connections and never reads or answers: a TLS handshake with it stalls. */
    static TlsTestUpstream stalled(final String name) throws InterruptedException {
        return new TlsTestUpstream(name, null);
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private String answer(final String protocol) {
        requests.incrementAndGet();
        final String id = lastIdentity.get();
        return name + " " + protocol + " " + (id == null ? "none" : id);
    }

    /** Counts the decrypted bytes (after the SslHandler) and the handshake outcome. */
    private final class Counting extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            if (msg instanceof ByteBuf b) {
                applicationBytes.addAndGet(b.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                handshakes.incrementAndGet();
                final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
                if (ssl.engine() instanceof ReferenceCountedOpenSslEngine e && SSL.isSessionReused(e.sslPointer())) {
                    resumed.incrementAndGet();
                }
                try {
                    final Certificate[] peer = ssl.engine().getSession().getPeerCertificates();
                    lastIdentity.set(PeerIdentity.of((X509Certificate) peer[0]).id());
                } catch (final SSLPeerUnverifiedException e) {
                    lastIdentity.set(null);
                }
            }
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** After the handshake: an HTTP/2 or HTTP/1.1 server as ALPN decided. */
    private final class Negotiation extends ApplicationProtocolNegotiationHandler {
        Negotiation() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(final ChannelHandlerContext ctx, final String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new H2Answer());
            } else {
                ctx.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new H1Answer());
            }
        }
    }

    private final class H1Answer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            if (msg instanceof FullHttpRequest req) {
                req.release();
                final byte[] body = (answer("http/1.1") + "\n").getBytes(StandardCharsets.UTF_8);
                final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(body));
                r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length).set("x-upstream", name);
                ctx.writeAndFlush(r);
                return;
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private final class H2Answer extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h && h.isEndStream()) {
                    respond(ctx, h.stream());
                } else if (msg instanceof Http2DataFrame d && d.isEndStream()) {
                    respond(ctx, d.stream());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(final ChannelHandlerContext ctx, final Http2FrameStream stream) {
            final byte[] body = (answer("h2") + "\n").getBytes(StandardCharsets.UTF_8);
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                .set("x-upstream", name).setInt("content-length", body.length)).stream(stream));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(body), true).stream(stream))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
        }
    }
}
