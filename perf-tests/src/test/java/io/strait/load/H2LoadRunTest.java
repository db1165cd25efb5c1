package io.strait.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * strait-load with {@code protocol = h2} against {@link Http2TestServer} on 127.0.0.1. Leak detection runs at
 * {@code SIMPLE} here (sampled, still reports leaks): at the build's {@code paranoid} level every buffer the two
 * HTTP/2 codecs in this JVM allocate records a stack trace, and the rates these tests need are out of reach on a
 * small machine.
 */
class H2LoadRunTest {

    private static ResourceLeakDetector.Level level;

    @BeforeAll
    static void sampledLeakDetection() {
        level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    }

    @AfterAll
    static void restoreLeakDetection() {
        ResourceLeakDetector.setLevel(level);
    }

    private static LoadOptions.Builder h2(final Http2TestServer server, final int connections, final int streams) {
        return LoadOptions.builder().set("url", server.url()).set("protocol", "h2")
            .set("connections", "" + connections).set("streams", "" + streams).set("duration", "1s")
            .set("timeout", "2s");
    }

    /**
     * Every stream written is counted exactly once: a response, a reset, a timeout, a parse error, or still open at
     * the end (abandoned); connection-level errors are counted apart and cost no stream.
     */
    private static void accountsForEveryStream(final LoadResult r) {
        accountsForEveryStream(r.counters());
    }

    /** The same over counters summed by the caller (a run with a warm-up: over all its intervals). */
    static void accountsForEveryStream(final long[] c) {
        assertThat(LoadCounter.responses(c) + c[LoadCounter.RESET_ERRORS.ordinal()]
            + c[LoadCounter.TIMEOUT_ERRORS.ordinal()] + c[LoadCounter.PARSE_ERRORS.ordinal()]
            + c[LoadCounter.ABANDONED.ordinal()]).isEqualTo(c[LoadCounter.SENT.ordinal()]);
    }

    @Test
    void closedLoopKeepsStreamsInFlightPerConnection() throws Exception {
        final Http2TestServer.Config cfg = new Http2TestServer.Config();
        cfg.delayMillis = 2;   // so the server sees the streams open at once
        try (Http2TestServer server = new Http2TestServer(cfg)) {
            final LoadResult r = new LoadRun(h2(server, 2, 8).build()).start().await();
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.get(LoadCounter.STATUS_2XX)).isEqualTo(r.requests());
            accountsForEveryStream(r);
            assertThat(server.connections()).isEqualTo(2);
            assertThat(server.maxConcurrentPerConnection()).isEqualTo(8);
            assertThat(server.maxConcurrentTotal()).isBetween(9, 16);
            assertThat(r.corrected().getTotalCount()).isEqualTo(r.requests());
            // 16 in flight, each answered after >= 2 ms: never faster than 16 per 2 ms.
            assertThat(r.requestsPerSecond()).isLessThanOrEqualTo(8_000 * 1.05);
            // Every stream not abandoned was answered, so it reached the server; an abandoned one (open as the run
            // ended, at most the 16 in flight) may be cut by the close before the server reads its HEADERS.
            assertThat(r.get(LoadCounter.ABANDONED)).isBetween(0L, 16L);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat((long) server.requests()).isBetween(
                    r.get(LoadCounter.SENT) - r.get(LoadCounter.ABANDONED), r.get(LoadCounter.SENT)));
        }
    }

    @Test
    void respectsTheServersMaxConcurrentStreams() throws Exception {
        final Http2TestServer.Config cfg = new Http2TestServer.Config();
        cfg.delayMillis = 2;
        cfg.maxConcurrentStreams = 3;
        try (Http2TestServer server = new Http2TestServer(cfg)) {
            final LoadResult r = new LoadRun(h2(server, 1, 8).set("duration", "500ms").build()).start().await();
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(server.maxConcurrentPerConnection()).isEqualTo(3);
        }
    }

    @Test
    void openLoopSendsRateTimesDuration() throws Exception {
        try (Http2TestServer server = new Http2TestServer(new Http2TestServer.Config())) {
            // Requests due in the warm-up but sent after it count in the measured part, so the schedule is checked
            // over the whole run: 3000 intended over the 3 s, each sent or, if the generator fell behind (a busy
            // machine), counted unsent. No wall-clock luck: the count is the schedule's.
            final long[] all = new long[LoadCounter.values().length];
            final LoadResult r = new LoadRun(h2(server, 2, 8).set("rate", "1000").set("duration", "2s")
                .set("warmup", "1s").build(), (millis, corrected, uncorrected, stats) -> {
                    for (int i = 0; i < all.length; i++) {
                        all[i] += stats.counters()[i];
                    }
                }).start().await();
            final long sent = all[LoadCounter.SENT.ordinal()];
            assertThat(sent + all[LoadCounter.UNSENT.ordinal()]).isEqualTo(3000L);
            assertThat(sent).isPositive();
            assertThat(LoadCounter.errors(all)).isZero();
            accountsForEveryStream(all);
            assertThat(r.timeline()).hasSize(2);
        }
    }

    @Test
    void correctsCoordinatedOmission() throws Exception {
        // One connection, 4 streams, 200 req/s; the 100th request stalls the server for 1 s. The 4 streams in
        // flight then wait ~1 s (uncorrected too); the ~200 requests due during the stall find no free stream and
        // wait in the generator: corrected, each carries its wait; uncorrected, they do not. Only lower bounds on
        // latency: a busy machine adds to every latency.
        final Http2TestServer.Config cfg = new Http2TestServer.Config();
        cfg.stallAt = 100;
        cfg.stallMillis = 1000;
        try (Http2TestServer server = new Http2TestServer(cfg)) {
            final LoadResult r = new LoadRun(h2(server, 1, 4).set("rate", "200").set("duration", "3s")
                .set("timeout", "3s").build()).start().await();
            final Histogram c = r.corrected();
            final Histogram u = r.uncorrected();
            assertThat(r.errors()).isZero();
            assertThat(r.get(LoadCounter.SENT) + r.get(LoadCounter.UNSENT)).isEqualTo(600);
            assertThat(c.getValueAtPercentile(99.9)).isGreaterThanOrEqualTo(900_000);
            assertThat(c.getValueAtPercentile(99)).isGreaterThan(500_000);
            assertThat(c.getCountBetweenValues(100_000, 3_600_000_000L)).isGreaterThan(100);
            // The streams in flight when the stall began waited on the server (uncorrected too)...
            assertThat(u.getCountBetweenValues(900_000, 3_600_000_000L)).isPositive();
            // ... and the ~200 due during it waited for a stream, 0-1 s each: ~100 s over ~600, which only the
            // corrected latencies carry.
            assertThat(c.getMean() - u.getMean()).isGreaterThan(50_000);
        }
    }

    @Test
    void countsResetStreamsAndKeepsTheConnection() throws Exception {
        final Http2TestServer.Config cfg = new Http2TestServer.Config();
        cfg.resetEvery = 3;   // a reset among the first requests, however slow the machine
        try (Http2TestServer server = new Http2TestServer(cfg)) {
            final LoadResult r = new LoadRun(h2(server, 1, 4).set("duration", "500ms").build()).start().await();
            assertThat(r.requests()).isPositive();
            accountsForEveryStream(r);
            // A reset written as the run ended may not have been read: it is abandoned then, not counted.
            assertThat(r.get(LoadCounter.RESET_ERRORS)).isPositive()
                .isBetween(server.resets() - r.get(LoadCounter.ABANDONED), (long) server.resets());
            assertThat(r.errors()).isEqualTo(r.get(LoadCounter.RESET_ERRORS));
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void errorGoAwayCountsEachStreamOnce() throws Exception {
        // After 20 RST_STREAMs the server's codec sends GOAWAY ENHANCE_YOUR_CALM with the highest stream id (it
        // drops none) and closes the connection on the streams still open: those are lost (resets), the GOAWAY is
        // one connection error. Counting the GOAWAY as a reset too made the generator count more streams than
        // it sent.
        final Http2TestServer.Config cfg = new Http2TestServer.Config();
        cfg.resetEvery = 10;
        cfg.maxResetsSent = 20;
        cfg.delayMillis = 1;   // so that streams are open when the server closes
        try (Http2TestServer server = new Http2TestServer(cfg)) {
            final LoadResult r = new LoadRun(h2(server, 1, 4).set("duration", "1s").build()).start().await();
            assertThat(server.connections()).isGreaterThan(1);
            accountsForEveryStream(r);
            // Each connection the server closed sent one error GOAWAY first (the last one may still be open at the
            // end, or its GOAWAY unread).
            assertThat(r.get(LoadCounter.CONNECTION_ERRORS)).isPositive()
                .isBetween(server.connections() - 2L, (long) server.connections());
            assertThat(r.errors()).isEqualTo(r.get(LoadCounter.RESET_ERRORS) + r.get(LoadCounter.CONNECTION_ERRORS)
                + r.get(LoadCounter.CONNECT_ERRORS));
        }
    }

    @Test
    void goAwayCountsTheLostStreamsAndReconnects() throws Exception {
        final Http2TestServer.Config cfg = new Http2TestServer.Config();
        cfg.goAwayAfter = 20;
        try (Http2TestServer server = new Http2TestServer(cfg)) {
            final LoadResult r = new LoadRun(h2(server, 2, 4).set("duration", "1s").build()).start().await();
            assertThat(server.goAways()).isGreaterThanOrEqualTo(2);
            assertThat(server.connections()).isGreaterThanOrEqualTo(4);
            // Every GOAWAY'd connection is reopened (the 2 first ones were opened before the measured part; the last
            // ones may still be reconnecting when the run ends).
            assertThat(r.get(LoadCounter.CONNECTIONS_OPENED)).isGreaterThanOrEqualTo(server.goAways() - 2L);
            assertThat(r.requests()).isPositive();
            assertThat(r.get(LoadCounter.RESET_ERRORS)).isGreaterThan(0);
            assertThat(r.errors()).isEqualTo(r.get(LoadCounter.RESET_ERRORS));
            accountsForEveryStream(r);
        }
    }

    @Test
    void timesOutSilentStreamsAndGoesOn() throws Exception {
        // Every 5th request is held 1 s, past the 200 ms timeout: those streams are cancelled and counted, the
        // connection keeps serving the others.
        final Http2TestServer.Config cfg = new Http2TestServer.Config();
        cfg.holdEvery = 5;
        cfg.holdMillis = 1000;
        try (Http2TestServer server = new Http2TestServer(cfg)) {
            final LoadResult r = new LoadRun(h2(server, 1, 4).set("timeout", "200ms").build()).start().await();
            assertThat(r.get(LoadCounter.TIMEOUT_ERRORS)).isPositive();
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isEqualTo(r.get(LoadCounter.TIMEOUT_ERRORS));
            assertThat(server.connections()).isEqualTo(1);
            accountsForEveryStream(r);
        }
    }

    @Test
    void largeResponsesKeepFlowing() throws Exception {
        // 256 KiB per response: without WINDOW_UPDATEs the 16 MiB connection window would stop one connection
        // after 64 responses.
        final Http2TestServer.Config cfg = new Http2TestServer.Config();
        cfg.bodySize = 256 * 1024;
        cfg.maxConcurrentStreams = 4;
        try (Http2TestServer server = new Http2TestServer(cfg)) {
            final LoadResult r = new LoadRun(h2(server, 1, 4).set("warmup", "1s").build()).start().await();
            assertThat(r.errors()).isZero();
            assertThat(r.requests() + r.get(LoadCounter.ABANDONED)).isGreaterThan(64);
            // (A response begun in the warm-up has part of its bytes counted there.)
            assertThat(r.get(LoadCounter.BYTES_READ)).isGreaterThanOrEqualTo((r.requests() - 4) * 256 * 1024);
        }
    }

    @Test
    void sendsRequestBodiesAsData() throws Exception {
        try (Http2TestServer server = new Http2TestServer(new Http2TestServer.Config())) {
            final LoadResult r = new LoadRun(h2(server, 1, 2).set("method", "POST").set("body-size", "100k")
                .set("duration", "500ms").build()).start().await();
            assertThat(r.errors()).isZero();
            assertThat(r.requests()).isPositive();
            accountsForEveryStream(r);
            // A request whose body was still being written when the run ended is abandoned and never completes.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(
                () -> assertThat((long) server.requests()).isGreaterThanOrEqualTo(r.requests()));
            assertThat((long) server.requests()).isLessThanOrEqualTo(r.get(LoadCounter.SENT));
            assertThat(server.requestBodyBytes()).isBetween(server.requests() * 100L * 1024,
                r.get(LoadCounter.SENT) * 100L * 1024);
        }
    }

    @Test
    void rejectsHttp1OnlyOptionsAndReportsProtocol(@TempDir final Path dir) throws Exception {
        final String url = "http://127.0.0.1:1/";
        assertThatThrownBy(() -> LoadOptions.builder().set("url", url).set("protocol", "h2").set("pipeline", "2")
            .build()).hasMessageContaining("pipeline").hasMessageContaining("h2");
        assertThatThrownBy(() -> LoadOptions.builder().set("url", url).set("protocol", "h2")
            .set("new-connection-per-request", "true").build()).hasMessageContaining("new-connection-per-request");
        assertThatThrownBy(() -> LoadOptions.builder().set("url", url).set("streams", "4").build())
            .hasMessageContaining("streams").hasMessageContaining("h2");
        assertThatThrownBy(() -> LoadOptions.builder().set("url", url).set("protocol", "h3").build())
            .hasMessageContaining("protocol must be h1 or h2");
        assertThatThrownBy(() -> LoadOptions.builder().set("url", url).set("protocol", "h2").set("streams", "0")
            .build()).hasMessageContaining("streams");
        final LoadOptions flags = Main.parseRunOptions(List.of("--url", url, "--protocol", "H2", "--streams", "16"));
        assertThat(flags.h2()).isTrue();
        assertThat(flags.streams()).isEqualTo(16);
        final LoadOptions.Builder b = LoadOptions.builder();
        Scenario.parse("h2.conf", List.of("protocol = h2", "streams = 8")).applyTo(b);
        assertThat(b.set("url", url).build().describe()).containsEntry("protocol", "h2").containsEntry("streams", 8);
        assertThat(LoadOptions.builder().set("url", url).build().protocol()).isEqualTo("h1");

        try (Http2TestServer server = new Http2TestServer(new Http2TestServer.Config())) {
            final LoadResult r = new LoadRun(h2(server, 1, 2).set("duration", "300ms").build()).start().await();
            final Path json = dir.resolve("r.json");
            Report.writeJson(r, json);
            final JsonNode root = new ObjectMapper().readTree(json.toFile());
            assertThat(root.at("/parameters/protocol").asText()).isEqualTo("h2");
            assertThat(root.at("/parameters/streams").asInt()).isEqualTo(2);
            final Path kv = dir.resolve("r.kv");
            Report.writeKeyValues(r, kv);
            assertThat(Files.readString(kv)).contains("protocol=h2").contains("streams=2");
            final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            Report.summary(r, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("HTTP/2")
                .contains("2 streams per connection");
        }
    }
}
