package io.strait.core.server;

import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end: authorization by the verified client certificate's SPIFFE ID. The virtual host allows only the
 * frontend's ID; one route replaces that with a deny list; a refused request gets 403 {@code rbac_denied}, counted,
 * and never reaches the upstream.
 */
class RbacIntegrationTest {

    private static final Issued CA = TestCertificates.ca("rbac-it-ca");
    private static final Issued SERVER = CA.server(KeyType.EC, "api.test");
    private static final Issued FRONTEND = CA.client("frontend", List.of("spiffe://example.org/ns/demo/sa/frontend"),
        List.of());
    private static final Issued BATCH = CA.client("batch", List.of("spiffe://example.org/ns/batch/sa/job"),
        List.of());

    @RegisterExtension
    static final ProxyExtension PROXY = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: mtls
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:s.pem}, key: ${file:s.key} } ], client_ca: ${file:ca.pem} }
            virtual_hosts:
              - domains: [ "*" ]
                rbac: { allow: [ { spiffe_id: "spiffe://example.org/ns/demo/sa/frontend" } ] }
                routes:
                  - match: { prefix: /open/ }
                    cluster: up
                    rbac: { deny: [ { spiffe_prefix: "spiffe://example.org/ns/batch/" } ] }
                  - { match: { prefix: / }, cluster: up }
          - name: edge
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:s.pem}, key: ${file:s.key} } ], client_ca: ${file:ca.pem} }
            rbac: { allow: [ { spiffe_prefix: "spiffe://example.org/ns/demo/" } ] }
            access_log: { path: ${file:edge.log} }
            virtual_hosts:
              - domains: [ "public.test" ]
                rbac: { allow: [ { authenticated: true } ] }
                routes: [ { match: { prefix: / }, cluster: up } ]
              - domains: [ "*" ]
                routes: [ { match: { prefix: / }, cluster: up } ]
        clusters: [ { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] } ]
        """).upstreams("up")
        .file("s.pem", SERVER::writeChain)
        .file("s.key", p -> SERVER.writeKey(p, KeyFormat.PKCS8))
        .file("ca.pem", CA::writeCertificate);

    private RawResponse get(final Issued client, final String path) throws Exception {
        return get("mtls", client, path, "api.test");
    }

    private RawResponse get(final String listener, final Issued client, final String path, final String host)
            throws Exception {
        final SSLSocket s = (SSLSocket) CA.clientContext(client).getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), PROXY.port(listener));
        s.setSoTimeout(5000);
        s.startHandshake();
        try (RawHttpClient c = new RawHttpClient(s, Duration.ofSeconds(5))) {
            return c.get(path, host);
        }
    }

    private boolean reachedUpstream(final String path) {
        return PROXY.upstream("up").requests().stream().anyMatch(r -> r.uri().equals(path));
    }

    @Test
    void theVirtualHostAllowsOnlyTheFrontend() throws Exception {
        final long allowed = PROXY.stat("mtls", HttpStat.RBAC_ALLOWED);
        final long denied = PROXY.stat("mtls", HttpStat.RBAC_DENIED);
        assertThat(get(FRONTEND, "/api/frontend").status()).isEqualTo(200);

        final RawResponse batch = get(BATCH, "/api/batch");
        assertThat(batch.status()).isEqualTo(403);
        assertThat(batch.header("x-strait-error")).isEqualTo("rbac_denied");
        final RawResponse anonymous = get(null, "/api/anonymous");
        assertThat(anonymous.status()).as("no client certificate").isEqualTo(403);

        assertThat(reachedUpstream("/api/frontend")).isTrue();
        assertThat(reachedUpstream("/api/batch")).isFalse();
        assertThat(reachedUpstream("/api/anonymous")).isFalse();
        assertThat(PROXY.stat("mtls", HttpStat.RBAC_ALLOWED) - allowed).isEqualTo(1);
        assertThat(PROXY.stat("mtls", HttpStat.RBAC_DENIED) - denied).isEqualTo(2);
    }

    @Test
    void aRoutesOwnPolicyReplacesTheVirtualHosts() throws Exception {
        assertThat(get(null, "/open/anonymous").status()).as("not denied, and no allow list").isEqualTo(200);
        assertThat(get(FRONTEND, "/open/frontend").status()).isEqualTo(200);
        assertThat(get(BATCH, "/open/batch").status()).isEqualTo(403);
        assertThat(reachedUpstream("/open/batch")).isFalse();
    }

    @Test
    void theListenersPolicyAppliesWhereNoVirtualHostOrRouteHasOne() throws Exception {
        final long denied = PROXY.stat("edge", HttpStat.RBAC_DENIED);
        assertThat(get("edge", FRONTEND, "/edge/frontend", "any.test").status()).isEqualTo(200);
        final RawResponse batch = get("edge", BATCH, "/edge/batch", "any.test");
        assertThat(batch.status()).isEqualTo(403);
        assertThat(batch.header("x-strait-error")).isEqualTo("rbac_denied");
        assertThat(reachedUpstream("/edge/batch")).isFalse();
        assertThat(PROXY.stat("edge", HttpStat.RBAC_DENIED) - denied).isEqualTo(1);

        assertThat(get("edge", BATCH, "/edge/public", "public.test").status())
            .as("the virtual host's own policy (any authenticated client) replaces the listener's").isEqualTo(200);
        assertThat(get("edge", null, "/edge/public-anonymous", "public.test").status()).isEqualTo(403);
    }

    @Test
    void theAccessLogOfAnMtlsListenerEndsWithTheClientsUriSans() throws Exception {
        assertThat(get("edge", FRONTEND, "/edge/logged", "any.test").status()).isEqualTo(200);
        assertThat(get("edge", BATCH, "/edge/logged-denied", "any.test").status()).isEqualTo(403);
        final Path log = PROXY.file("edge.log");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            final List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"GET /edge/logged HTTP/1.1\" 200")
                .endsWith(" \"spiffe://example.org/ns/demo/sa/frontend\""));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"GET /edge/logged-denied HTTP/1.1\" 403")
                .endsWith(" \"spiffe://example.org/ns/batch/sa/job\""));
        });
    }
}
