package io.strait.grpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe. A real grpc-java server (Netty transport, h2c) on 127.0.0.1 and an ephemeral port, running a
 * {@link TestService}; {@link #kill()} stops it the hard way, as a crashed upstream.
 */
final class GrpcBackend implements AutoCloseable {

    private final TestService service;
    private final Server server;

    private GrpcBackend(final TestService service, final ServerServiceDefinition definition) throws IOException {
        this.service = service;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(definition)
            .build()
            .start();
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
