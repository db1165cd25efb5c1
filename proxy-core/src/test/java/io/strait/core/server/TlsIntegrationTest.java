package io.strait.core.server;

import io.strait.core.stats.ListenerStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.RecordedRequest;
import io.strait.core.testing.TestUpstream;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * End to end on epoll over 127.0.0.1: HTTPS clients (JDK TLS sockets) through TLS listeners to a plain
 * {@link TestUpstream}: proxying, keep-alive, 1 MiB bodies both ways, SNI certificate choice, required client
 * certificates, X-Forwarded-Proto, plain HTTP on the TLS port, session resumption, and the listener's ssl stats.
 */
class TlsIntegrationTest {

    private static final Issued CA = TestCertificates.ca("it-ca");
    private static final Issued OTHER_CA = TestCertificates.ca("it-other-ca");
    private static final Issued A = CA.server(KeyType.RSA, "a.test");
    private static final Issued WILD = CA.server(KeyType.EC, "*.wild.test");
    private static final Issued CLIENT = CA.client("billing", List.of("spiffe://it.test/sa/billing"), List.of());

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: tls
            address: 127.0.0.1:0
            tls:
              certificates:
                - { cert: ${file:a.pem}, key: ${file:a.key} }
                - { cert: ${file:wild.pem}, key: ${file:wild.key} }
              handshake_timeout: 2s
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: mtls
            address: 127.0.0.1:0
            tls:
              certificates: [ { cert: ${file:a.pem}, key: ${file:a.key} } ]
              client_ca: ${file:ca.pem}
              require_client_cert: true
              reload_interval: 0s
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters:
          - name: up
            endpoints: [ { address: 127.0.0.1:${upstream:up} } ]
        """).upstreams("up")
        .file("a.pem", A::writeChain)
        .file("a.key", p -> A.writeKey(p, KeyFormat.TRADITIONAL))
        .file("wild.pem", WILD::writeChain)
        .file("wild.key", p -> WILD.writeKey(p, KeyFormat.PKCS8))
        .file("ca.pem", CA::writeCertificate);

    private static TestUpstream up;
    private static ProxyServer server;

    @BeforeAll
    static void start() {
        up = proxy.upstream("up");
        server = proxy.server();
    }

    private long stat(final String listener, final ListenerStat stat) {
        return server.stats().scope("listener." + listener + ".", ListenerStat.class).value(stat);
    }

    private long handshakeTimes(final String listener) {
        return server.stats().scope("listener." + listener + ".", ListenerStat.class)
            .histogram(ListenerStat.SSL_HANDSHAKE_TIME).getTotalCount();
    }

    private SSLSocket connect(final String listener, final SSLContext ctx, final String sni) throws IOException {
        final SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
            server.boundAddress(listener).getPort());
        final SSLParameters p = s.getSSLParameters();
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        s.setSSLParameters(p);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    private RawHttpClient https(final String listener, final SSLContext ctx, final String sni) throws IOException {
        return new RawHttpClient(connect(listener, ctx, sni), Duration.ofSeconds(5));
    }

    @Test
    void anHttpsRequestIsProxiedWithForwardedProtoHttps() throws Exception {
        try (RawHttpClient c = https("tls", CA.clientContext(null), "a.test")) {
            final RawResponse r = c.get("/hello", "a.test");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
        }
        final RecordedRequest seen = up.requests().stream().filter(q -> q.uri().equals("/hello")).findFirst()
            .orElseThrow();
        assertThat(seen.header("x-forwarded-proto")).isEqualTo("https");
        assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    }

    @Test
    void keepAliveCarriesManyRequestsOverOneHandshake() throws Exception {
        final long before = stat("tls", ListenerStat.SSL_HANDSHAKE);
        final long timedBefore = handshakeTimes("tls");
        try (RawHttpClient c = https("tls", CA.clientContext(null), "a.test")) {
            for (int i = 0; i < 5; i++) {
                final RawResponse r = c.get("/ka/" + i, "a.test");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-upstream")).isEqualTo("up");
            }
        }
        assertThat(stat("tls", ListenerStat.SSL_HANDSHAKE) - before).isEqualTo(1);
        assertThat(handshakeTimes("tls") - timedBefore).as("one handshake time recorded").isEqualTo(1);
        assertThat(stat("tls", ListenerStat.SSL_NO_CERTIFICATE)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void oneMebibyteEachWayArrivesIntact() throws Exception {
        final byte[] body = new byte[1024 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + (i >>> 8));
        }
        try (RawHttpClient c = https("tls", CA.clientContext(null), "a.test")) {
            final byte[] head = ("POST /echo HTTP/1.1\r\nhost: a.test\r\ncontent-length: " + body.length
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            final byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            c.send(request);
            final RawResponse echoed = c.readResponse();
            assertThat(echoed.status()).isEqualTo(200);
            assertThat(echoed.body()).isEqualTo(body);

            final RawResponse download = c.get("/bytes/" + body.length, "a.test");
            assertThat(download.status()).isEqualTo(200);
            assertThat(download.bodyLength()).isEqualTo(body.length);
            final byte[] got = download.body();
            for (int i = 0; i < got.length; i++) {
                if (got[i] != TestUpstream.patternByte(i)) {
                    throw new AssertionError("byte " + i + " differs");
                }
            }
        }
    }

    @Test
    void sniPicksTheCertificate() throws Exception {
        for (final Object[] row : new Object[][] {{"a.test", A}, {"x.wild.test", WILD}, {"other.test", A},
            {null, A}}) {
            try (SSLSocket s = connect("tls", CA.clientContext(null), (String) row[0])) {
                final X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
                assertThat(leaf).as("SNI %s", row[0]).isEqualTo(((Issued) row[1]).certificate());
            }
        }
    }

    @Test
    void requiredClientCertificates() throws Exception {
        try (RawHttpClient c = https("mtls", CA.clientContext(CLIENT), "a.test")) {
            assertThat(c.get("/mtls", "a.test").status()).isEqualTo(200);
        }
        final long noCert = stat("mtls", ListenerStat.SSL_FAIL_VERIFY_NO_CERT);
        assertThatThrownBy(() -> {
            try (RawHttpClient c = https("mtls", CA.clientContext(null), "a.test")) {
                c.get("/mtls", "a.test");
            }
        }).isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(5))
            .until(() -> stat("mtls", ListenerStat.SSL_FAIL_VERIFY_NO_CERT) == noCert + 1);

        final long verify = stat("mtls", ListenerStat.SSL_FAIL_VERIFY_ERROR);
        final Issued stranger = OTHER_CA.client("stranger", List.of("spiffe://evil.test/x"), List.of());
        assertThatThrownBy(() -> {
            try (RawHttpClient c = https("mtls", CA.clientContext(stranger), "a.test")) {
                c.get("/mtls", "a.test");
            }
        }).isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(5))
            .until(() -> stat("mtls", ListenerStat.SSL_FAIL_VERIFY_ERROR) == verify + 1);
        assertThat(up.requests().stream().filter(q -> q.uri().equals("/mtls")).count()).isEqualTo(1);
    }

    @Test
    void plainHttpOnTheTlsPortIsClosedAndCounted() throws Exception {
        final long before = stat("tls", ListenerStat.SSL_CONNECTION_ERROR);
        try (RawHttpClient c = new RawHttpClient(server.boundAddress("tls").getPort())) {
            c.send("GET /plain HTTP/1.1\r\nhost: a.test\r\n\r\n");
            assertThat(c.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
        }
        await().atMost(Duration.ofSeconds(5))
            .until(() -> stat("tls", ListenerStat.SSL_CONNECTION_ERROR) == before + 1);
        assertThat(up.requests().stream().noneMatch(q -> q.uri().equals("/plain"))).isTrue();
    }

    @Test
    void aReturningClientResumesItsSession() throws Exception {
        final long before = stat("tls", ListenerStat.SSL_SESSION_REUSED);
        final SSLContext client = CA.clientContext(null);
        for (int i = 0; i < 3; i++) {
            try (RawHttpClient c = https("tls", client, "a.test")) {
                assertThat(c.get("/again", "a.test").status()).isEqualTo(200);
            }
        }
        assertThat(stat("tls", ListenerStat.SSL_SESSION_REUSED) - before).isGreaterThanOrEqualTo(1);
    }

    @Test
    void certificatesAreBuiltOncePerListenerAndReloadOnlyWhereAsked() {
        assertThat(server.listenerTls("tls").reloader().current().contexts()).hasSize(2);
        assertThat(server.listenerTls("mtls").reloader().current().contexts()).hasSize(1);
        assertThat(server.listenerTls("tls").reloader().checkNow()).as("files unchanged").isFalse();
    }
}
