package io.strait.core.upstream;

import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.H2TestUpstream;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTP/1.1 clients through Strait to real HTTP/2 (h2c, prior knowledge) upstreams started here
 * ({@link H2TestUpstream}), over loopback sockets: translation both ways, multiplexing onto few connections, the
 * stream limits of both sides, per-stream flow control, GOAWAY drain, stream resets and a dead upstream. One event
 * loop, so the connection counts are the pools' own.
 */
class Http2UpstreamIntegrationTest {

    private static final H2TestUpstream MAIN = start(100);
    private static final H2TestUpstream BURST = start(100);
    private static final H2TestUpstream CAPPED = start(100);
    private static final H2TestUpstream SMALL = start(2);
    private static final H2TestUpstream DRAIN = start(100);
    private static final H2TestUpstream DOOMED = start(100);
    private static final H2TestUpstream REFUSER = start(100);
    private static final H2TestUpstream COLD = start(2);

    @RegisterExtension
    static final ProxyExtension PROXY = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /retry/ }, cluster: main, prefix_rewrite: /,
                      retry: { on: [ reset ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /burst/ }, cluster: burst, prefix_rewrite: / }
                  - { match: { prefix: /capped/ }, cluster: capped, prefix_rewrite: / }
                  - { match: { prefix: /small/ }, cluster: small, prefix_rewrite: / }
                  - { match: { prefix: /drain/ }, cluster: drain, prefix_rewrite: / }
                  - { match: { prefix: /doomed/ }, cluster: doomed, prefix_rewrite: / }
                  - { match: { prefix: /dead/ }, cluster: dead, prefix_rewrite: / }
                  - { match: { prefix: /refuser/ }, cluster: refuser, prefix_rewrite: / }
                  - { match: { prefix: /cold/ }, cluster: cold, prefix_rewrite: / }
                  - { match: { prefix: / }, cluster: main }
        clusters:
          - { name: main, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
          - { name: burst, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
          - name: capped
            protocol: http2
            http2: { max_concurrent_streams: 2 }
            endpoints: [ { address: 127.0.0.1:%d } ]
          - { name: small, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
          - { name: drain, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
          - { name: doomed, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
          - { name: dead, protocol: http2, endpoints: [ { address: 127.0.0.1:${port:dead} } ] }
          - { name: refuser, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
          - { name: cold, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
        """.formatted(MAIN.port(), BURST.port(), CAPPED.port(), SMALL.port(), DRAIN.port(), DOOMED.port(),
            REFUSER.port(), COLD.port()));

    private static H2TestUpstream start(final long maxStreams) {
        try {
            return new H2TestUpstream(maxStreams);
        } catch (final InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void closeUpstreams() {
        for (final H2TestUpstream u : List.of(MAIN, BURST, CAPPED, SMALL, DRAIN, DOOMED, REFUSER, COLD)) {
            u.close();
        }
    }

    private static RawHttpClient client() throws IOException {
        return new RawHttpClient(PROXY.port("main"), Duration.ofSeconds(10));
    }

    @Test
    void getIsTranslatedToHttp2AndBack() throws IOException {
        try (RawHttpClient c = client()) {
            final RawResponse r = c.get("/hello", "example.test");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello h2");
            assertThat(r.header("content-length")).isEqualTo("8");
            // keep-alive downstream: a second request on the same client connection goes on the same h2 connection
            assertThat(c.get("/hello", "example.test").status()).isEqualTo(200);
        }
        assertThat(PROXY.stat("main", ClusterStat.UPSTREAM_CX_HTTP2_TOTAL)).isPositive();
    }

    @Test
    void requestHeadersBecomePseudoHeadersWithoutHopByHopFields() throws IOException {
        try (RawHttpClient c = client()) {
            c.send("POST /echo?x=1 HTTP/1.1\r\nHost: example.test:8080\r\nConnection: keep-alive, X-Hop\r\n"
                + "Keep-Alive: timeout=5\r\nX-Hop: 1\r\nTE: trailers\r\nX-Custom: Value\r\n"
                + "Content-Length: 3\r\n\r\nabc");
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("abc");
            assertThat(r.header("x-seen-pseudo-method")).isEqualTo("POST");
            assertThat(r.header("x-seen-pseudo-scheme")).isEqualTo("http");
            assertThat(r.header("x-seen-pseudo-authority")).isEqualTo("example.test:8080");
            assertThat(r.header("x-seen-pseudo-path")).isEqualTo("/echo?x=1");
            assertThat(r.header("x-seen-x-custom")).isEqualTo("Value");
            assertThat(r.header("x-seen-te")).isEqualTo("trailers");
            assertThat(r.header("x-seen-content-length")).isEqualTo("3");
            for (final String hop : List.of("host", "connection", "keep-alive", "x-hop", "transfer-encoding")) {
                assertThat(r.header("x-seen-" + hop)).as(hop).isNull();
            }
        }
    }

    @Test
    void chunkedRequestBodyBecomesDataFramesAndResponseStreamsBack() throws IOException {
        try (RawHttpClient c = client()) {
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            // the upstream's response has no length: chunked downstream, its HTTP/2 trailers as chunked trailers
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(r.bodyAsString()).isEqualTo("hello world");
            assertThat(r.trailers()).extracting(f -> f.name().toLowerCase(java.util.Locale.ROOT) + ": " + f.value())
                .containsExactly("grpc-status: 0");
            assertThat(r.header("x-seen-transfer-encoding")).isNull();
        }
    }

    @Test
    void trailersCrossBothWays() throws IOException {
        try (RawHttpClient c = client()) {
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTE: trailers\r\n\r\n"
                + "3\r\nabc\r\n0\r\nx-checksum: 900150983cd24fb0\r\n\r\n");
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("abc");
            // the request's chunked trailers went up as a trailing HEADERS frame; the response's came back chunked
            assertThat(r.trailers()).extracting(f -> f.name().toLowerCase(java.util.Locale.ROOT) + ": " + f.value())
                .containsExactly("grpc-status: 0", "x-trailer-x-checksum: 900150983cd24fb0");
        }
    }

    @Test
    void largeBodiesStreamBothWays() throws Exception {
        final byte[] body = new byte[8 * 1024 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        try (Socket s = new Socket("127.0.0.1", PROXY.port("main"))) {
            s.setSoTimeout(20_000);
            final ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                final OutputStream out = s.getOutputStream();
                final Future<?> sent = writer.submit(() -> {
                    try {
                        out.write(("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: " + body.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                        for (int off = 0; off < body.length; off += 65536) {
                            out.write(body, off, Math.min(65536, body.length - off));
                        }
                        out.flush();
                    } catch (final IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                final byte[] echoed = readChunkedBody(s.getInputStream());
                sent.get(20, TimeUnit.SECONDS);
                assertThat(echoed.length).isEqualTo(body.length);
                assertThat(Arrays.equals(echoed, body)).isTrue();
            } finally {
                writer.shutdownNow();
            }
        }
    }

    @Test
    void aPausedStreamDoesNotStallTheSharedConnection() throws IOException {
        final long size = 64L * 1024 * 1024;
        try (RawHttpClient slow = client(); RawHttpClient other = client()) {
            // The slow client asks for 64 MiB and reads nothing: its stream's window fills and it is paused.
            slow.send(RawHttpClient.request("GET", "/big/" + size, "a"));
            // Another request on the same cluster (one loop: the same HTTP/2 connection) is still answered.
            for (int i = 0; i < 5; i++) {
                assertThat(other.get("/hello", "a").status()).isEqualTo(200);
            }
            final RawResponse head = slow.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Long.toString(size));
            long read = 0;
            while (read < size) {
                read += slow.readBytes(Math.min(1 << 20, size - read)).length;
            }
            assertThat(read).isEqualTo(size);
        }
        assertThat(MAIN.connections()).isEqualTo(1);
    }

    @Test
    void concurrentRequestsShareAFewConnections() throws Exception {
        final List<Integer> statuses = load("/burst/slow/20", 200, 50);
        assertThat(statuses).hasSize(200).containsOnly(200);
        assertThat(BURST.streams()).isEqualTo(200);
        assertThat(BURST.connections()).isLessThanOrEqualTo(2);
        assertThat(PROXY.stat("burst", ClusterStat.UPSTREAM_RQ_TOTAL)).isEqualTo(200);
        assertThat(PROXY.stat("burst", ClusterStat.UPSTREAM_CX_TOTAL)).isEqualTo(BURST.connections());
    }

    @Test
    void theClustersStreamCapOpensMoreConnections() throws Exception {
        final List<Integer> statuses = load("/capped/slow/300", 6, 6);
        assertThat(statuses).containsOnly(200);
        assertThat(CAPPED.maxConcurrentStreams()).isLessThanOrEqualTo(2);
        assertThat(CAPPED.connections()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void theUpstreamsSettingsLimitStreamsPerConnection() throws Exception {
        // One request first, so the connection has the upstream's SETTINGS (2 streams) before the burst.
        assertThat(load("/small/hello", 1, 1)).containsOnly(200);
        final List<Integer> statuses = load("/small/slow/300", 6, 6);
        assertThat(statuses).containsOnly(200);
        assertThat(SMALL.maxConcurrentStreams()).isLessThanOrEqualTo(2);
        assertThat(SMALL.connections()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aBurstOntoANewConnectionRespectsTheUpstreamsSettings() throws Exception {
        // Twelve tries wait on the first connection while it connects; its SETTINGS then allow 2 streams: the others
        // look again (a connection each for a few), none is sent beyond the upstream's limit, none fails.
        final List<Integer> statuses = load("/cold/slow/300", 12, 12);
        assertThat(statuses).hasSize(12).containsOnly(200);
        assertThat(COLD.maxConcurrentStreams()).isLessThanOrEqualTo(2);
        assertThat(COLD.streams()).isEqualTo(12);
        assertThat(COLD.connections()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void goAwayMidLoadLosesNoRequest() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            final Future<List<Integer>> first = pool.submit(() -> load("/drain/slow/5", 300, 20));
            await().atMost(Duration.ofSeconds(30)).until(() -> DRAIN.streams() >= 100);
            DRAIN.goAwayAll();
            final List<Integer> statuses = first.get(60, TimeUnit.SECONDS);
            assertThat(statuses).hasSize(300).containsOnly(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(DRAIN.connections()).isGreaterThanOrEqualTo(2);
        assertThat(PROXY.stat("drain", ClusterStat.UPSTREAM_CX_CLOSE_NOTIFY)).isPositive();
    }

    @Test
    void streamsAboveAGoAwaysLastStreamIdAreSentAgainOnANewConnection() throws Exception {
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            final Future<List<Integer>> slow = pool.submit(() -> load("/refuser/slow/1000", 5, 5));
            await().atMost(Duration.ofSeconds(30)).until(() -> REFUSER.streams() >= 5);
            // Only the first of the five streams counts as processed: the other four must be sent again.
            final int first = REFUSER.streamIds().stream().mapToInt(Integer::intValue).min().orElseThrow();
            REFUSER.goAwayBelow(first);
            assertThat(slow.get(30, TimeUnit.SECONDS)).containsOnly(200).hasSize(5);
        } finally {
            pool.shutdownNow();
        }
        assertThat(REFUSER.connections()).isEqualTo(2);
        assertThat(REFUSER.streams()).isEqualTo(9);
        assertThat(PROXY.stat("refuser", ClusterStat.HTTP2_STREAM_REFUSED_ERRORS)).isEqualTo(4);
        assertThat(PROXY.stat("refuser", ClusterStat.UPSTREAM_CX_CLOSE_NOTIFY)).isEqualTo(1);
    }

    @Test
    void aResetStreamIsA502() throws IOException {
        try (RawHttpClient c = client()) {
            final RawResponse r = c.get("/reset", "a");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_reset");
            // the connection lives on: the next request on it is answered
            assertThat(c.get("/hello", "a").status()).isEqualTo(200);
        }
        assertThat(PROXY.stat("main", ClusterStat.HTTP2_RX_RESET)).isPositive();
        assertThat(PROXY.stat("main", ClusterStat.UPSTREAM_RQ_RX_RESET)).isPositive();
    }

    @Test
    void aResetStreamIsRetriedUnderARetryPolicy() throws IOException {
        final int before = MAIN.resets();
        try (RawHttpClient c = client()) {
            final RawResponse r = c.get("/retry/reset", "a");
            assertThat(r.status()).isEqualTo(502);   // it resets every time: first try and the retry
        }
        assertThat(MAIN.resets() - before).isGreaterThanOrEqualTo(2);
        assertThat(PROXY.stat("main", ClusterStat.UPSTREAM_RQ_RETRY)).isPositive();
    }

    @Test
    void aRefusedStreamIsSentAgainWhateverTheMethod() throws IOException {
        try (RawHttpClient c = client()) {
            assertThat(c.get("/refuse-once/get", "a").status()).isEqualTo(200);
            // a POST with a body: resent too, its body kept by the route's retry policy
            c.send("POST /retry/refuse-once/post HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc");
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello h2");
        }
        assertThat(PROXY.stat("main", ClusterStat.HTTP2_STREAM_REFUSED_ERRORS)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aDeadUpstreamIsA502AndCounted() throws IOException {
        try (RawHttpClient c = client()) {
            final RawResponse r = c.get("/dead/x", "a");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_connect_failure");
        }
        assertThat(PROXY.stat("dead", ClusterStat.UPSTREAM_CX_CONNECT_FAIL)).isPositive();
    }

    @Test
    void anUpstreamKilledMidRequestIsA502AndCounted() throws IOException {
        try (RawHttpClient c = client()) {
            assertThat(c.get("/doomed/hello", "a").status()).isEqualTo(200);
            c.send(RawHttpClient.request("GET", "/doomed/slow/5000", "a"));
            await().atMost(Duration.ofSeconds(30)).until(() -> DOOMED.streams() >= 2);
            DOOMED.close();   // the server goes: its connections close, new connects are refused
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(502);
        }
        assertThat(PROXY.stat("doomed", ClusterStat.UPSTREAM_CX_DESTROY_REMOTE_WITH_ACTIVE_RQ)
            + PROXY.stat("doomed", ClusterStat.UPSTREAM_CX_CONNECT_FAIL)).isPositive();
    }

    // ------------------------------------------------------------------ helpers

    /** {@code total} GETs of {@code path}, at most {@code concurrency} at once, over HTTP/1.1; their statuses. */
    private static List<Integer> load(final String path, final int total, final int concurrency) throws Exception {
        final ExecutorService exec = Executors.newFixedThreadPool(4);
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(exec)
            .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            final URI uri = URI.create("http://127.0.0.1:" + PROXY.port("main") + path);
            final Semaphore slots = new Semaphore(concurrency);
            final List<CompletableFuture<Integer>> all = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                slots.acquire();
                final HttpRequest rq = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build();
                all.add(http.sendAsync(rq, HttpResponse.BodyHandlers.ofString())
                    .handle((r, e) -> e == null ? r.statusCode() : -1)
                    .whenComplete((r, e) -> slots.release()));
            }
            final List<Integer> statuses = new ArrayList<>();
            for (final CompletableFuture<Integer> f : all) {
                statuses.add(f.get(30, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            exec.shutdownNow();
        }
    }

    /** Reads one response head (discarded) and its chunked body. */
    private static byte[] readChunkedBody(final InputStream in) throws IOException {
        String line;
        while (!(line = readLine(in)).isEmpty()) {
            assertThat(line).doesNotStartWith("HTTP/1.1 5");
        }
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            final int n = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
            if (n == 0) {
                while (!readLine(in).isEmpty()) {
                    continue;   // trailers, if any
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(n));
            readLine(in);
        }
    }

    private static String readLine(final InputStream in) throws IOException {
        final StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("closed");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }
}
