package io.strait.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LoadRunTest {

    private static LoadOptions.Builder base(final String url) {
        return LoadOptions.builder().set("url", url).set("connections", "2").set("duration", "1s")
            .set("timeout", "1s");
    }

    @Test
    void closedLoopSendsExactlyWhatTheServerReceives() throws Exception {
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final LoadResult r = new LoadRun(base(server.url()).set("threads", "2").set("connections", "4").build())
                .start().await();
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.get(LoadCounter.STATUS_2XX)).isEqualTo(r.requests());
            assertThat(r.requests() + r.get(LoadCounter.ABANDONED)).isEqualTo(r.get(LoadCounter.SENT));
            await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat((long) server.requests()).isEqualTo(r.get(LoadCounter.SENT)));
            assertThat(r.corrected().getTotalCount()).isEqualTo(r.requests());
            assertThat(r.timeline()).hasSize(1);
        }
    }

    @Test
    void pipelinesRequestsInOrder() throws Exception {
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final LoadResult r = new LoadRun(base(server.url()).set("pipeline", "4").set("duration", "500ms")
                .build()).start().await();
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.requests() + r.get(LoadCounter.ABANDONED)).isEqualTo(r.get(LoadCounter.SENT));
            // Every response answered a request the server saw. With 4 requests in flight per connection, one
            // written as the run ended can be lost with the connection's close, so the server's count lies between
            // the responses and the requests written.
            await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat((long) server.requests()).isGreaterThanOrEqualTo(r.requests()));
            assertThat((long) server.requests()).isLessThanOrEqualTo(r.get(LoadCounter.SENT));
        }
    }

    @Test
    void openLoopSendsRateTimesDuration() throws Exception {
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final LoadResult r = new LoadRun(base(server.url()).set("connections", "4").set("rate", "1000")
                .set("duration", "2s").build()).start().await();
            // 2000 intended: each sent, or counted unsent when the generator fell behind (a busy machine). The
            // count is the schedule's, not the clock's; the rate itself is measured by the benchmarks.
            assertThat(r.get(LoadCounter.SENT) + r.get(LoadCounter.UNSENT)).isEqualTo(2000L);
            assertThat(r.get(LoadCounter.SENT)).isPositive();
            assertThat(r.requests() + r.get(LoadCounter.ABANDONED)).isEqualTo(r.get(LoadCounter.SENT));
            assertThat(r.errors()).isZero();
            assertThat(r.timeline()).hasSize(2);
        }
    }

    @Test
    void countsTheRequestsTheScheduleCouldNotSend() throws Exception {
        // One connection, no pipelining, a server that never answers: the first request holds the connection for
        // the whole run, so the other 999 due ones are never sent. They are counted unsent, not lost.
        try (TestServer server = new TestServer(TestServer.Mode.SILENT)) {
            final LoadResult r = new LoadRun(base(server.url()).set("connections", "1").set("rate", "1000")
                .set("timeout", "10s").build()).start().await();
            assertThat(r.get(LoadCounter.SENT)).isEqualTo(1);
            assertThat(r.get(LoadCounter.ABANDONED)).isEqualTo(1);
            assertThat(r.get(LoadCounter.UNSENT)).isEqualTo(999);
            assertThat(r.errors()).isZero();
        }
    }

    @Test
    void busyPollNeverBlocksAndKeepsTheSchedule() throws Exception {
        // The mechanism: the loops' select strategy is always the non-blocking poll's result, never SELECT (a
        // blocking epoll_wait), with tasks due or not. Whether that holds the rate better is for the benchmarks.
        final io.netty.channel.SelectStrategy busy = LoadRun.BUSY_POLL.newSelectStrategy();
        for (final boolean hasTasks : new boolean[] {false, true}) {
            assertThat(busy.calculateStrategy(() -> 0, hasTasks)).isZero();
            assertThat(busy.calculateStrategy(() -> 3, hasTasks)).isEqualTo(3);
        }
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final LoadResult r = new LoadRun(base(server.url()).set("rate", "1000").set("busy-poll", "true")
                .build()).start().await();
            assertThat(r.get(LoadCounter.SENT) + r.get(LoadCounter.UNSENT)).isEqualTo(1000L);
            assertThat(r.requests()).isPositive();
            assertThat(r.requests() + r.get(LoadCounter.ABANDONED)).isEqualTo(r.get(LoadCounter.SENT));
            assertThat(r.errors()).isZero();
        }
    }

    @Test
    void correctsCoordinatedOmission() throws Exception {
        // One connection at 200 req/s (one request every 5 ms); the 100th response is held 500 ms. The ~100
        // requests due during the stall queue behind it: corrected, each carries its wait; uncorrected, they are
        // sent after it and do not. Only lower bounds on latency here: a busy machine adds to every latency, so
        // an upper bound would test the machine, not the correction.
        try (TestServer server = new TestServer(TestServer.Mode.OK, 100, 500)) {
            final List<Long> intervalCounts = new CopyOnWriteArrayList<>();
            final LoadResult r = new LoadRun(base(server.url()).set("connections", "1").set("rate", "200")
                .set("duration", "3s").set("timeout", "2s").build(),
                (millis, corrected, uncorrected, stats) -> intervalCounts.add(corrected.getTotalCount()))
                .start().await();
            final Histogram c = r.corrected();
            final Histogram u = r.uncorrected();
            assertThat(r.errors()).isZero();
            assertThat(c.getMaxValue()).isGreaterThanOrEqualTo(450_000);
            assertThat(u.getMaxValue()).isGreaterThanOrEqualTo(450_000);
            assertThat(c.getValueAtPercentile(99)).isGreaterThan(300_000);
            assertThat(c.getCountBetweenValues(100_000, 3_600_000_000L)).isGreaterThan(50);
            // Corrected minus uncorrected is each request's wait for its connection: the ~100 due in the stall
            // waited 0-500 ms, ~25 s in all, over the ~600 requests about 40 ms each on average.
            assertThat(c.getMean() - u.getMean()).isGreaterThan(20_000);
            assertThat(intervalCounts.stream().mapToLong(Long::longValue).sum()).isEqualTo(c.getTotalCount());
        }
    }

    @Test
    void countsRefusedConnections() throws Exception {
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        final LoadResult r = new LoadRun(base("http://127.0.0.1:" + port + "/").build()).start().await();
        assertThat(r.requests()).isZero();
        assertThat(r.get(LoadCounter.CONNECT_ERRORS)).isGreaterThan(0);
        assertThat(r.errors()).isEqualTo(r.get(LoadCounter.CONNECT_ERRORS));
    }

    @Test
    void countsConnectionsClosedByTheServer() throws Exception {
        try (TestServer server = new TestServer(TestServer.Mode.CLOSE)) {
            final LoadResult r = new LoadRun(base(server.url()).build()).start().await();
            assertThat(r.requests()).isZero();
            assertThat(r.get(LoadCounter.RESET_ERRORS)).isGreaterThan(0);
        }
    }

    @Test
    void aMalformedResponseCostsItsRequestAndThoseBehindIt() throws Exception {
        // Four requests pipelined at once on one connection; the first answer is not HTTP. That request is a parse
        // error, the three behind it are lost with the channel (resets), and the slot reconnects and does it again.
        try (TestServer server = new TestServer(TestServer.Mode.GARBAGE)) {
            final LoadResult r = new LoadRun(base(server.url()).set("connections", "1").set("pipeline", "4")
                .set("duration", "500ms").build()).start().await();
            assertThat(r.requests()).isZero();
            assertThat(r.get(LoadCounter.PARSE_ERRORS)).isPositive();
            assertThat(r.get(LoadCounter.RESET_ERRORS)).isEqualTo(3 * r.get(LoadCounter.PARSE_ERRORS));
            assertThat(r.get(LoadCounter.PARSE_ERRORS) + r.get(LoadCounter.RESET_ERRORS)
                + r.get(LoadCounter.TIMEOUT_ERRORS) + r.get(LoadCounter.ABANDONED)).isEqualTo(r.get(LoadCounter.SENT));
            assertThat(r.get(LoadCounter.CONNECTION_ERRORS)).isZero();
        }
    }

    @Test
    void countsTimeouts() throws Exception {
        try (TestServer server = new TestServer(TestServer.Mode.SILENT)) {
            final LoadResult r = new LoadRun(base(server.url()).set("timeout", "200ms").build()).start().await();
            assertThat(r.requests()).isZero();
            // At least the first request of each of the 2 connections (200 ms into the 1 s run).
            assertThat(r.get(LoadCounter.TIMEOUT_ERRORS)).isGreaterThanOrEqualTo(2);
            assertThat(r.get(LoadCounter.TIMEOUT_ERRORS) + r.get(LoadCounter.ABANDONED))
                .isEqualTo(r.get(LoadCounter.SENT));
        }
    }

    @Test
    void churnOpensOneConnectionPerRequest() throws Exception {
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final LoadResult r = new LoadRun(base(server.url()).set("new-connection-per-request", "true")
                .set("duration", "500ms").build()).start().await();
            assertThat(r.requests()).isPositive();
            assertThat(r.errors()).isZero();
            assertThat(r.get(LoadCounter.CONNECTIONS_OPENED)).isBetween(r.requests(), r.requests() + 2);
        }
    }

    @Test
    void writesJsonWhoseHistogramDecodesAndAnHgrmFile(@TempDir final Path dir) throws Exception {
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final LoadResult r = new LoadRun(base(server.url()).set("warmup", "300ms").set("rate", "500")
                .set("idle-connections", "10").set("watch-pid", "" + ProcessHandle.current().pid()).build())
                .start().await();
            final Path json = dir.resolve("r.json");
            final Path hgrm = dir.resolve("r.hgrm");
            Report.writeJson(r, json);
            Report.writeHgrm(r.corrected(), hgrm);
            final JsonNode root = new ObjectMapper().readTree(json.toFile());
            assertThat(root.at("/parameters/mode").asText()).isEqualTo("open-loop");
            assertThat(root.at("/totals/requests").asLong()).isEqualTo(r.requests()).isGreaterThan(0);
            assertThat(root.at("/totals/errors/total").asLong()).isZero();
            assertThat(root.at("/latencyCorrected/percentiles/99").isNumber()).isTrue();
            assertThat(root.at("/timeline").size()).isEqualTo(1);
            final Histogram decoded = Report.decode(root.at("/histograms/corrected").asText());
            assertThat(decoded.getTotalCount()).isEqualTo(r.requests());
            assertThat(Report.decode(root.at("/histograms/uncorrected").asText()).getTotalCount())
                .isEqualTo(r.requests());
            assertThat(r.get(LoadCounter.CONNECTIONS_OPENED)).isZero();   // the 12 were opened before the measure
            assertThat(r.get(LoadCounter.IDLE_LOST)).isZero();
            assertThat(Files.readString(hgrm)).contains("Percentile").contains("#[Max");
            final Path kv = dir.resolve("r.kv");
            Report.writeKeyValues(r, kv);
            final java.util.Properties p = new java.util.Properties();
            try (var in = Files.newBufferedReader(kv)) {
                p.load(in);
            }
            assertThat(Long.parseLong(p.getProperty("requests"))).isEqualTo(r.requests());
            assertThat(p.getProperty("errors")).isEqualTo("0");
            assertThat(p.getProperty("mode")).isEqualTo("open-loop");
            // This JVM watched itself: its CPU ticks over the measured part were read from /proc.
            assertThat(Long.parseLong(p.getProperty("watched_ticks"))).isEqualTo(r.watchedTicks()).isNotNegative();
            assertThat(Double.parseDouble(p.getProperty("p99_ms")))
                .isEqualTo(r.corrected().getValueAtPercentile(99) / 1000.0,
                    org.assertj.core.api.Assertions.within(1e-3));
            assertThat(Double.parseDouble(p.getProperty("p999_ms")))
                .isGreaterThanOrEqualTo(Double.parseDouble(p.getProperty("p99_ms")));
        }
    }

    @Test
    void refusesRemoteTargetsAndLoadsScenarios() {
        assertThatThrownBy(() -> new LoadRun(LoadOptions.builder().set("url", "http://192.0.2.1:80/").build()))
            .hasMessageContaining("--allow-remote");
        final LoadOptions.Builder b = LoadOptions.builder();
        Scenario.parse("t.conf", List.of("# comment", "connections = 8", "rate = 100", "header = x-a: 1",
            "body-size = 1m")).applyTo(b);
        final LoadOptions o = b.set("url", "http://127.0.0.1:1/").set("connections", "3").build();
        assertThat(o.connections()).isEqualTo(3);
        assertThat(o.rate()).isEqualTo(100);
        assertThat(o.bodySize()).isEqualTo(1 << 20);
        assertThat(o.headers()).containsExactly("x-a: 1");
        // A scenario's path replaces the url's, whatever host and port the command line names.
        final LoadOptions.Builder withPath = LoadOptions.builder();
        Scenario.parse("p.conf", List.of("path = /64k?x=1", "compare-rate = 5000")).applyTo(withPath);
        assertThat(withPath.set("url", "http://127.0.0.1:9/ignored").build().url().toString())
            .isEqualTo("http://127.0.0.1:9/64k?x=1");
        assertThatThrownBy(() -> LoadOptions.builder().set("path", "64k")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> LoadOptions.builder().set("compare-rate", "fast"))
            .hasMessageContaining("compare-rate");
        assertThatThrownBy(() -> Scenario.parse("t.conf", List.of("conections = 8")))
            .hasMessageContaining("t.conf:1");
        assertThatThrownBy(() -> Scenario.parse("tls.conf", List.of("requires = tls")).applyTo(LoadOptions.builder()))
            .hasMessageContaining("tls");
    }
}
