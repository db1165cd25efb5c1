package io.strait.grpc;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.strait.core.stats.ClusterStat;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared gRPC cases over TLS on both sides, as between two meshed services: grpc-java's own TLS client (which
 * insists on ALPN {@code h2}) → a Strait TLS listener with its default ALPN ({@code h2, http/1.1}) → a cluster with
 * {@code protocol: auto} and {@code tls} (ALPN picks h2; the backend's SPIFFE ID verified; Strait's workload
 * certificate presented) → a grpc-java backend that requires a client certificate. Every case passing means HTTP/2
 * was negotiated by ALPN on both hops and carried the calls unchanged.
 */
class StraitGrpcTlsIntegrationTest extends AbstractGrpcIntegrationTest {

    private static final String BACKEND_ID = "spiffe://example.org/ns/demo/sa/backend";
    private static final Issued CA = TestCertificates.ca("grpc-tls-ca");
    private static final Issued SERVER = CA.server(KeyType.EC, "grpc.test");
    private static final Issued SIDECAR = CA.workload("frontend",
        List.of("spiffe://example.org/ns/demo/sa/frontend"), List.of());
    private static final Issued BACKEND = CA.workload("backend", List.of(BACKEND_ID), List.of("localhost"));

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
          - name: backend
            protocol: auto
            endpoints: [ { address: 127.0.0.1:%d } ]
            tls:
              ca_file: %s
              certificate_file: %s
              private_key_file: %s
              verify_subject_alt_name: [ { uri_exact: "%s" } ]
        """;

    private Path dir;
    private InProcessStrait strait;

    @Override
    String unsupported() {
        return InProcessStrait.missingGrpcSupport();
    }

    private Path dir() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("strait-grpc-tls");
            CA.writeCertificate(dir.resolve("ca.pem"));
        }
        return dir;
    }

    @Override
    GrpcBackend startBackend() throws Exception {
        final Path d = dir();
        return GrpcBackend.startMutualTls(BACKEND.writeChain(d.resolve("backend.pem")),
            BACKEND.writeKey(d.resolve("backend.key"), KeyFormat.PKCS8), d.resolve("ca.pem"));
    }

    @Override
    int startTarget() throws Exception {
        final Path d = dir();
        strait = InProcessStrait.start(CONFIG.formatted(SERVER.writeChain(d.resolve("server.pem")),
            SERVER.writeKey(d.resolve("server.key"), KeyFormat.PKCS8), backend.port(), d.resolve("ca.pem"),
            SIDECAR.writeChain(d.resolve("sidecar.pem")), SIDECAR.writeKey(d.resolve("sidecar.key"), KeyFormat.PKCS8),
            BACKEND_ID));
        return strait.port("grpc_tls");
    }

    @Override
    ManagedChannel openChannel(final int port) throws Exception {
        return NettyChannelBuilder.forAddress("127.0.0.1", port)
            .overrideAuthority("grpc.test")   // the name the client verifies the certificate against, and its SNI
            .sslContext(GrpcSslContexts.forClient().trustManager(dir().resolve("ca.pem").toFile()).build())
            .build();
    }

    /** The upstream hop really is verified TLS: handshakes counted, none failed, and the calls went over h2. */
    @Test
    void theUpstreamHopIsVerifiedTls() {
        final byte[] hello = TestService.payload(3, 10);
        assertThat(GrpcCalls.unary(channel, EchoService.UNARY, hello)).isEqualTo(hello);
        assertThat(strait.stat("backend", ClusterStat.SSL_HANDSHAKE)).isPositive();
        assertThat(strait.stat("backend", ClusterStat.SSL_FAIL_VERIFY_SAN)).isZero();
        assertThat(strait.stat("backend", ClusterStat.SSL_CONNECTION_ERROR)).isZero();
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
