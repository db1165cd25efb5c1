package io.strait.server;

import io.strait.core.stats.StatsFileReader;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code strait stat} in its own process reads the counters of a Strait running in another: a real {@code strait
 * run} on loopback with an upstream started here, requests sent through it, then the stat command run as a child.
 */
class StatProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int REQUESTS = 5;
    private static final String FILTER = "^(http\\.main\\.downstream_rq_(total|2xx)|cluster\\.up\\.upstream_rq_total)$";

    @TempDir
    Path dir;

    @Test
    void statInAnotherProcessCountsTheRequestsSentThroughARunningStrait() throws Exception {
        final Path stats = dir.resolve("run/stats");
        try (TestUpstream upstream = new TestUpstream("up").start()) {
            final int port = freePort();
            final Path config = Files.writeString(dir.resolve("strait.yaml"), String.join("\n",
                "runtime: { event_loops: 2, drain_timeout: 5s, stats_file: run/stats }",
                "listeners:",
                "  - name: main",
                "    address: 127.0.0.1:" + port,
                "    virtual_hosts:",
                "      - domains: [ \"*\" ]",
                "        routes: [ { match: { prefix: / }, cluster: up } ]",
                "clusters:",
                "  - { name: up, endpoints: [ { address: 127.0.0.1:" + upstream.port() + " } ] }",
                ""), StandardCharsets.UTF_8);
            try (ChildProcess strait = ChildProcess.start(dir.resolve("strait.log"), "run", "-c", config.toString())) {
                assertThat(strait.awaitLine(l -> l.contains("started in"), WAIT)).as("output:\n%s", strait.output())
                    .isNotNull();
                assertThat(strait.awaitLine(l -> l.contains("stats file " + stats), WAIT)).isNotNull();
                try (RawHttpClient client = new RawHttpClient(port)) {
                    for (int i = 0; i < REQUESTS; i++) {
                        final RawResponse r = client.get("/hello", "stat.test");
                        assertThat(r.status()).isEqualTo(200);
                    }
                    // A loop counts a request as it finishes it, which may be just after the client has the response.
                    try (StatsFileReader reader = StatsFileReader.open(stats)) {
                        await().atMost(WAIT)
                            .until(() -> reader.values().get("http.main.downstream_rq_2xx") == REQUESTS);
                    }

                    final Run once = stat("stat.log", "stat", "--file", stats.toString(), "--filter", FILTER);
                    assertThat(once.code).as("%s", once).isZero();
                    assertThat(once.output.lines()).as("%s", once).containsExactly(
                        "cluster.up.upstream_rq_total: " + REQUESTS,
                        "http.main.downstream_rq_2xx: " + REQUESTS,
                        "http.main.downstream_rq_total: " + REQUESTS);

                    try (ChildProcess watch = ChildProcess.start(dir.resolve("watch.log"), "stat", "--watch", "100ms",
                        "--file", stats.toString(), "--filter", "^http\\.main\\.downstream_rq_total$")) {
                        assertThat(watch.awaitLine(l -> l.endsWith("http.main.downstream_rq_total: " + REQUESTS), WAIT))
                            .as("output:\n%s", watch.output()).isNotNull();
                        assertThat(client.get("/hello", "stat.test").status()).isEqualTo(200);
                        assertThat(watch.awaitLine(l -> l.endsWith("http.main.downstream_rq_total: " + (REQUESTS + 1)),
                            WAIT)).as("the watch shows the new request; output:\n%s", watch.output()).isNotNull();
                        assertThat(watch.output()).containsPattern("Strait stats \\S+, pid \\d+ \\(running\\), 2 event "
                            + "loop\\(s\\)");
                    }
                }
                strait.terminate();
                assertThat(strait.awaitExit(WAIT)).as("output:\n%s", strait.output()).isZero();
            }
            // The file outlives the process: its counters stay readable, its writer is gone.
            final Run after = stat("after.log", "stat", "--file", stats.toString(), "--filter",
                "^http\\.main\\.downstream_rq_total$");
            assertThat(after.code).as("%s", after).isZero();
            assertThat(after.output.lines()).containsExactly("http.main.downstream_rq_total: " + (REQUESTS + 1));
        }
    }

    @Test
    void statWithoutAStatsFileFails() throws Exception {
        final Run missing = stat("missing.log", "stat", "--file", dir.resolve("none").toString());
        assertThat(missing.code).as("%s", missing).isEqualTo(1);
        assertThat(missing.output).contains("strait stat: no stats file at " + dir.resolve("none"));
        final Path junk = Files.writeString(dir.resolve("junk"), "not counters at all".repeat(10));
        final Run notStats = stat("junk.log", "stat", "--file", junk.toString());
        assertThat(notStats.code).as("%s", notStats).isEqualTo(1);
        assertThat(notStats.output).contains("strait stat: cannot read " + junk + ": " + junk
            + ": not a Strait stats file");
    }

    /** Runs {@code strait args} as a child process to its end. */
    private Run stat(final String log, final String... args) throws Exception {
        try (ChildProcess p = ChildProcess.start(dir.resolve(log), args)) {
            final Integer code = p.awaitExit(WAIT);
            return new Run(code, p.output());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** What one child process did. */
    private static final class Run {
        final Integer code;
        final String output;

        Run(final Integer code, final String output) {
            this.code = code;
            this.output = output;
        }

        @Override
        public String toString() {
            return "exit " + code + ", output:\n" + output;
        }
    }
}
