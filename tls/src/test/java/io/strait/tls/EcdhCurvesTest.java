package io.strait.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import io.strait.tls.handler.SniHandlerFactory;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ecdh_curves}: real handshakes on 127.0.0.1 between a listener's contexts and a Netty BoringSSL client that
 * offers chosen groups, reading the negotiated group from the client's engine.
 */
class EcdhCurvesTest {

    private static final Issued CA = TestCertificates.ca("curves-ca");
    private static final Issued SERVER = CA.server(KeyType.EC, "curves.test");
    private static MultiThreadIoEventLoopGroup group;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        assumeTrue(OpenSsl.isAvailable(), "BoringSSL (netty-tcnative) is needed");
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private SniCertificateMapper server(final List<String> curves) throws TlsConfigException {
        return TlsContextFactory.build(new TlsServerOptions(List.of(TlsFixture.files(dir, "s", SERVER,
            KeyFormat.PKCS8)), null, false, TlsServerOptions.TLS_1_2, List.of(), List.of("http/1.1"),
            TlsServerOptions.DEFAULT_HANDSHAKE_TIMEOUT, curves));
    }

    /** Handshakes with a client offering {@code groups} (in that order) and returns the negotiated group. */
    private static String handshake(final int port, final String version, final String... groups) throws Exception {
        final SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL_REFCNT)
            .trustManager(CA.certificate()).protocols(version)
            .option(OpenSslContextOption.GROUPS, groups).build();
        try {
            final CompletableFuture<String> negotiated = new CompletableFuture<>();
            final Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(final Channel c) {
                        final SslHandler ssl = client.newHandler(c.alloc(), "curves.test", port);
                        c.pipeline().addLast(ssl).addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
                                throws Exception {
                                if (evt instanceof SslHandshakeCompletionEvent e) {
                                    if (e.isSuccess()) {
                                        final ReferenceCountedOpenSslEngine engine =
                                            (ReferenceCountedOpenSslEngine) ssl.engine();
                                        negotiated.complete(SSL.getGroupName(engine.sslPointer()));
                                    } else {
                                        negotiated.completeExceptionally(e.cause());
                                    }
                                    ctx.close();
                                }
                            }
                        });
                    }
                }).connect(InetAddress.getLoopbackAddress(), port).sync().channel();
            try {
                return negotiated.get(10, TimeUnit.SECONDS);
            } finally {
                ch.close().sync();
            }
        } finally {
            ReferenceCountUtil.release(client);
        }
    }

    @Test
    void defaultsPreferThePostQuantumHybrid() throws Exception {
        try (SniCertificateMapper m = server(List.of());
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(m, 5000))) {
            assertThat(handshake(s.port(), "TLSv1.3", "X25519MLKEM768", "X25519")).isEqualTo("X25519MLKEM768");
        }
    }

    @Test
    void configuredGroupIsNegotiatedAndOthersAreRefused() throws Exception {
        try (SniCertificateMapper m = server(List.of("X25519"));
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(m, 5000))) {
            for (final String version : new String[] {"TLSv1.3", "TLSv1.2"}) {
                assertThat(handshake(s.port(), version, "X25519MLKEM768", "X25519", "P-256")).as(version)
                    .isEqualTo("X25519");
                assertThatThrownBy(() -> handshake(s.port(), version, "P-256")).as(version)
                    .hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
            }
        }
    }

    @Test
    void serverPreferenceOrderAndAliases() throws Exception {
        try (SniCertificateMapper m = server(List.of("prime256v1", "x25519"));
             TlsTestServer s = new TlsTestServer(new SniHandlerFactory(m, 5000))) {
            // The client prefers X25519 and sends its key share; the server's first choice, P-256, wins.
            assertThat(handshake(s.port(), "TLSv1.3", "X25519", "P-256")).isEqualTo("P-256");
            assertThat(handshake(s.port(), "TLSv1.3", "X25519")).isEqualTo("X25519");
            assertThatThrownBy(() -> handshake(s.port(), "TLSv1.3", "P-384"))
                .hasRootCauseInstanceOf(javax.net.ssl.SSLException.class);
        }
    }

    @Test
    void unknownOrDuplicateGroupNamesTheField() {
        assertThatThrownBy(() -> server(List.of("X25519", "brainpoolP256r1")).close())
            .isInstanceOf(TlsConfigException.class).hasMessageContaining("unknown key-exchange group 'brainpoolP256r1'")
            .extracting(e -> ((TlsConfigException) e).field()).isEqualTo("ecdh_curves[1]");
        assertThatThrownBy(() -> server(List.of("P-256", "secp256r1")).close())
            .isInstanceOf(TlsConfigException.class).hasMessageContaining("duplicate key-exchange group 'secp256r1'")
            .extracting(e -> ((TlsConfigException) e).field()).isEqualTo("ecdh_curves[1]");
    }
}
