package io.strait.server;

import io.strait.core.stats.StatsFileReader;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Binary restart across processes: {@code strait run --takeover} replaces a running Strait (a child JVM) while a load
 * client sends requests, twice in a row, with no refused connection and no failed request; and the ways a takeover
 * fails, each leaving the running process serving.
 */
class TakeoverIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String BODY = "hello from up\n";

    @TempDir
    Path dir;

    private TestUpstream upstream;
    private int port;
    private Path socket;

    @BeforeEach
    void start() throws IOException {
        upstream = new TestUpstream("up").start();
        port = freePort();
        socket = dir.resolve("hr.sock");
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void aNewProcessTakesOverUnderLoadTwiceWithoutAFailedRequest() throws Exception {
        final Path twoLoops = config("two.yaml", 2, "epoll", "hot_restart_socket: " + socket);
        final Path threeLoops = config("three.yaml", 3, "epoll", "hot_restart_socket: " + socket);
        final Path noKey = config("nokey.yaml", 2, "epoll", null);
        try (ChildProcess first = started("first.log", "run", "-c", twoLoops.toString());
             LoadClient load = new LoadClient(port, BODY).start(2, 200_000, 60_000)) {
            awaitMore(load::ok, 200);

            // More loops than received sockets: the third binds into the same SO_REUSEPORT group.
            try (ChildProcess second = started("second.log", "run", "-c", threeLoops.toString(), "--takeover")) {
                assertThat(first.awaitExit(WAIT)).as("first exits 0 once drained; output:\n%s", first.output())
                    .isEqualTo(0);
                assertThat(first.output()).contains("taken over by pid").contains("stopped")
                    .doesNotContain("drain timeout").doesNotContain("LEAK:");
                assertThat(second.output()).contains("takeover: received 2 listening socket(s) from pid")
                    .contains("stopped accepting and drains");
                awaitMore(load::ok, 200);

                // Replaced in turn: the socket path from the command line, the config has no key for it.
                try (ChildProcess third = started("third.log", "run", "-c", noKey.toString(), "--takeover",
                    "--hot-restart-socket", socket.toString())) {
                    assertThat(second.awaitExit(WAIT)).as("second exits 0; output:\n%s", second.output())
                        .isEqualTo(0);
                    assertThat(third.output()).contains("takeover: received 3 listening socket(s) from pid");
                    awaitMore(load::ok, 200);
                    load.close();
                    System.out.println("takeover under load: " + load);

                    assertThat(load.refused()).as("refused connects: %s", load).isZero();
                    assertThat(load.failedNew()).as("failed requests on new connections: %s", load).isZero();
                    assertThat(load.failedReused()).as("failed requests on reused connections: %s", load).isZero();
                    assertThat(load.ok()).as("%s", load).isGreaterThanOrEqualTo(600);

                    try (RawHttpClient c = new RawHttpClient(port, WAIT)) {
                        final RawResponse r = c.get("/after", "takeover.test");
                        assertThat(r.status()).as("the third process serves").isEqualTo(200);
                        assertThat(r.bodyAsString()).isEqualTo(BODY);
                    }

                    // Counters carry on across both restarts: once the second is gone, the third's stats file counts
                    // every request the three processes served.
                    assertThat(third.awaitLine(l -> l.contains("counters of replaced pid") && l.contains("carried on"),
                        WAIT)).as("output:\n%s", third.output()).isNotNull();
                    final String line = third.awaitLine(l -> l.contains("stats file "), WAIT);
                    final Path stats = Path.of(line.replaceAll(".*stats file (\\S+) .*", "$1"));
                    try (StatsFileReader reader = StatsFileReader.open(stats)) {
                        assertThat(reader.values().get("http.main.downstream_rq_total"))
                            .as("every request of the three processes").isEqualTo(load.ok() + 1);
                    }
                    third.terminate();
                    assertThat(third.awaitExit(WAIT)).as("output:\n%s", third.output()).isEqualTo(0);
                    assertThat(third.output()).doesNotContain("LEAK:");
                }
                assertThat(second.output()).doesNotContain("LEAK:");
            }
        }
    }

    @Test
    void takeoverWithNothingRunningFailsClearly() throws Exception {
        final Path config = config("strait.yaml", 1, "epoll", "hot_restart_socket: " + socket);
        try (ChildProcess strait = ChildProcess.start(dir.resolve("strait.log"), "run", "-c", config.toString(),
            "--takeover")) {
            assertThat(strait.awaitExit(WAIT)).as("output:\n%s", strait.output()).isEqualTo(1);
            assertThat(strait.output()).contains("failed to start: no Strait to take over: the hot restart socket "
                + socket + " does not exist");
        }
        assertThat(isFree(port)).as("nothing was bound").isTrue();
    }

    @Test
    void aTakeoverThatCannotStartLeavesTheRunningProcessServing() throws Exception {
        final Path good = config("good.yaml", 2, "epoll", "hot_restart_socket: " + socket);
        try (ChildProcess running = started("running.log", "run", "-c", good.toString())) {
            // An invalid config is refused before the running process is asked anything.
            final Path invalid = Files.writeString(dir.resolve("invalid.yaml"),
                Files.readString(good).replace("drain_timeout: 5s", "drain_timeout: soon"));
            try (ChildProcess bad = ChildProcess.start(dir.resolve("invalid.log"), "run", "-c", invalid.toString(),
                "--takeover")) {
                assertThat(bad.awaitExit(WAIT)).as("output:\n%s", bad.output()).isEqualTo(2);
                assertThat(bad.output()).contains("drain_timeout").contains("error(s) in");
            }
            // NIO cannot serve on another process's socket: refused before asking, naming the transport.
            final Path nio = config("nio.yaml", 2, "nio", "hot_restart_socket: " + socket);
            try (ChildProcess bad = ChildProcess.start(dir.resolve("nio.log"), "run", "-c", nio.toString(),
                "--takeover")) {
                assertThat(bad.awaitExit(WAIT)).as("output:\n%s", bad.output()).isEqualTo(2);
                assertThat(bad.output()).contains("--takeover needs the epoll transport, and this config runs on nio");
            }
            assertThat(running.output()).as("never asked").doesNotContain("asks for the listening sockets");

            // Valid, but a second listener's port is taken: it fails after receiving the sockets, and gives up.
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                final Path twoListeners = Files.writeString(dir.resolve("two-listeners.yaml"), Files.readString(good)
                    + String.join("\n",
                    "  - name: second",
                    "    address: 127.0.0.1:" + taken.getLocalPort(),
                    "    virtual_hosts:",
                    "      - domains: [ \"*\" ]",
                    "        routes: [ { match: { prefix: / }, cluster: up } ]",
                    ""));
                try (ChildProcess bad = ChildProcess.start(dir.resolve("bind.log"), "run", "-c",
                    twoListeners.toString(), "--takeover")) {
                    assertThat(bad.awaitExit(WAIT)).as("output:\n%s", bad.output()).isEqualTo(1);
                    assertThat(bad.output()).contains("takeover: received 2 listening socket(s)")
                        .contains("failed to start").contains("takeover abandoned: pid");
                }
            }
            assertThat(running.awaitLine(l -> l.contains("left before asking this process to drain"), WAIT))
                .as("output:\n%s", running.output()).isNotNull();
            try (RawHttpClient c = new RawHttpClient(port, WAIT)) {
                assertThat(c.get("/still", "takeover.test").status()).as("still serving").isEqualTo(200);
            }

            // And it can still be taken over.
            try (ChildProcess next = started("next.log", "run", "-c", good.toString(), "--takeover")) {
                assertThat(running.awaitExit(WAIT)).as("output:\n%s", running.output()).isEqualTo(0);
                next.terminate();
                assertThat(next.awaitExit(WAIT)).isEqualTo(0);
            }
        }
    }

    private ChildProcess started(final String log, final String... args) throws Exception {
        final ChildProcess p = ChildProcess.start(dir.resolve(log), args);
        final String line = p.awaitLine(l -> l.contains("started in") && l.contains("listeners:"), WAIT);
        if (line == null) {
            p.close();
        }
        assertThat(line).as("startup line of %s; output:\n%s", log, p.output()).isNotNull();
        return p;
    }

    private static void awaitMore(final LongSupplier counter, final long more) {
        final long target = counter.getAsLong() + more;
        await().atMost(WAIT).until(() -> counter.getAsLong() >= target);
    }

    /** A config file: one listener on the test's port, {@code extra} (if not null) under runtime. */
    private Path config(final String name, final int loops, final String transport, final String extra)
        throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n",
            "runtime:",
            "  event_loops: " + loops,
            "  transport: " + transport,
            "  drain_timeout: 5s",
            extra == null ? "" : "  " + extra,
            "clusters:",
            "  - { name: up, endpoints: [ { address: 127.0.0.1:" + upstream.port() + " } ] }",
            "listeners:",
            "  - name: main",
            "    address: 127.0.0.1:" + port,
            "    virtual_hosts:",
            "      - domains: [ \"*\" ]",
            "        routes: [ { match: { prefix: / }, cluster: up } ]",
            ""), StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isFree(final int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (final IOException e) {
            return false;
        }
    }
}
