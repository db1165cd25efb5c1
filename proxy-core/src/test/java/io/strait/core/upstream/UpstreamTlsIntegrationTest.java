package io.strait.core.upstream;

import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end over 127.0.0.1: plain HTTP clients through Strait to TLS upstreams ({@link TlsTestUpstream}) with
 * certificates made here: verification (chain and SAN), ALPN (HTTP/1.1, h2, auto), mutual TLS with a SPIFFE ID,
 * refused upstreams that receive no request byte, retries to another host, a stalled handshake, resumption, and a
 * reload of the client certificate.
 */
class UpstreamTlsIntegrationTest {

    private static final Issued CA = TestCertificates.ca("upstream-ca");
    private static final Issued OTHER_CA = TestCertificates.ca("upstream-other-ca");
    private static final String FRONTEND = "spiffe://example.org/ns/demo/sa/frontend";
    private static final String FRONTEND2 = "spiffe://example.org/ns/demo/sa/frontend-v2";
    private static final String BACKEND = "spiffe://example.org/ns/demo/sa/backend";
    private static final Issued ME = CA.workload("frontend", List.of(FRONTEND), List.of());
    private static final List<String> BOTH = List.of("h2", "http/1.1");
    private static final List<String> H1 = List.of("http/1.1");

    private static final TlsTestUpstream API = start("api", CA.server(KeyType.EC, "api.test"), BOTH, null);
    private static final TlsTestUpstream API_H1 = start("api-h1", CA.server(KeyType.RSA, "api.test"), H1, null);
    private static final TlsTestUpstream WRONG = start("wrong", CA.server(KeyType.EC, "web.test"), BOTH, null);
    private static final TlsTestUpstream FOREIGN = start("foreign", OTHER_CA.server(KeyType.EC, "api.test"), H1,
        null);
    private static final TlsTestUpstream EXPIRED = start("expired", CA.expiredServer("api.test"), H1, null);
    private static final TlsTestUpstream MESH = start("mesh", CA.workload("backend", List.of(BACKEND), List.of()),
        BOTH, CA);
    private static final TlsTestUpstream STALLED = stalled();
    private static final TlsTestUpstream CHECKED = start("checked", CA.server(KeyType.EC, "api.test"), H1, null);
    private static final TlsTestUpstream CHECKED_WRONG = start("checked-wrong", CA.server(KeyType.EC, "web.test"), H1,
        null);

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /h1/ }, cluster: h1 }
                  - { match: { prefix: /h2/ }, cluster: h2 }
                  - { match: { prefix: /auto/ }, cluster: auto }
                  - { match: { prefix: /auto1/ }, cluster: auto1 }
                  - match: { prefix: /san/ }
                    cluster: san
                    retry: { attempts: 2, on: [ connect-failure ], backoff: { base_interval: 1ms, max_interval: 2ms } }
                  - { match: { prefix: /foreign/ }, cluster: foreign }
                  - { match: { prefix: /expired/ }, cluster: expired }
                  - { match: { prefix: /mesh/ }, cluster: mesh }
                  - { match: { prefix: /wrongid/ }, cluster: wrongid }
                  - match: { prefix: /stall/ }
                    cluster: stall
                    retry: { attempts: 2, on: [ connect-failure ], backoff: { base_interval: 1ms, max_interval: 2ms } }
                  - { match: { prefix: /fresh/ }, cluster: fresh }
                  - match: { prefix: /outlier/ }
                    cluster: outlier
                    retry: { attempts: 2, on: [ connect-failure ], backoff: { base_interval: 1ms, max_interval: 2ms } }
        clusters:
          - name: h1
            endpoints: [ { address: 127.0.0.1:%1$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
          - name: h2
            protocol: http2
            endpoints: [ { address: 127.0.0.1:%1$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test, verify_subject_alt_name: [ { dns: '*.test' } ] }
          - name: auto
            protocol: auto
            endpoints: [ { address: 127.0.0.1:%1$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
          - name: auto1
            protocol: auto
            endpoints: [ { address: 127.0.0.1:%2$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
          - name: san
            endpoints: [ { address: 127.0.0.1:%3$d }, { address: 127.0.0.1:%1$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
          - name: foreign
            endpoints: [ { address: 127.0.0.1:%4$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
          - name: expired
            endpoints: [ { address: 127.0.0.1:%5$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
          - name: mesh
            protocol: auto
            pool: { max_idle: 0 }
            endpoints: [ { address: 127.0.0.1:%6$d } ]
            tls:
              ca_file: ${file:ca.pem}
              certificate_file: ${file:me.pem}
              private_key_file: ${file:me.key}
              verify_subject_alt_name: [ { uri_exact: '%8$s' } ]
              reload_interval: 0s
          - name: wrongid
            endpoints: [ { address: 127.0.0.1:%6$d } ]
            tls:
              ca_file: ${file:ca.pem}
              certificate_file: ${file:me.pem}
              private_key_file: ${file:me.key}
              verify_subject_alt_name: [ { uri_prefix: 'spiffe://example.org/ns/prod/' } ]
          - name: stall
            connect_timeout: 2s
            endpoints: [ { address: 127.0.0.1:%7$d }, { address: 127.0.0.1:%2$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test, handshake_timeout: 200ms }
          - name: outlier
            endpoints: [ { address: 127.0.0.1:%3$d }, { address: 127.0.0.1:%1$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
            outlier_detection: { consecutive_gateway_failure: 2, max_ejection_percent: 50, interval: 1s }
          - name: checked
            endpoints: [ { address: 127.0.0.1:%9$d }, { address: 127.0.0.1:%10$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
            health_check: { path: /health, interval: 500ms, timeout: 400ms, unhealthy_threshold: 1 }
          - name: fresh
            pool: { max_idle: 0 }
            endpoints: [ { address: 127.0.0.1:%2$d } ]
            tls: { ca_file: ${file:ca.pem}, sni: api.test }
        """.formatted(API.port(), API_H1.port(), WRONG.port(), FOREIGN.port(), EXPIRED.port(), MESH.port(),
        STALLED.port(), BACKEND, CHECKED.port(), CHECKED_WRONG.port()))
        .file("ca.pem", CA::writeCertificate)
        .file("me.pem", ME::writeChain)
        .file("me.key", p -> ME.writeKey(p, KeyFormat.PKCS8));

    private static TlsTestUpstream start(final String name, final Issued cert, final List<String> alpn,
                                         final Issued clientCa) {
        try {
            return TlsTestUpstream.start(name, cert, alpn, clientCa);
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static TlsTestUpstream stalled() {
        try {
            return TlsTestUpstream.stalled("stalled");
        } catch (final InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        for (final TlsTestUpstream u : List.of(API, API_H1, WRONG, FOREIGN, EXPIRED, MESH, STALLED, CHECKED,
            CHECKED_WRONG)) {
            u.close();
        }
    }

    private static RawResponse get(final String path) throws IOException {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            return c.get(path, "proxy.test");
        }
    }

    @Test
    void http11OverVerifiedTls() throws Exception {
        final RawResponse r = get("/h1/x");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("api http/1.1 none\n");
        assertThat(proxy.stat("h1", ClusterStat.SSL_HANDSHAKE)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void verifiedConnectionsAreKeptAliveAndReused() throws Exception {
        final long handshakes = proxy.stat("h1", ClusterStat.SSL_HANDSHAKE);
        final long reused = proxy.stat("h1", ClusterStat.UPSTREAM_CX_POOL_REUSE);
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            for (int i = 0; i < 5; i++) {
                assertThat(c.get("/h1/ka/" + i, "proxy.test").status()).isEqualTo(200);
            }
        }
        assertThat(proxy.stat("h1", ClusterStat.UPSTREAM_CX_POOL_REUSE) - reused).isGreaterThanOrEqualTo(4);
        assertThat(proxy.stat("h1", ClusterStat.SSL_HANDSHAKE) - handshakes).isLessThanOrEqualTo(1);
    }

    @Test
    void http2OverVerifiedTls() throws Exception {
        final RawResponse r = get("/h2/x");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("api h2 none\n");
    }

    @Test
    void autoSpeaksWhatAlpnPicks() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(get("/auto/" + i).bodyAsString()).isEqualTo("api h2 none\n");
            assertThat(get("/auto1/" + i).bodyAsString()).isEqualTo("api-h1 http/1.1 none\n");
        }
        assertThat(proxy.stat("auto", ClusterStat.UPSTREAM_CX_HTTP2_TOTAL)).isGreaterThanOrEqualTo(1);
        assertThat(proxy.stat("auto1", ClusterStat.UPSTREAM_CX_HTTP2_TOTAL)).isZero();
    }

    @Test
    void aWrongSanIsRefusedBeforeAnyRequestByteAndRetriedOnTheOtherHost() throws Exception {
        for (int i = 0; i < 6; i++) {
            final RawResponse r = get("/san/" + i);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-upstream")).isEqualTo("api");
        }
        assertThat(WRONG.connections.get()).as("the wrong host was tried").isGreaterThanOrEqualTo(1);
        assertThat(WRONG.applicationBytes.get()).as("and received no request byte").isZero();
        assertThat(WRONG.requests.get()).isZero();
        assertThat(proxy.stat("san", ClusterStat.SSL_FAIL_VERIFY_SAN)).isGreaterThanOrEqualTo(1);
        assertThat(proxy.stat("san", ClusterStat.UPSTREAM_CX_CONNECT_FAIL)).isGreaterThanOrEqualTo(1);
        assertThat(proxy.stat("san", ClusterStat.UPSTREAM_RQ_RETRY)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aHostWhoseCertificateKeepsFailingIsEjected() throws Exception {
        for (int i = 0; i < 8; i++) {
            assertThat(get("/outlier/" + i).status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(proxy.stat("outlier",
            ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_GATEWAY_FAILURE)).isGreaterThanOrEqualTo(1));
        assertThat(proxy.stat("outlier", ClusterStat.SSL_FAIL_VERIFY_SAN)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void activeHealthChecksGoOverVerifiedTls() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(proxy.cluster("checked").hostSet().healthy()).extracting(h -> h.address().getPort())
                .as("the host with the wrong SAN fails its checks").containsExactly(CHECKED.port());
            assertThat(CHECKED.requests.get()).as("checks over TLS reach the other").isGreaterThanOrEqualTo(1);
        });
        assertThat(CHECKED_WRONG.connections.get()).isGreaterThanOrEqualTo(1);
        assertThat(CHECKED_WRONG.applicationBytes.get()).isZero();
    }

    @Test
    void anotherCaOrAnExpiredCertificateIsRefusedAndNothingSent() throws Exception {
        final RawResponse foreign = get("/foreign/x");
        assertThat(foreign.status()).isEqualTo(502);
        assertThat(foreign.header("x-strait-error")).isEqualTo("upstream_connect_failure");
        assertThat(FOREIGN.connections.get()).isGreaterThanOrEqualTo(1);
        assertThat(FOREIGN.applicationBytes.get()).isZero();
        assertThat(proxy.stat("foreign", ClusterStat.SSL_FAIL_VERIFY_CERT_CHAIN)).isGreaterThanOrEqualTo(1);

        assertThat(get("/expired/x").status()).isEqualTo(502);
        assertThat(EXPIRED.connections.get()).isGreaterThanOrEqualTo(1);
        assertThat(EXPIRED.applicationBytes.get()).isZero();
        assertThat(proxy.stat("expired", ClusterStat.SSL_FAIL_VERIFY_CERT_CHAIN)).isGreaterThanOrEqualTo(1);
        assertThat(proxy.stat("expired", ClusterStat.SSL_HANDSHAKE)).isZero();
    }

    @Test
    void mutualTlsPresentsTheSpiffeIdAndChecksTheUpstreams() throws Exception {
        final RawResponse r = get("/mesh/x");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("mesh h2 " + FRONTEND + "\n");

        final int before = MESH.requests.get();
        assertThat(get("/wrongid/x").status()).as("the upstream's SPIFFE ID is not in ns/prod").isEqualTo(502);
        assertThat(MESH.requests.get()).isEqualTo(before);
        assertThat(proxy.stat("wrongid", ClusterStat.SSL_FAIL_VERIFY_SAN)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aStalledHandshakeTimesOutAndIsRetriedElsewhere() throws Exception {
        for (int i = 0; i < 4; i++) {
            final RawResponse r = get("/stall/" + i);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-upstream")).isEqualTo("api-h1");
        }
        assertThat(STALLED.connections.get()).isGreaterThanOrEqualTo(1);
        assertThat(proxy.stat("stall", ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT)).isGreaterThanOrEqualTo(1);
        assertThat(proxy.stat("stall", ClusterStat.SSL_CONNECTION_ERROR)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void laterConnectionsResumeTheSessionOnEitherEventLoop() throws Exception {
        // Each request comes on a new client connection (the two event loops take turns) and opens a new upstream
        // connection (max_idle: 0): every one after the first resumes, whichever loop made the session.
        final int resumedBefore = API_H1.resumed.get();
        final long handshakes = proxy.stat("fresh", ClusterStat.SSL_HANDSHAKE);
        final long reused = proxy.stat("fresh", ClusterStat.SSL_SESSION_REUSED);
        for (int i = 0; i < 4; i++) {
            assertThat(get("/fresh/" + i).status()).isEqualTo(200);
        }
        assertThat(proxy.stat("fresh", ClusterStat.SSL_HANDSHAKE) - handshakes).isEqualTo(4);
        assertThat(proxy.stat("fresh", ClusterStat.SSL_SESSION_REUSED) - reused).isGreaterThanOrEqualTo(3);
        assertThat(API_H1.resumed.get() - resumedBefore).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aReloadedClientCertificateIsUsedByNewConnections() throws Exception {
        assertThat(get("/mesh/a").bodyAsString()).isEqualTo("mesh h2 " + FRONTEND + "\n");
        final Issued next = CA.workload("frontend-v2", List.of(FRONTEND2), List.of());
        next.writeKey(proxy.file("me.key"), KeyFormat.PKCS8);
        next.writeChain(proxy.file("me.pem"));
        assertThat(proxy.cluster("mesh").tls().reloader().checkNow()).isTrue();
        assertThat(get("/mesh/b").bodyAsString()).isEqualTo("mesh h2 " + FRONTEND2 + "\n");
        // Put the first certificate back for the other tests.
        ME.writeKey(proxy.file("me.key"), KeyFormat.PKCS8);
        ME.writeChain(proxy.file("me.pem"));
        assertThat(proxy.cluster("mesh").tls().reloader().checkNow()).isTrue();
    }
}
