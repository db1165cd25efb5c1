package io.strait.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import io.netty.util.concurrent.Future;
import io.strait.tls.handler.SniHandlerFactory;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real handshakes on 127.0.0.1 from a client context of {@link TlsClientContextFactory} to a listener-style server:
 * chain and SAN verification (and how failures are told apart), the client certificate, and resumption.
 */
class TlsClientContextTest {

    private static final Issued CA = TestCertificates.ca("client-ca");
    private static final Issued OTHER_CA = TestCertificates.ca("client-other-ca");
    private static final String SPIFFE = "spiffe://example.org/ns/demo/sa/frontend";
    private static final MultiThreadIoEventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
        NioIoHandler.newFactory());

    @TempDir
    Path dir;

    @AfterAll
    static void stop() {
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private TlsTestServer server(final Issued cert, final boolean requireClient) throws Exception {
        final SniCertificateMapper m = TlsContextFactory.build(new TlsServerOptions(List.of(TlsFixture.files(dir,
            "s", cert, KeyFormat.PKCS8)), requireClient ? CA.writeCertificate(dir.resolve("sca.pem")) : null,
            requireClient, TlsServerOptions.TLS_1_2, List.of(), List.of("http/1.1"), Duration.ofSeconds(5)));
        return new TlsTestServer(new SniHandlerFactory(m, 5000));
    }

    private TlsClientOptions options(final Issued ca, final List<SanMatcher> sans, final Issued client) {
        return new TlsClientOptions(ca.writeCertificate(dir.resolve("ca.pem")), client == null ? null
            : TlsFixture.files(dir, "c", client, KeyFormat.TRADITIONAL), null, sans, List.of("http/1.1"),
            TlsServerOptions.TLS_1_2, TlsServerOptions.TLS_1_3, List.of(), List.of(), Duration.ofSeconds(5));
    }

    /** Connects and handshakes as peer {@code peerHost}, then one exchange (so a TLS 1.3 ticket arrives). */
    /** One client handshake: its outcome, and whether it resumed a session (read before the close). */
    private record Shake(Future<Channel> future, boolean resumed) {
        boolean isSuccess() {
            return future.isSuccess();
        }

        Throwable cause() {
            return future.cause();
        }
    }

    private static Shake handshake(final SslContext ctx, final String peerHost, final int port)
        throws InterruptedException {
        final SslHandler ssl = ctx.newHandler(ByteBufAllocator.DEFAULT, peerHost, port);
        final CountDownLatch answered = new CountDownLatch(1);
        new Bootstrap().group(GROUP).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(final Channel ch) {
                ch.pipeline().addLast(ssl, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(final ChannelHandlerContext c, final Object msg) {
                        ReferenceCountUtil.release(msg);
                        answered.countDown();
                    }
                });
            }
        }).connect(new InetSocketAddress("127.0.0.1", port));
        final Future<Channel> f = ssl.handshakeFuture().await();
        boolean resumed = false;
        if (f.isSuccess()) {
            resumed = SSL.isSessionReused(((ReferenceCountedOpenSslEngine) ssl.engine()).sslPointer());
            // One exchange, so the TLS 1.3 session ticket (sent after the handshake) is read before the close.
            f.getNow().writeAndFlush(Unpooled.copiedBuffer("hi\n", StandardCharsets.US_ASCII));
            assertThat(answered.await(5, TimeUnit.SECONDS)).isTrue();
            f.getNow().close().await();
        }
        return new Shake(f, resumed);
    }

    @Test
    void theSniNameIsCheckedByDefaultAndAWrongOneFailsAsASanMismatch() throws Exception {
        try (TlsTestServer s = server(CA.server(KeyType.EC, "api.test"), false)) {
            final SslContext ctx = TlsClientContextFactory.build(options(CA, List.of(), null));
            assertThat(handshake(ctx, "api.test", s.port()).isSuccess()).isTrue();
            final Shake wrong = handshake(ctx, "web.test", s.port());
            assertThat(wrong.isSuccess()).isFalse();
            assertThat(TlsClientFailure.of(wrong.cause())).isEqualTo(TlsClientFailure.VERIFY_SAN);
            assertThat(handshake(ctx, "127.0.0.1", s.port()).isSuccess()).as("no SNI, no name check").isTrue();
        }
    }

    @Test
    void anUnknownIssuerFailsAsAChainFailure() throws Exception {
        try (TlsTestServer s = server(OTHER_CA.server(KeyType.EC, "api.test"), false)) {
            final Shake f = handshake(TlsClientContextFactory.build(options(CA, List.of(), null)),
                "api.test", s.port());
            assertThat(f.isSuccess()).isFalse();
            assertThat(TlsClientFailure.of(f.cause())).isEqualTo(TlsClientFailure.VERIFY_CERT_CHAIN);
        }
    }

    @Test
    void spiffeIdsAreMatchedAndTheClientCertificateIsPresented() throws Exception {
        final Issued workload = CA.workload("backend", List.of("spiffe://example.org/ns/demo/sa/backend"),
            List.of());
        try (TlsTestServer s = server(workload, true)) {
            final Issued me = CA.workload("frontend", List.of(SPIFFE), List.of());
            final SslContext ok = TlsClientContextFactory.build(options(CA, List.of(new SanMatcher(
                SanMatcher.Kind.URI_PREFIX, "spiffe://example.org/ns/demo/")), me));
            assertThat(handshake(ok, "backend.demo", s.port()).isSuccess()).isTrue();
            assertThat(s.lastIdentity.get().id()).isEqualTo(SPIFFE);
            final SslContext other = TlsClientContextFactory.build(options(CA, List.of(new SanMatcher(
                SanMatcher.Kind.URI_EXACT, "spiffe://example.org/ns/demo/sa/db")), me));
            assertThat(TlsClientFailure.of(handshake(other, "backend.demo", s.port()).cause()))
                .isEqualTo(TlsClientFailure.VERIFY_SAN);
        }
    }

    @Test
    void aSecondConnectionToTheSamePeerResumes() throws Exception {
        try (TlsTestServer s = server(CA.server(KeyType.EC, "api.test"), false)) {
            final SslContext ctx = TlsClientContextFactory.build(options(CA, List.of(), null));
            final Shake first = handshake(ctx, "api.test", s.port());
            assertThat(first.resumed()).isFalse();
            final Shake second = handshake(ctx, "api.test", s.port());
            assertThat(second.isSuccess()).isTrue();
            assertThat(second.resumed()).isTrue();
        }
    }

    @Test
    void withoutSessionReuseEveryHandshakeIsFull() throws Exception {
        try (TlsTestServer s = server(CA.server(KeyType.EC, "api.test"), false)) {
            final TlsClientOptions o = options(CA, List.of(), null);
            final SslContext ctx = TlsClientContextFactory.build(new TlsClientOptions(o.caFile(), null, null,
                List.of(), o.alpn(), o.minVersion(), o.maxVersion(), List.of(), List.of(), o.handshakeTimeout(),
                false));
            for (int i = 0; i < 3; i++) {
                final Shake h = handshake(ctx, "api.test", s.port());
                assertThat(h.isSuccess()).isTrue();
                assertThat(h.resumed()).isFalse();
            }
            assertThat(s.reused.get()).isZero();
        }
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtItsField() {
        final Issued a = CA.client("a", List.of(), List.of("a.test"));
        final Issued b = CA.client("b", List.of(), List.of("b.test"));
        final TlsClientOptions o = new TlsClientOptions(CA.writeCertificate(dir.resolve("ca.pem")),
            new CertificateFiles(a.writeChain(dir.resolve("a.pem")), b.writeKey(dir.resolve("b.key"),
                KeyFormat.PKCS8)), null, List.of(), List.of("http/1.1"), TlsServerOptions.TLS_1_2,
            TlsServerOptions.TLS_1_3, List.of(), List.of(), Duration.ofSeconds(5));
        assertThatThrownBy(() -> TlsClientContextFactory.build(o)).isInstanceOf(TlsConfigException.class)
            .extracting(e -> ((TlsConfigException) e).field()).isEqualTo("private_key_file");
    }
}
