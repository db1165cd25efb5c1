package io.strait.grpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe. A real grpc-java server (Netty transport, h2c or TLS) on 127.0.0.1 and an ephemeral port, running a
 * {@link TestService}; {@link #kill()} stops it the hard way, as a crashed upstream.
 */
final class GrpcBackend implements AutoCloseable {

    private final TestService service;
    private final Server server;

    private GrpcBackend(final TestService service, final ServerServiceDefinition definition) throws IOException {
        this(service, definition, null);
    }

    private GrpcBackend(final TestService service, final ServerServiceDefinition definition,
                        final SslContext tls) throws IOException {
        this.service = service;
        final NettyServerBuilder b = NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).addService(definition);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.server = b.build().start();
    }

    /**
     * Starts a backend with every method of {@link TestService} on TLS (ALPN h2 only, as grpc-java serves), with
     * {@code chain}/{@code key} as its certificate, requiring a client certificate that {@code clientCa} verifies.
     */
    static GrpcBackend startMutualTls(final Path chain, final Path key, final Path clientCa) throws IOException {
        final TestService s = new TestService();
        final SslContext tls = GrpcSslContexts.forServer(chain.toFile(), key.toFile())
            .trustManager(clientCa.toFile())
            .clientAuth(ClientAuth.REQUIRE)
            .build();
        return new GrpcBackend(s, s.definition(), tls);
    }

    /** Starts a backend with every method of {@link TestService}. */
    static GrpcBackend start() throws IOException {
        final TestService s = new TestService();
        return new GrpcBackend(s, s.definition());
    }

    /** Starts a backend that answers every unary echo {@code UNAVAILABLE}, trailers-only. */
    static GrpcBackend unavailable() throws IOException {
        final TestService s = new TestService();
        return new GrpcBackend(s, s.unavailableDefinition());
    }

    /** Returns the bound port. */
    int port() {
        return server.getPort();
    }

    /** Returns what this backend's service saw. */
    TestService service() {
        return service;
    }

    /** Closes the listening socket and every connection at once, calls in flight included. */
    void kill() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
        service.close();
    }
}
