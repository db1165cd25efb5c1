package io.strait.core.server;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.RecordedRequest;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End-to-end tests of the HTTP/1.1 proxy over real loopback sockets with real upstream servers.
 * Each subclass runs them all on one transport (epoll, io_uring, NIO).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractProxyIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    /** The transport, then the ports of the response and the upload stalled peer. */
    private static final String CONFIG = """
        runtime: { event_loops: 2, transport: %s, drain_timeout: 5s }
        listeners:
          - name: main
            address: 127.0.0.1:0
            timeouts: { request_headers: 2s, idle: 30s }
            virtual_hosts:
              - name: exact
                domains: [ "exact.test", "Port.Test:8080" ]
                routes: [ { match: { prefix: / }, cluster: c } ]
              - name: wild
                domains: [ "*.wild.test" ]
                routes: [ { match: { prefix: / }, cluster: b_only } ]
              - name: narrow
                domains: [ "narrow.test" ]
                routes: [ { match: { prefix: /only }, cluster: c } ]
              - name: default
                domains: [ "*" ]
                routes:
                  - { match: { path: /exact }, cluster: b_only }
                  - { match: { regex: "/re/[0-9]+" }, cluster: c }
                  - match: { prefix: /hdr, headers: [ { name: x-route, exact: "c" } ] }
                    cluster: c
                  - match: { prefix: /hdr, headers: [ { name: x-route, present: true } ] }
                    cluster: b_only
                  - { match: { prefix: /method, methods: [ POST ] }, cluster: c }
                  - match: { prefix: /split }
                    weighted_clusters: [ { cluster: a_only, weight: 25 }, { cluster: b_only, weight: 75 } ]
                  - { match: { prefix: /timeout/ }, cluster: a_only, timeout: 300ms, prefix_rewrite: / }
                  - match: { prefix: /old/ }
                    cluster: a_only
                    prefix_rewrite: /new/
                    host_rewrite: rewritten.test
                    request_headers_to_add: [ { name: x-added, value: "yes" } ]
                    request_headers_to_remove: [ x-secret ]
                    response_headers_to_add: [ { name: x-resp, value: added } ]
                    response_headers_to_remove: [ x-upstream ]
                  - { match: { prefix: /refused/ }, cluster: dead }
                  - { match: { prefix: /blackhole/ }, cluster: blackhole }
                  - { match: { prefix: /api/ }, cluster: api }
                  - { match: { prefix: /stalled-response/ }, cluster: response_peer, timeout: 0s }
                  - { match: { prefix: /stalled-upload/ }, cluster: upload_peer, timeout: 0s }
                  - { match: { prefix: / }, cluster: a_only }
          - name: strict
            address: 127.0.0.1:0
            limits: { request_line: 256, headers: 1KiB, header_count: 10, body: 1KiB }
            timeouts: { request_headers: 500ms, idle: 700ms }
            virtual_hosts:
              - domains: [ "*" ]
                routes: [ { match: { prefix: / }, cluster: a_only } ]
        clusters:
          - name: api
            endpoints: [ { address: 127.0.0.1:${upstream:a} }, { address: 127.0.0.1:${upstream:b} } ]
          - { name: a_only, endpoints: [ { address: 127.0.0.1:${upstream:a} } ] }
          - { name: b_only, endpoints: [ { address: 127.0.0.1:${upstream:b} } ] }
          - { name: c, endpoints: [ { address: 127.0.0.1:${upstream:c} } ] }
          - { name: dead, connect_timeout: 1s, endpoints: [ { address: 127.0.0.1:${port:dead} } ] }
          - { name: blackhole, connect_timeout: 300ms, endpoints: [ { address: 127.0.0.1:${blackhole:bh} } ] }
          - { name: response_peer, endpoints: [ { address: 127.0.0.1:%d } ] }
          - { name: upload_peer, endpoints: [ { address: 127.0.0.1:%d } ] }
        """;

    /** The main listener's stalled peers (raw sockets, not TestUpstreams): their ports are formatted into CONFIG. */
    final StalledPeer responsePeer = StalledPeer.open();
    final StalledPeer uploadPeer = StalledPeer.open();

    /**
     * On an instance field of a per-class test instance: started before all of a subclass's tests, on its
     * transport, and closed after them.
     */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of(CONFIG.formatted(transport(), responsePeer.port(),
        uploadPeer.port())).upstreams("a", "b", "c");

    /** epoll, io_uring or nio. */
    abstract String transport();

    /** Size of the body pushed through a stalled peer in the backpressure tests. */
    long bigBody() {
        return 256L << 20;
    }

    @AfterAll
    void closePeers() throws Exception {
        responsePeer.close();
        uploadPeer.close();
    }

    @BeforeEach
    void resetUpstreams() {
        proxy.upstream("a").reset();
        proxy.upstream("b").reset();
        proxy.upstream("c").reset();
    }

    private RawHttpClient client() throws Exception {
        return new RawHttpClient(proxy.port("main"));
    }

    private long stat(final HttpStat stat) {
        return proxy.server().snapshot().listener("main").stats().value(stat);
    }

    private long clusterStat(final String cluster, final ClusterStat stat) {
        for (int i = 0; i < proxy.server().snapshot().clusterCount(); i++) {
            if (proxy.server().snapshot().cluster(i).name().equals(cluster)) {
                return proxy.server().snapshot().cluster(i).stats().value(stat);
            }
        }
        throw new IllegalArgumentException(cluster);
    }

    // ------------------------------------------------------------------ transport

    @Test
    void runsOnTheRequestedTransport() {
        assertThat(proxy.server().transport().name()).isEqualTo(transport());
        assertThat(proxy.server().reusePort()).isEqualTo(!"nio".equals(transport()));
    }

    // ------------------------------------------------------------------ basic proxying

    @Test
    void proxiesAGetAndKeepsBothSidesAlive() throws Exception {
        final long reusedBefore = clusterStat("a_only", ClusterStat.UPSTREAM_CX_POOL_REUSE);
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 3; i++) {
                final RawResponse r = client.get("/hello", "anything.test");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsString()).isEqualTo("hello from a\n");
                assertThat(r.header("x-upstream")).isEqualTo("a");
            }
        }
        assertThat(proxy.upstream("a").requestCount()).isEqualTo(3);
        // Earlier tests may have left a pooled connection on this loop: at most one new one is opened.
        assertThat(proxy.upstream("a").connectionCount()).as("upstream keep-alive: one pooled connection")
            .isLessThanOrEqualTo(1);
        assertThat(clusterStat("a_only", ClusterStat.UPSTREAM_CX_POOL_REUSE) - reusedBefore).isGreaterThanOrEqualTo(2);
    }

    @Test
    void streamsAContentLengthRequestBodyBothWays() throws Exception {
        final byte[] body = pattern(3 * 1024 * 1024 + 17);
        try (RawHttpClient client = client()) {
            client.send(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            client.send(body);
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(body);
        }
        final RecordedRequest rec = proxy.upstream("a").takeRequest(WAIT);
        assertThat(rec.header("content-length")).isEqualTo(Integer.toString(body.length));
        assertThat(rec.header("transfer-encoding")).isNull();
    }

    @Test
    void reframesAChunkedRequestBody() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: t\r\n\r\n");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello world");
        }
        final RecordedRequest rec = proxy.upstream("a").takeRequest(WAIT);
        assertThat(rec.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(rec.bodyAsString()).isEqualTo("hello world");
    }

    @Test
    void streamsALargeResponse() throws Exception {
        final int n = 8 * 1024 * 1024 + 3;
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/bytes/" + n, "x");
            assertThat(r.status()).isEqualTo(200);
            final byte[] body = r.body();   // a copy: take it once
            assertThat(body).hasSize(n);
            for (int i = 0; i < n; i++) {
                if (body[i] != TestUpstream.patternByte(i)) {
                    throw new AssertionError("byte " + i + " differs");
                }
            }
            final RawResponse chunked = client.get("/bytes/100000?chunked=1", "x");
            assertThat(chunked.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(chunked.bodyLength()).isEqualTo(100000);
        }
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("GET /delay/200 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /hdr HTTP/1.1\r\nHost: x\r\nx-route: c\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(client.readResponse().status()).isEqualTo(201);
            final RawResponse third = client.readResponse();
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.header("x-upstream")).isEqualTo("c");
        }
    }

    @Test
    void headAnd204And304CarryNoBody() throws Exception {
        try (RawHttpClient client = client()) {
            final RawResponse head = client.head("/bytes/1234", "x");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1234");
            assertThat(head.bodyLength()).isZero();
            assertThat(client.get("/status/204", "x").status()).isEqualTo(204);
            final RawResponse notModified = client.get("/status/304", "x");
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.bodyLength()).isZero();
            // The connection is still in sync: a normal request after them works.
            assertThat(client.get("/hello", "x").bodyAsString()).isEqualTo("hello from a\n");
        }
    }

    @Test
    void answersExpectContinueThenTakesTheBody() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            final RawResponse interim = client.readResponse();
            assertThat(interim.status()).isEqualTo(100);
            client.send("abcde");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("abcde");
        }
        assertThat(proxy.upstream("a").takeRequest(WAIT).header("expect")).isNull();
    }

    @Test
    void forwardsInformationalResponses() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/early-hints", "x"));
            final RawResponse hints = client.readResponse();
            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.header("link")).isNotNull();
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void removesHopByHopHeadersAndAddsForwardingHeaders() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("GET /headers HTTP/1.1\r\nHost: keep.test:81\r\nConnection: keep-alive, x-private\r\n"
                + "x-private: secret\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
                + "Upgrade: websocket\r\nX-Forwarded-For: 10.1.2.3\r\nx-custom: kept\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        final RecordedRequest rec = proxy.upstream("a").takeRequest(WAIT);
        for (final String gone : new String[] {"connection", "x-private", "keep-alive", "proxy-connection", "te",
            "upgrade"}) {
            assertThat(rec.header(gone)).as(gone).isNull();
        }
        assertThat(rec.header("host")).isEqualTo("keep.test:81");
        assertThat(rec.header("x-custom")).isEqualTo("kept");
        assertThat(rec.headers("x-forwarded-for")).containsExactly("10.1.2.3, 127.0.0.1");
        assertThat(rec.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(rec.header("x-request-id"))
            .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void replacesAClientsRequestIdAtTheEdge() throws Exception {
        // The fixture's listener has the edge defaults: a client's id is not trusted (preserve_external_request_id
        // keeps it; see ForwardingIntegrationTest).
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/hello", "x", "X-Request-Id: abc-123"));
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        assertThat(proxy.upstream("a").takeRequest(WAIT).headers("x-request-id")).singleElement().asString()
            .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void http10ClientWithoutKeepAliveGetsAClosedConnection() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("GET /hello HTTP/1.0\r\nHost: x\r\n\r\n");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello from a\n");
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void connectionCloseFromTheClientIsHonoured() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/hello", "x", "Connection: close"));
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
    }

    // ------------------------------------------------------------------ backpressure

    /** Bytes a stalled side lets through before backpressure stops the other: kernel buffers, not the proxy. */
    private static final long BUFFERED_BOUND = 48L << 20;

    @Test
    void aStalledClientStopsTheUpstreamRead() throws Exception {
        final long total = bigBody();
        final AtomicLong written = new AtomicLong();
        final CompletableFuture<Void> upstream = CompletableFuture.runAsync(() -> {
            try (Socket s = responsePeer.accept()) {
                StalledPeer.readHead(s.getInputStream());
                final OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
                StalledPeer.writeBody(out, total, written);
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (Socket client = new Socket("127.0.0.1", proxy.port("main"))) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET /stalled-response/ HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
            final InputStream in = client.getInputStream();
            StalledPeer.readHead(in);
            // The client reads nothing for a while: the upstream must be stopped by backpressure.
            await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> true);
            assertThat(written.get()).as("bytes the upstream could write while the client was stalled")
                .isLessThan(BUFFERED_BOUND);
            final AtomicLong read = new AtomicLong();
            StalledPeer.readBody(in, total, read);
            assertThat(read.get()).isEqualTo(total);
        }
        upstream.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aStalledUpstreamStopsTheClientUpload() throws Exception {
        final long total = bigBody();
        final CompletableFuture<Void> release = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong();
        final CompletableFuture<Void> upstream = CompletableFuture.runAsync(() -> {
            try (Socket s = uploadPeer.accept()) {
                final InputStream in = s.getInputStream();
                StalledPeer.readHead(in);
                release.get(30, TimeUnit.SECONDS);
                StalledPeer.readBody(in, total, received);
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                    .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        });
        final AtomicLong sent = new AtomicLong();
        try (Socket client = new Socket("127.0.0.1", proxy.port("main"))) {
            client.setSoTimeout(10_000);
            final OutputStream out = client.getOutputStream();
            final CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST /stalled-upload/ HTTP/1.1\r\nHost: x\r\nContent-Length: " + total + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                    StalledPeer.writeBody(out, total, sent);
                } catch (final Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> true);
            assertThat(sent.get()).as("bytes the client could send while the upstream was stalled")
                .isLessThan(BUFFERED_BOUND);
            release.complete(null);
            writer.get(60, TimeUnit.SECONDS);
            final RawResponse r = readResponse(client);
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(received.get()).isEqualTo(total);
        upstream.get(10, TimeUnit.SECONDS);
    }

    private static RawResponse readResponse(final Socket s) throws Exception {
        final InputStream in = s.getInputStream();
        final StringBuilder head = new StringBuilder();
        int state = 0;
        while (state < 4) {
            final int c = in.read();
            head.append((char) c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                ? state + 1 : 0;
        }
        final int status = Integer.parseInt(head.substring(9, 12));
        return new RawResponse("HTTP/1.1", status, "", java.util.List.of(), new byte[0], head.toString(),
            java.util.List.of(), RawResponse.Framing.NONE);
    }

    // ------------------------------------------------------------------ routing

    @Test
    void selectsVirtualHostsByExactWildcardAndDefaultDomain() throws Exception {
        try (RawHttpClient client = client()) {
            assertThat(client.get("/x", "exact.test").header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/x", "EXACT.test:9999").header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/x", "port.test:8080").header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/x", "a.wild.test").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/x", "a.b.wild.test").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/x", "wild.test").header("x-upstream")).isEqualTo("a");
            assertThat(client.get("/only/x", "narrow.test").header("x-upstream")).isEqualTo("c");
        }
    }

    @Test
    void matchesRoutesByPathHeaderAndMethod() throws Exception {
        try (RawHttpClient client = client()) {
            assertThat(client.get("/exact", "x").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/exact?q=1", "x").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/exactly", "x").header("x-upstream")).isEqualTo("a");
            assertThat(client.get("/re/123", "x").header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/re/12a", "x").header("x-upstream")).isEqualTo("a");
            client.send(RawHttpClient.request("GET", "/hdr", "x", "x-route: c"));
            assertThat(client.readResponse().header("x-upstream")).isEqualTo("c");
            client.send(RawHttpClient.request("GET", "/hdr", "x", "x-route: other"));
            assertThat(client.readResponse().header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/hdr", "x").header("x-upstream")).isEqualTo("a");
            client.send("POST /method HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(client.readResponse().header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/method", "x").header("x-upstream")).isEqualTo("a");
        }
    }

    @Test
    void answers404WhenNoRouteMatches() throws Exception {
        try (RawHttpClient client = client()) {
            final long before = stat(HttpStat.NO_ROUTE);
            final RawResponse r = client.get("/elsewhere", "narrow.test");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("x-strait-error")).isEqualTo("no_route");
            assertThat(stat(HttpStat.NO_ROUTE)).isEqualTo(before + 1);
            // The connection stays usable.
            assertThat(client.get("/only", "narrow.test").status()).isEqualTo(200);
        }
    }

    @Test
    void balancesRoundRobinOverTheClusterHosts() throws Exception {
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 40; i++) {
                assertThat(client.get("/api/x", "x").status()).isEqualTo(200);
            }
        }
        // Two event loops each run their own round robin; with one client connection all requests share one.
        assertThat(proxy.upstream("a").requestCount()).isEqualTo(20);
        assertThat(proxy.upstream("b").requestCount()).isEqualTo(20);
    }

    @Test
    void appliesRewritesAndHeaderEdits() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/old/thing?q=1", "orig.test", "x-secret: s"));
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-resp")).isEqualTo("added");
            assertThat(r.header("x-upstream")).isNull();
        }
        final RecordedRequest rec = proxy.upstream("a").takeRequest(WAIT);
        assertThat(rec.uri()).isEqualTo("/new/thing?q=1");
        assertThat(rec.header("host")).isEqualTo("rewritten.test");
        assertThat(rec.header("x-added")).isEqualTo("yes");
        assertThat(rec.header("x-secret")).isNull();
    }

    // ------------------------------------------------------------------ upstream failures and timeouts

    @Test
    void refusedConnectionAnswers502() throws Exception {
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/refused/x", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_connect_failure");
            assertThat(client.get("/hello", "x").status()).isEqualTo(200);
        }
        assertThat(clusterStat("dead", ClusterStat.UPSTREAM_CX_CONNECT_FAIL)).isPositive();
    }

    @Test
    void connectTimeoutAnswers502() throws Exception {
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/blackhole/x", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_connect_timeout");
        }
        assertThat(clusterStat("blackhole", ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT)).isPositive();
    }

    @Test
    void routeTimeoutAnswers504() throws Exception {
        try (RawHttpClient client = client()) {
            final long before = stat(HttpStat.DOWNSTREAM_RQ_TIMEOUT);
            final RawResponse r = client.get("/timeout/stall", "x");
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.header("x-strait-error")).isEqualTo("request_timeout");
            assertThat(stat(HttpStat.DOWNSTREAM_RQ_TIMEOUT)).isEqualTo(before + 1);
            assertThat(client.get("/timeout/fast", "x").status()).isEqualTo(200);
        }
    }

    @Test
    void upstreamClosingBeforeTheResponseAnswers502() throws Exception {
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/close-before-response", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_reset");
        }
    }

    @Test
    void upstreamClosingMidBodyClosesTheClient() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/close-mid-body", "x"));
            final byte[] raw = client.readUntilClose();
            final String text = new String(raw, StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200");
            assertThat(text).contains("content-length: 1000");
            final int bodyStart = text.indexOf("\r\n\r\n") + 4;
            assertThat(raw.length - bodyStart).as("only the bytes the upstream sent, then close").isEqualTo(10);
        }
    }

    @Test
    void malformedUpstreamResponsesBecome502() throws Exception {
        for (final String kind : TestUpstream.MALFORMED_KINDS) {
            if (kind.equals("bad-chunk")) {
                continue;   // broken after a valid head: see malformedBodyAfterAValidHeadClosesTheClient
            }
            try (RawHttpClient client = client()) {
                final RawResponse r;
                try {
                    r = client.get("/malformed/" + kind, "x");
                } catch (final java.io.IOException e) {
                    throw new AssertionError("malformed kind " + kind + ": " + e, e);
                }
                assertThat(r.status()).as(kind).isEqualTo(502);
                assertThat(r.header("x-strait-error")).as(kind).isNotBlank();
            }
        }
    }

    @Test
    void malformedBodyAfterAValidHeadClosesTheClient() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/malformed/bad-chunk", "x"));
            final String text = new String(client.readUntilClose(), StandardCharsets.ISO_8859_1);
            assertThat(text).as("never a complete chunked body").doesNotContain("0\r\n\r\n");
        }
        assertThat(clusterStat("a_only", ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR)).isPositive();
    }

    // ------------------------------------------------------------------ hostile clients and limits

    @Test
    void rejectsContentLengthWithTransferEncoding() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(400);
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
        assertThat(proxy.upstream("a").requestCount()).as("nothing reaches the upstream").isZero();
    }

    @Test
    void rejectsObsFoldAndBareLf() throws Exception {
        for (final String bad : new String[] {
            "GET / HTTP/1.1\r\nHost: x\r\nx-a: 1\r\n  folded\r\n\r\n",
            "GET / HTTP/1.1\nHost: x\n\n",
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n"}) {
            try (RawHttpClient client = client()) {
                client.send(bad);
                assertThat(client.readResponse().status()).as(bad).isEqualTo(400);
                assertThat(client.isClosedByPeer(WAIT)).isTrue();
            }
        }
        assertThat(proxy.upstream("a").requestCount()).isZero();
    }

    @Test
    void enforcesHeadAndBodyLimits() throws Exception {
        try (RawHttpClient client = new RawHttpClient(proxy.port("strict"))) {
            client.send("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(414);
        }
        try (RawHttpClient client = new RawHttpClient(proxy.port("strict"))) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nx-big: " + "b".repeat(2000) + "\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(431);
        }
        try (RawHttpClient client = new RawHttpClient(proxy.port("strict"))) {
            final StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 20; i++) {
                many.append("x-h").append(i).append(": v\r\n");
            }
            client.send(many.append("\r\n").toString());
            assertThat(client.readResponse().status()).isEqualTo(431);
        }
        try (RawHttpClient client = new RawHttpClient(proxy.port("strict"))) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(413);
        }
        try (RawHttpClient client = new RawHttpClient(proxy.port("strict"))) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "z".repeat(1000));
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void closesASlowlorisClientAfterTheHeaderTimeout() throws Exception {
        try (RawHttpClient client = new RawHttpClient(proxy.port("strict"))) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nx-slow: ");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void closesAnIdleConnection() throws Exception {
        try (RawHttpClient client = new RawHttpClient(proxy.port("strict"))) {
            assertThat(client.get("/hello", "x").status()).isEqualTo(200);
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
    }

    static byte[] pattern(final int n) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = TestUpstream.patternByte(i);
        }
        return b;
    }
}
