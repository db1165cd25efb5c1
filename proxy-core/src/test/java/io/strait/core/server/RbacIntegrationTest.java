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
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;

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
        clusters: [ { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] } ]
        """).upstreams("up")
        .file("s.pem", SERVER::writeChain)
        .file("s.key", p -> SERVER.writeKey(p, KeyFormat.PKCS8))
        .file("ca.pem", CA::writeCertificate);

    private RawResponse get(final Issued client, final String path) throws Exception {
        final SSLSocket s = (SSLSocket) CA.clientContext(client).getSocketFactory()
            .createSocket(InetAddress.getLoopbackAddress(), PROXY.port("mtls"));
        s.setSoTimeout(5000);
        s.startHandshake();
        try (RawHttpClient c = new RawHttpClient(s, Duration.ofSeconds(5))) {
            return c.get(path, "api.test");
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
}
