package io.strait.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** strait-load against TLS test servers on 127.0.0.1: keep-alive, churn with and without resumption, failures. */
class TlsLoadRunTest {

    private static TestCerts certs;

    @BeforeAll
    static void makeCertificate() throws Exception {
        certs = TestCerts.create();
    }

    private static LoadOptions.Builder base(final String url) {
        return LoadOptions.builder().set("url", url).set("connections", "2").set("duration", "1s")
            .set("timeout", "1s");
    }

    private static LoadResult run(final LoadOptions.Builder b) throws Exception {
        return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> new LoadRun(b.build()).start().await());
    }

    @Test
    void keepAliveOverTlsAnswersEveryRequest() throws Exception {
        try (TestServer server = new TestServer(certs.serverContext(false))) {
            final LoadResult r = run(base(server.httpsUrl()));
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.get(LoadCounter.STATUS_2XX)).isEqualTo(r.requests());
            // Keep-alive: the two connections shook hands before the measured part and never again.
            assertThat(server.handshakes()).isEqualTo(2);
            assertThat(r.get(LoadCounter.TLS_HANDSHAKES)).isZero();
            assertThat(server.lastProtocol()).isEqualTo("TLSv1.3");
            assertThat(server.lastAlpn()).isEqualTo("http/1.1");
        }
    }

    @Test
    void tlsVersionsAreOffered() throws Exception {
        try (TestServer server = new TestServer(certs.serverContext(false))) {
            final LoadResult r = run(base(server.httpsUrl()).set("tls-versions", "TLSv1.2").set("duration", "1s"));
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(server.lastProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void churnWithoutResumptionMakesAFullHandshakePerRequest() throws Exception {
        try (TestServer server = new TestServer(certs.serverContext(false))) {
            final LoadResult r = run(base(server.httpsUrl()).set("new-connection-per-request", "true")
                .set("duration", "2s"));
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            // Each request was written after its own connection's handshake (those of the requests still in
            // flight at the end included): one handshake per request sent, none resumed.
            assertThat(r.get(LoadCounter.TLS_HANDSHAKES)).isEqualTo(r.get(LoadCounter.SENT));
            assertThat(r.requests() + r.get(LoadCounter.ABANDONED)).isEqualTo(r.get(LoadCounter.SENT));
            assertThat(r.get(LoadCounter.TLS_RESUMED)).isZero();
            assertThat(r.get(LoadCounter.TLS_HANDSHAKE_ERRORS)).isZero();
            assertThat((long) server.handshakes()).isGreaterThanOrEqualTo(r.requests());
        }
    }

    @Test
    void churnWithResumptionResumesMostSessions() throws Exception {
        assumeThat(OpenSsl.isAvailable()).as("resumption is counted with BoringSSL only").isTrue();
        try (TestServer server = new TestServer(certs.serverContext(false))) {
            final LoadResult r = run(base(server.httpsUrl()).set("new-connection-per-request", "true")
                .set("tls-resume", "true").set("duration", "2s"));
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.get(LoadCounter.TLS_HANDSHAKES)).isEqualTo(r.get(LoadCounter.SENT));
            // Only a slot's first connection (and one racing the other slot for a single-use ticket) needs a full
            // handshake: at most 2 per slot, all the others resume, however many the machine managed.
            assertThat(r.get(LoadCounter.TLS_HANDSHAKES) - r.get(LoadCounter.TLS_RESUMED)).isLessThanOrEqualTo(4);
        }
    }

    @Test
    void verifiesTheServerAgainstACaFile(@TempDir final Path dir) throws Exception {
        final Path right = certs.writePem(dir.resolve("right.pem"));
        final Path wrong = TestCerts.create().writePem(dir.resolve("wrong.pem"));
        try (TestServer server = new TestServer(certs.serverContext(false))) {
            final LoadResult ok = run(base(server.httpsUrl()).set("ca-file", right.toString())
                .set("new-connection-per-request", "true").set("duration", "1s"));
            assertThat(ok.requests()).isPositive();
            assertThat(ok.errors()).isZero();
            final LoadResult bad = run(base(server.httpsUrl()).set("ca-file", wrong.toString())
                .set("new-connection-per-request", "true").set("duration", "1s"));
            assertThat(bad.requests()).isZero();
            assertThat(bad.get(LoadCounter.TLS_HANDSHAKE_ERRORS)).isPositive();
            assertThat(bad.get(LoadCounter.CONNECT_ERRORS)).isEqualTo(bad.get(LoadCounter.TLS_HANDSHAKE_ERRORS));
        }
    }

    @Test
    void plainHttpServerOnAnHttpsUrlCountsHandshakeErrorsAndEnds() throws Exception {
        // The plain server waits for a request head that never comes: only the handshake timeout ends each try.
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final LoadResult r = run(base(server.httpsUrl()).set("timeout", "200ms").set("duration", "1s"));
            assertThat(r.requests()).isZero();
            assertThat(r.get(LoadCounter.TLS_HANDSHAKE_ERRORS)).isGreaterThanOrEqualTo(2);
            assertThat(r.get(LoadCounter.CONNECT_ERRORS)).isEqualTo(r.get(LoadCounter.TLS_HANDSHAKE_ERRORS));
            assertThat(r.errors()).isPositive();
            assertThat(r.get(LoadCounter.SENT)).isZero();
        }
    }

    @Test
    void serverRequiringAClientCertificateFailsTheHandshake() throws Exception {
        // TLS 1.2: the server's refusal comes before the client's handshake completes (with 1.3 it would come after).
        try (TestServer server = new TestServer(certs.serverContext(true))) {
            final LoadResult r = run(base(server.httpsUrl()).set("tls-versions", "TLSv1.2")
                .set("new-connection-per-request", "true"));
            assertThat(r.requests()).isZero();
            assertThat(r.get(LoadCounter.TLS_HANDSHAKE_ERRORS)).isPositive();
            assertThat(r.get(LoadCounter.CONNECT_ERRORS)).isEqualTo(r.get(LoadCounter.TLS_HANDSHAKE_ERRORS));
            assertThat(server.requests()).isZero();
        }
    }

    @Test
    void reportsTheHandshakesInJsonAndKeyValues(@TempDir final Path dir) throws Exception {
        try (TestServer server = new TestServer(certs.serverContext(false))) {
            final LoadResult r = run(base(server.httpsUrl()).set("new-connection-per-request", "true")
                .set("duration", "1s"));
            final Path json = dir.resolve("r.json");
            final Path kv = dir.resolve("r.kv");
            Report.writeJson(r, json);
            Report.writeKeyValues(r, kv);
            final JsonNode root = new ObjectMapper().readTree(json.toFile());
            assertThat(root.at("/totals/tlsHandshakes").asLong()).isEqualTo(r.get(LoadCounter.TLS_HANDSHAKES))
                .isPositive();
            assertThat(root.at("/totals/tlsResumed").asLong()).isZero();
            assertThat(root.at("/parameters/tls").asBoolean()).isTrue();
            assertThat(Files.readAllLines(kv)).contains("tls_handshakes=" + r.get(LoadCounter.TLS_HANDSHAKES),
                "tls_resumed=0", "tls_handshake_errors=0");
            final java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            Report.summary(r, new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(text.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("TLS (TLSv1.3,TLSv1.2, session resumption off): " + r.get(LoadCounter.TLS_HANDSHAKES)
                    + " handshakes");
        }
    }

    @Test
    void optionsTurnTlsOnFromTheUrlTheKeyOrTheFlags() {
        final LoadOptions https = base("https://127.0.0.1/x").build();
        assertThat(https.tls().enabled()).isTrue();
        assertThat(https.port()).isEqualTo(443);
        assertThat(https.tls().versions()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(https.tls().resume()).isFalse();
        assertThat(base("http://127.0.0.1:8443/").set("tls", "true").build().tls().enabled()).isTrue();
        assertThat(base("http://127.0.0.1:80/").build().tls().enabled()).isFalse();
        // What a distributed agent's http workload parses too.
        final LoadOptions flags = Main.parseRunOptions(List.of("--url", "https://127.0.0.1:8443/", "--sni",
            "example.test", "--tls-resume", "--tls-versions", "TLSv1.2", "--ca-file", "/tmp/ca.pem"));
        assertThat(flags.tls()).isEqualTo(new TlsOptions(true, "example.test", "/tmp/ca.pem", List.of("TLSv1.2"),
            true));
        assertThat(Main.parseRunOptions(List.of("--url", "http://127.0.0.1:1/", "--tls", "--tls-resume=false"))
            .tls().resume()).isFalse();
        final Scenario s = Scenario.parse("t.conf", List.of("tls = true", "tls-resume = true"));
        final LoadOptions.Builder b = LoadOptions.builder();
        s.applyTo(b);
        assertThat(b.set("url", "http://127.0.0.1:1/").build().tls().resume()).isTrue();
        assertThatThrownBy(() -> base("https://127.0.0.1/").set("tls-versions", "SSLv3").build())
            .hasMessageContaining("tls-versions");
        assertThatThrownBy(() -> new LoadRun(base("https://127.0.0.1:1/").set("ca-file", "/nonexistent/ca.pem")
            .build())).hasMessageContaining("ca-file");
    }
}
