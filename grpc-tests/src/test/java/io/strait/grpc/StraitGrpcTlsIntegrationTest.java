package io.strait.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared gRPC cases with the client on TLS: grpc-java's own TLS client (which insists on ALPN {@code h2}) →
 * a Strait TLS listener with its default ALPN ({@code h2, http/1.1}) → cluster {@code protocol: http2} (h2c) →
 * grpc-java backend. Every case passing means HTTP/2 was negotiated by ALPN and carried the calls unchanged.
 */
class StraitGrpcTlsIntegrationTest extends AbstractGrpcIntegrationTest {

    private static final Issued CA = TestCertificates.ca("grpc-tls-ca");
    private static final Issued SERVER = CA.server(KeyType.EC, "grpc.test");

    static final String CONFIG = """
        runtime: { event_loops: 1, drain_timeout: 1s }
        listeners:
          - name: grpc_tls
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: %s, key: %s } ] }
            virtual_hosts:
              - domains: [ "*" ]
                routes: [ { match: { prefix: / }, cluster: backend, timeout: 0s } ]
        clusters:
          - { name: backend, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
        """;

    private Path dir;
    private InProcessStrait strait;

    @Override
    String unsupported() {
        return InProcessStrait.missingGrpcSupport();
    }

    @Override
    int startTarget() throws Exception {
        dir = Files.createTempDirectory("strait-grpc-tls");
        final Path cert = SERVER.writeChain(dir.resolve("server.pem"));
        final Path key = SERVER.writeKey(dir.resolve("server.key"), KeyFormat.PKCS8);
        strait = InProcessStrait.start(CONFIG.formatted(cert, key, backend.port()));
        return strait.port("grpc_tls");
    }

    @Override
    ManagedChannel openChannel(final int port) throws Exception {
        final Path ca = CA.writeCertificate(dir.resolve("ca.pem"));
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
            .overrideAuthority("grpc.test")   // the name the client verifies the certificate against, and its SNI
            .sslContext(GrpcSslContexts.forClient().trustManager(ca.toFile()).build())
            .build();
    }

    @Override
    void stopTarget() throws Exception {
        if (strait != null) {
            strait.close();
        }
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (final Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
