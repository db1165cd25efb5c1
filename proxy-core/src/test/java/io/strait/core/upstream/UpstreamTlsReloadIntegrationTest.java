package io.strait.core.upstream;

import io.strait.core.cluster.Cluster;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configuration reload that changes a cluster's {@code tls} rebuilds its context: the next connection verifies
 * with the new settings, and the replaced cluster stops watching its files.
 */
class UpstreamTlsReloadIntegrationTest {

    private static final Issued CA = TestCertificates.ca("reload-ca");
    private static final String BACKEND = "spiffe://example.org/ns/demo/sa/backend";
    private static final Issued ME = CA.workload("frontend", List.of("spiffe://example.org/ns/demo/sa/frontend"),
        List.of());
    private static final TlsTestUpstream MESH = start();

    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: nio }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: mesh } ] } ]
        clusters:
          - name: mesh
            pool: { max_idle: 0 }
            endpoints: [ { address: 127.0.0.1:%d } ]
            tls:
              ca_file: ${file:ca.pem}
              certificate_file: ${file:me.pem}
              private_key_file: ${file:me.key}
              verify_subject_alt_name: [ { uri_exact: '%s' } ]
        """.formatted(MESH.port(), BACKEND))
        .file("ca.pem", CA::writeCertificate)
        .file("me.pem", ME::writeChain)
        .file("me.key", p -> ME.writeKey(p, KeyFormat.PKCS8));

    private static TlsTestUpstream start() {
        try {
            return TlsTestUpstream.start("mesh", CA.workload("backend", List.of(BACKEND), List.of()),
                List.of("http/1.1"), CA);
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        MESH.close();
    }

    private int status(final String path) throws Exception {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            return c.get(path, "proxy.test").status();
        }
    }

    @Test
    void aChangedTlsSectionTakesEffectOnTheNextConnection() throws Exception {
        assertThat(status("/a")).isEqualTo(200);
        final Cluster before = proxy.cluster("mesh");
        final ConfigResult next = ConfigLoader.parse(proxy.yaml().replace("sa/backend'", "sa/payments'"),
            "reload.yaml");
        assertThat(next.errors()).isEmpty();
        assertThat(proxy.server().reload(next.config()).ok()).isTrue();
        assertThat(proxy.cluster("mesh")).isNotSameAs(before);
        final int requests = MESH.requests.get();
        assertThat(status("/b")).as("the backend is not spiffe://.../payments").isEqualTo(502);
        assertThat(MESH.requests.get()).isEqualTo(requests);
        assertThat(proxy.stat("mesh", ClusterStat.SSL_FAIL_VERIFY_SAN)).isEqualTo(1);

        final ConfigResult back = ConfigLoader.parse(proxy.yaml(), "reload.yaml");
        assertThat(proxy.server().reload(back.config()).ok()).isTrue();
        assertThat(status("/c")).isEqualTo(200);
        assertThat(before.tls().reloader().isClosed()).as("the replaced cluster stopped watching its files").isTrue();
        assertThat(proxy.cluster("mesh").tls().reloader().isClosed()).isFalse();
    }
}
