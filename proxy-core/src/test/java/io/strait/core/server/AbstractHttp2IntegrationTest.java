package io.strait.core.server;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.RecordedRequest;
import io.strait.core.testing.TestUpstream;
import io.strait.tls.testing.TestCertificates;
import io.strait.tls.testing.TestCertificates.Issued;
import io.strait.tls.testing.TestCertificates.KeyFormat;
import io.strait.tls.testing.TestCertificates.KeyType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end over 127.0.0.1: HTTP/2 clients (Netty's codec, h2c with prior knowledge and h2 over TLS by ALPN)
 * through Strait to an HTTP/1.1 {@link TestUpstream}: requests and responses translated both ways, many streams on
 * one connection, large bodies under flow control with one stream held by a slow reader while another completes,
 * local replies, malformed requests refused per stream, request trailers, HTTP/1.1 still served on the same port,
 * {@code codec: http1} refusing the preface, curl, and the counters. Each subclass runs them all on one transport
 * (epoll, io_uring, NIO).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractHttp2IntegrationTest {

    private static final Issued CA = TestCertificates.ca("h2-ca");
    private static final Issued CERT = CA.server(KeyType.EC, "h2.test");

    /** On an instance field of a per-class test instance: started before a subclass's tests, on its transport. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: %s }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - { domains: [ "noroute.test" ], routes: [ { match: { prefix: /only }, cluster: up } ] }
              - { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] }
          - name: tls
            address: 127.0.0.1:0
            tls: { certificates: [ { cert: ${file:h2.pem}, key: ${file:h2.key} } ] }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: h1only
            address: 127.0.0.1:0
            codec: http1
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters:
          - name: up
            endpoints: [ { address: 127.0.0.1:${upstream:up} } ]
        """.formatted(transport())).upstreams("up")
        .file("h2.pem", CERT::writeChain)
        .file("h2.key", p -> CERT.writeKey(p, KeyFormat.PKCS8));

    private TestUpstream up;

    /** The transport the subclass runs on: epoll, io_uring or nio. */
    abstract String transport();

    @Test
    void runsOnTheRequestedTransport() {
        assertThat(proxy.server().transport().name()).isEqualTo(transport());
    }

    @BeforeEach
    void setUp() {
        up = proxy.upstream("up");
        up.reset();
    }

    private RecordedRequest seen(final String path) {
        return up.requests().stream().filter(r -> r.uri().equals(path)).findFirst().orElseThrow();
    }

    @Test
    void h2cWithPriorKnowledgeIsProxiedToAnHttp1Upstream() throws Exception {
        final long requests = proxy.stat("main", HttpStat.DOWNSTREAM_RQ_HTTP2_TOTAL);
        final long connections = proxy.stat("main", HttpStat.DOWNSTREAM_CX_HTTP2_TOTAL);
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            final H2Client.Response r = c.get("/hello?x=1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
            assertThat(r.headers().get("x-upstream").toString()).isEqualTo("up");
            assertThat(r.headers().contains("connection")).isFalse();
            await().untilAsserted(() ->
                assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_CX_HTTP2_ACTIVE)).isEqualTo(1));
        }
        final RecordedRequest seen = seen("/hello?x=1");
        assertThat(seen.version()).isEqualTo("HTTP/1.1");
        assertThat(seen.header("host")).isEqualTo("h2.test");
        assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_RQ_HTTP2_TOTAL)).isEqualTo(requests + 1);
        assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_CX_HTTP2_TOTAL)).isEqualTo(connections + 1);
        await().untilAsserted(() ->
            assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_CX_HTTP2_ACTIVE)).isZero());
    }

    @Test
    void h2OverTlsIsChosenByAlpn() throws Exception {
        try (H2Client c = H2Client.tls(proxy.port("tls"))) {
            assertThat(c.alpn()).isEqualTo("h2");
            final H2Client.Response r = c.get("/tls");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
        }
        assertThat(seen("/tls").header("x-forwarded-proto")).isEqualTo("https");
    }

    @Test
    void http1IsStillServedOnTheSamePort() throws Exception {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            for (int i = 0; i < 3; i++) {
                final RawResponse r = c.get("/h1/" + i, "h1.test");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
            }
        }
    }

    @Test
    void aListenerRestrictedToHttp1DoesNotSpeakHttp2() throws Exception {
        try (RawH2 raw = new RawH2(proxy.port("h1only"))) {
            assertThat(raw.awaitClosed(5)).isTrue();   // the preface is a malformed HTTP/1.1 request: 400, close
            assertThat(raw.status(1)).isNull();
        }
        try (RawHttpClient c = new RawHttpClient(proxy.port("h1only"))) {
            assertThat(c.get("/still-h1", "h1.test").status()).isEqualTo(200);
        }
    }

    @Test
    void curlWithPriorKnowledgeSpeaksHttp2() throws Exception {
        final String out = curl("--http2-prior-knowledge", "http://127.0.0.1:" + proxy.port("main") + "/curl-h2c");
        assertThat(out).isEqualTo("hello from up\n2 200");
        assertThat(seen("/curl-h2c").header("host")).isEqualTo("127.0.0.1:" + proxy.port("main"));
    }

    @Test
    void curlOverTlsNegotiatesHttp2ByAlpn() throws Exception {
        final String out = curl("--http2", "-k", "https://127.0.0.1:" + proxy.port("tls") + "/curl-h2");
        assertThat(out).isEqualTo("hello from up\n2 200");
    }

    @Test
    void curlOverTlsWithoutHttp2StillGetsHttp1() throws Exception {
        final String out = curl("--http1.1", "-k", "https://127.0.0.1:" + proxy.port("tls") + "/curl-h1");
        assertThat(out).isEqualTo("hello from up\n1.1 200");
    }

    @Test
    void h2loadGetsEveryResponseOverMultiplexedConnections() throws Exception {
        final long before = proxy.stat("main", HttpStat.DOWNSTREAM_RQ_HTTP2_TOTAL);
        final String out = run(List.of("h2load", "-n", "2000", "-c", "4", "-m", "16",
            "http://127.0.0.1:" + proxy.port("main") + "/h2load"));
        assertThat(out).contains("2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored");
        assertThat(out).contains("status codes: 2000 2xx");
        assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_RQ_HTTP2_TOTAL)).isEqualTo(before + 2000);
    }

    /** Runs curl (skipping the test when it is not installed); returns its output: body, then version and status. */
    private String curl(final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "-w",
            "%{http_version} %{http_code}"));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** Runs a command (skipping the test when it is not installed); returns its output, stderr included. */
    private static String run(final List<String> cmd) throws Exception {
        final Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (final java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort(cmd.get(0) + " is not installed: " + e.getMessage());
            throw e;
        }
        final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void manyConcurrentStreamsShareOneConnection() throws Exception {
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            final List<CompletableFuture<H2Client.Response>> all = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                all.add(c.send("GET", "/delay/50?i=" + i, null, null, null, false));
            }
            for (final CompletableFuture<H2Client.Response> f : all) {
                final H2Client.Response r = f.get(15, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
            }
        }
        assertThat(up.requests().stream().filter(r -> r.uri().startsWith("/delay/50?i=")).count()).isEqualTo(60);
    }

    @Test
    void largeBodiesPassBothWaysUnderFlowControl() throws Exception {
        final byte[] body = new byte[3 << 20];
        for (int i = 0; i < body.length; i++) {
            body[i] = TestUpstream.patternByte(i);
        }
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            final H2Client.Response r = c.send("POST", "/echo", new DefaultHttp2Headers().add("content-length",
                Integer.toString(body.length)), body, null, false).get(30, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(body);
        }
    }

    @Test
    void aSlowReaderStreamDoesNotStallAnotherStreamOnTheConnection() throws Exception {
        final int big = 4 << 20;
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            final CompletableFuture<H2Client.Response> slow = c.send("GET", "/bytes/" + big, null, null, null, true);
            final int slowId = c.lastStreamId();
            await().until(() -> c.received(slowId) > 0);
            final H2Client.Response fast = c.send("GET", "/bytes/" + (2 << 20), null, null, null, false)
                .get(30, TimeUnit.SECONDS);
            assertThat(fast.status()).isEqualTo(200);
            assertThat(fast.body()).hasSize(2 << 20);
            // The held stream got at most its window (64 KiB) and what the proxy and upstream buffer, not the body.
            assertThat(slow).isNotDone();
            assertThat(c.received(slowId)).isLessThan(big);
            c.release(slowId);
            final H2Client.Response r = slow.get(30, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).hasSize(big);
            for (int i = 0; i < big; i += 4099) {
                assertThat(r.body()[i]).isEqualTo(TestUpstream.patternByte(i));
            }
        }
    }

    @Test
    void aLocalReplyGoesBackOverHttp2() throws Exception {
        final long noRoute = proxy.stat("main", HttpStat.NO_ROUTE);
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            c.authority = "noroute.test";
            final H2Client.Response r = c.get("/elsewhere");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.headers().get("x-strait-error").toString()).isEqualTo("no_route");
            assertThat(r.bodyAsString()).isEqualTo("no_route\n");
            c.authority = "h2.test";
            assertThat(c.get("/after-404").status()).isEqualTo(200);   // the connection goes on
        }
        assertThat(proxy.stat("main", HttpStat.NO_ROUTE)).isEqualTo(noRoute + 1);
    }

    @Test
    void aMalformedRequestIsResetAloneAndCounted() throws Exception {
        final long errors = proxy.stat("main", HttpStat.HTTP2_RX_MESSAGING_ERROR);
        try (RawH2 raw = new RawH2(proxy.port("main")).handshake()) {
            raw.get(1, "/ok", true);
            raw.get(3, "/bad", true, "connection", "keep-alive");   // connection-specific: RFC 9113 8.2.2
            raw.get(5, "/bad", true, "te", "gzip");                 // te other than trailers
            raw.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 7, noScheme());
            raw.get(9, "/ok2", true);
            await().untilAsserted(() -> {
                assertThat(raw.status(1)).isEqualTo(200);
                assertThat(raw.status(9)).isEqualTo(200);
                assertThat(raw.reset(3)).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
                assertThat(raw.reset(5)).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
                assertThat(raw.reset(7)).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
            });
            assertThat(raw.goAway()).isEqualTo(-1);
        }
        assertThat(proxy.stat("main", HttpStat.HTTP2_RX_MESSAGING_ERROR)).isGreaterThanOrEqualTo(errors + 3);
        assertThat(up.requests().stream().filter(r -> r.uri().equals("/bad")).count()).isZero();
    }

    private static byte[] noScheme() {
        final java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        RawH2.literal(b, ":method", "GET");
        RawH2.literal(b, ":path", "/bad");
        RawH2.literal(b, ":authority", "h2.test");
        return b.toByteArray();
    }

    @Test
    void requestTrailersEndTheRequestAndTheBodyGoesUpstream() throws Exception {
        final Http2Headers trailers = new DefaultHttp2Headers().add("x-checksum", "abc");
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            final H2Client.Response r = c.send("POST", "/echo", null, "with trailers".getBytes(), trailers, false)
                .get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("with trailers");
        }
        // no content-length: the HTTP/1.1 upstream gets the body chunked
        assertThat(seen("/echo").header("transfer-encoding")).isEqualTo("chunked");
    }

    @Test
    void theUpstreamSeesOneCookieHeaderJoinedFromHttp2Fields() throws Exception {
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            final H2Client.Response r = c.send("GET", "/cookies", new DefaultHttp2Headers().add("cookie", "a=1")
                .add("cookie", "b=2"), null, null, false).get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(seen("/cookies").headers("cookie")).containsExactly("a=1; b=2");
    }

    @Test
    void aStreamResetByTheClientEndsItsExchangeOnly() throws Exception {
        final long rxReset = proxy.stat("main", HttpStat.HTTP2_RX_RESET);
        try (RawH2 raw = new RawH2(proxy.port("main")).handshake()) {
            raw.get(1, "/stall", true);
            await().until(() -> up.requests().stream().anyMatch(r -> r.uri().equals("/stall")));
            raw.frame(RawH2.RST_STREAM, 0, 1, new byte[] {0, 0, 0, 8});
            raw.get(3, "/after-reset", true);
            await().untilAsserted(() -> assertThat(raw.status(3)).isEqualTo(200));
        }
        assertThat(proxy.stat("main", HttpStat.HTTP2_RX_RESET)).isEqualTo(rxReset + 1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero());
    }
}
