package io.strait.server;

import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code strait run} and {@code strait demo} as real child processes: startup line, proxying, drain on SIGTERM. */
class ProcessTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A drained stop is a clean stop: the launcher's shutdown hook halts with 0 (not the JVM's 143 for SIGTERM). */
    private static final int EXIT_ON_SIGTERM = 0;

    @TempDir
    Path dir;

    @Test
    void runStartsProxiesAndDrainsOnSigterm() throws Exception {
        try (TestUpstream upstream = new TestUpstream("up").start()) {
            final int port = freePort();
            final Path config = Files.writeString(dir.resolve("strait.yaml"), String.join("\n",
                "runtime: { event_loops: 2, transport: auto, drain_timeout: 5s, stats_file: stats }",
                "listeners:",
                "  - name: main",
                "    address: 127.0.0.1:" + port,
                "    virtual_hosts:",
                "      - domains: [ \"*\" ]",
                "        routes: [ { match: { prefix: / }, cluster: up } ]",
                "clusters:",
                "  - { name: up, endpoints: [ { address: 127.0.0.1:" + upstream.port() + " } ] }",
                ""), StandardCharsets.UTF_8);
            try (ChildProcess strait =
                     ChildProcess.start(dir.resolve("strait.log"), "run", "-c", config.toString())) {
                final String started = strait.awaitLine(
                    l -> l.contains("started in") && l.contains("transport epoll") && l.contains("listeners:"), WAIT);
                assertThat(started).as("startup line; output:\n%s", strait.output()).isNotNull();
                assertThat(started).contains("strait " + Version.get() + " started in ")
                    .contains("JDK " + Runtime.version() + ", ")
                    .containsPattern("transport epoll \\([^)]+\\)")
                    .contains("2 event loop(s)")
                    .contains("SO_REUSEPORT on")
                    .endsWith("listeners: main=127.0.0.1:" + port);

                try (RawHttpClient client = new RawHttpClient(port)) {
                    for (int i = 0; i < 3; i++) {
                        final RawResponse r = client.get("/hello", "run.test");
                        assertThat(r.status()).isEqualTo(200);
                        assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
                    }
                }
                try (RawHttpClient slow = new RawHttpClient(port, WAIT)) {
                    slow.send(RawHttpClient.request("GET", "/delay/1000", "run.test"));
                    await().atMost(WAIT).until(() -> upstream.requestCount() == 4);
                    final long t0 = System.nanoTime();
                    strait.terminate();
                    final RawResponse r = slow.readResponse();
                    assertThat(r.status()).as("in-flight request finishes during the drain").isEqualTo(200);
                    assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
                    assertThat(r.header("connection")).isEqualToIgnoringCase("close");
                    final Integer code = strait.awaitExit(Duration.ofSeconds(15));
                    final long tookMillis = (System.nanoTime() - t0) / 1_000_000;
                    assertThat(code).as("exit code; output:\n%s", strait.output()).isEqualTo(EXIT_ON_SIGTERM);
                    assertThat(tookMillis).as("exits once the request is done, within the 5 s drain timeout")
                        .isLessThan(5_000);
                }
                assertThat(strait.output()).contains("shutdown signal: draining (up to 5000 ms)")
                    .contains("stopped")
                    .doesNotContain("drain timeout")
                    .doesNotContain("LEAK:");
            }
        }
    }

    @Test
    void runServesTheAdminApiAndQuitsOnQuitquitquit() throws Exception {
        try (TestUpstream upstream = new TestUpstream("up").start()) {
            final int port = freePort();
            final Path config = Files.writeString(dir.resolve("admin.yaml"), String.join("\n",
                "admin: { address: 127.0.0.1:0 }",
                "listeners:",
                "  - name: main",
                "    address: 127.0.0.1:" + port,
                "    virtual_hosts:",
                "      - domains: [ \"*\" ]",
                "        routes: [ { match: { prefix: / }, cluster: up } ]",
                "clusters:",
                "  - { name: up, endpoints: [ { address: 127.0.0.1:" + upstream.port() + " } ] }",
                ""), StandardCharsets.UTF_8);
            try (ChildProcess strait =
                     ChildProcess.start(dir.resolve("strait.log"), "run", "-c", config.toString())) {
                final String line = strait.awaitLine(l -> l.contains("admin API on http://127.0.0.1:"), WAIT);
                assertThat(line).as("output:\n%s", strait.output()).isNotNull();
                final Matcher m = Pattern.compile("admin API on http://127\\.0\\.0\\.1:(\\d+)/").matcher(line);
                assertThat(m.find()).isTrue();
                final int adminPort = Integer.parseInt(m.group(1));
                try (RawHttpClient client = new RawHttpClient(port)) {
                    assertThat(client.get("/x", "run.test").status()).isEqualTo(200);
                    assertThat(client.get("/y", "run.test").status()).isEqualTo(200);
                    assertThat(client.get("/status/503", "run.test").status()).isEqualTo(503);
                }
                try (RawHttpClient admin = new RawHttpClient(adminPort)) {
                    assertThat(admin.get("/ready", "a").bodyAsString()).isEqualTo("LIVE\n");
                    final String host = "up::127.0.0.1:" + upstream.port() + "::";
                    final String clusters = admin.get("/clusters", "a").bodyAsString();
                    assertThat(clusters).contains(host + "health_flags::healthy\n", host + "weight::1\n",
                        host + "rq_total::3\n", host + "rq_error::1\n", host + "rq_success::2\n");
                    // Three requests on one keep-alive connection: one connection, still open in the pool.
                    assertThat(admin.get("/clusters?format=json", "a").bodyAsString()).contains("\"stats\":["
                        + "{\"type\":\"GAUGE\",\"name\":\"rq_active\",\"value\":0},"
                        + "{\"name\":\"rq_total\",\"value\":3},{\"name\":\"rq_error\",\"value\":1},"
                        + "{\"name\":\"rq_success\",\"value\":2},{\"name\":\"rq_timeout\",\"value\":0},"
                        + "{\"name\":\"cx_total\",\"value\":1},{\"name\":\"cx_connect_fail\",\"value\":0},"
                        + "{\"type\":\"GAUGE\",\"name\":\"cx_active\",\"value\":1}]");
                    assertThat(admin.get("/listeners", "a").bodyAsString()).isEqualTo("main::127.0.0.1:" + port
                        + "::http\n");
                    final String ok = "strait_cluster_upstream_rq{strait_cluster_name=\"up\","
                        + "strait_response_code_class=\"2xx\"} 2\n";
                    await().atMost(WAIT).until(() -> admin.get("/stats/prometheus", "a").bodyAsString().contains(ok));
                    assertThat(admin.get("/config_dump", "a").bodyAsString())
                        .contains("\"admin\":{\"address\":\"127.0.0.1:0\"");
                    admin.send(RawHttpClient.request("POST", "/logging?io.strait=debug", "a", "content-length: 0"));
                    final RawResponse logging = admin.readResponse();
                    assertThat(logging.status()).isEqualTo(200);
                    assertThat(logging.bodyAsString()).isEqualTo("io.strait now logs at debug\n");
                    admin.send(RawHttpClient.request("POST", "/reload", "a", "content-length: 0"));
                    final RawResponse reload = admin.readResponse();
                    assertThat(reload.status()).as(reload.bodyAsString()).isEqualTo(200);
                    assertThat(reload.bodyAsString()).startsWith("configuration reloaded from ");
                    Files.writeString(config, "listeners: [\n", StandardCharsets.UTF_8);
                    admin.send(RawHttpClient.request("POST", "/reload", "a", "content-length: 0"));
                    final RawResponse refused = admin.readResponse();
                    assertThat(refused.status()).isEqualTo(400);
                    assertThat(refused.bodyAsString()).startsWith("configuration reload refused")
                        .contains("admin.yaml:");
                    try (RawHttpClient client = new RawHttpClient(port)) {
                        assertThat(client.get("/x", "run.test").status()).isEqualTo(200);
                    }
                    // The reload kept the unchanged cluster's hosts, and with them their counters.
                    assertThat(admin.get("/clusters", "a").bodyAsString()).contains(host + "rq_total::4\n");
                    admin.send(RawHttpClient.request("POST", "/runtime_modify?circuit_breakers.up.max_requests=5", "a",
                        "content-length: 0"));
                    assertThat(admin.readResponse().status()).isEqualTo(200);
                    assertThat(admin.get("/runtime", "a").bodyAsString())
                        .contains("\"circuit_breakers.up.max_requests\":\"5 (override)\"");
                    admin.send(RawHttpClient.request("POST", "/runtime_modify?circuit_breakers.up.max_requests=x", "a",
                        "content-length: 0"));
                    assertThat(admin.readResponse().status()).isEqualTo(400);
                    admin.send(RawHttpClient.request("POST", "/drain_listeners", "a", "content-length: 0"));
                    assertThat(admin.readResponse().status()).isEqualTo(200);
                    assertThat(admin.get("/ready", "a").status()).as("draining: not ready").isEqualTo(503);
                    admin.send(RawHttpClient.request("POST", "/quitquitquit", "a", "content-length: 0"));
                    assertThat(admin.readResponse().status()).isEqualTo(200);
                }
                assertThat(strait.awaitExit(WAIT)).as("output:\n%s", strait.output()).isEqualTo(0);
                assertThat(strait.output()).contains("shutdown signal: draining", "stopped").doesNotContain("LEAK:");
            }
        }
    }

    @Test
    void sighupReloadsTheFileAndABadFileChangesNothing() throws Exception {
        try (TestUpstream one = new TestUpstream("one").start(); TestUpstream two = new TestUpstream("two").start()) {
            final int port = freePort();
            final String text = oneTwoConfig(port, one, two, 2);
            final Path config = Files.writeString(dir.resolve("strait.yaml"), text, StandardCharsets.UTF_8);
            try (ChildProcess strait =
                     ChildProcess.start(dir.resolve("strait.log"), "run", "-c", config.toString())) {
                assertThat(strait.awaitLine(l -> l.contains("started in"), WAIT)).as(strait.output()).isNotNull();
                // A JVM started with SIGHUP ignored (under nohup) cannot take it: the launcher says so, and this
                // test has nothing to send it.
                assumeFalse(strait.output().contains("SIGHUP is ignored in this process"),
                    "this test runs with SIGHUP ignored (nohup); the launcher said so");
                try (RawHttpClient client = new RawHttpClient(port)) {
                    assertThat(client.get("/x", "hup.test").bodyAsString()).isEqualTo("hello from one\n");
                    Files.writeString(config, text.replace("cluster: one }", "cluster: two }"),
                        StandardCharsets.UTF_8);
                    strait.signal("HUP");
                    assertThat(strait.awaitLine(l -> l.contains("configuration reloaded"), WAIT))
                        .as(strait.output()).isNotNull();
                    assertThat(client.get("/x", "hup.test").bodyAsString()).isEqualTo("hello from two\n");

                    Files.writeString(config, text.replace("cluster: one }", "cluster: three }"),
                        StandardCharsets.UTF_8);
                    strait.signal("HUP");
                    final String refused = strait.awaitLine(l -> l.contains("configuration reload refused"), WAIT);
                    assertThat(refused).as(strait.output()).contains("strait.yaml:").contains("three");
                    assertThat(client.get("/x", "hup.test").bodyAsString()).isEqualTo("hello from two\n");
                }
            }
        }
    }

    @Test
    void watchReloadsTheFileWhenItsContentChanges() throws Exception {
        try (TestUpstream one = new TestUpstream("one").start(); TestUpstream two = new TestUpstream("two").start()) {
            final int port = freePort();
            final String text = oneTwoConfig(port, one, two, 1);
            final Path config = Files.writeString(dir.resolve("watched.yaml"), text, StandardCharsets.UTF_8);
            try (ChildProcess strait = ChildProcess.start(dir.resolve("strait.log"), "run", "-c", config.toString(),
                     "--watch", "100ms")) {
                assertThat(strait.awaitLine(l -> l.contains("started in"), WAIT)).as(strait.output()).isNotNull();
                try (RawHttpClient client = new RawHttpClient(port)) {
                    assertThat(client.get("/x", "w.test").bodyAsString()).isEqualTo("hello from one\n");
                    Files.writeString(config, text.replace("cluster: one }", "cluster: two }"),
                        StandardCharsets.UTF_8);
                    assertThat(strait.awaitLine(l -> l.contains("configuration reloaded"), WAIT))
                        .as(strait.output()).isNotNull();
                    assertThat(client.get("/x", "w.test").bodyAsString()).isEqualTo("hello from two\n");
                }
            }
        }
    }

    /** A listener on {@code port} routing everything to cluster {@code one}; cluster {@code two} waits for a reload. */
    private static String oneTwoConfig(final int port, final TestUpstream one, final TestUpstream two,
                                       final int loops) {
        return String.join("\n",
            "runtime: { event_loops: " + loops + ", drain_timeout: 5s }",
            "listeners:",
            "  - name: main",
            "    address: 127.0.0.1:" + port,
            "    virtual_hosts:",
            "      - domains: [ \"*\" ]",
            "        routes: [ { match: { prefix: / }, cluster: one } ]",
            "clusters:",
            "  - { name: one, endpoints: [ { address: 127.0.0.1:" + one.port() + " } ] }",
            "  - { name: two, endpoints: [ { address: 127.0.0.1:" + two.port() + " } ] }",
            "");
    }

    @Test
    void runWithAnInvalidConfigExitsWith2() throws Exception {
        final Path config = Files.writeString(dir.resolve("bad.yaml"), "listeners: []\nclustrs: []\n",
            StandardCharsets.UTF_8);
        try (ChildProcess strait = ChildProcess.start(dir.resolve("strait.log"), "run", "-c", config.toString())) {
            assertThat(strait.awaitExit(WAIT)).as("output:\n%s", strait.output()).isEqualTo(2);
            assertThat(strait.awaitLine(l -> l.contains("error(s) in " + config), WAIT)).isNotNull();
        }
    }

    @Test
    void demoServesTheBundledConfigWithItsOwnUpstreams() throws Exception {
        for (final int p : new int[] {10000, 18081, 18082, 18083, 9901}) {
            assumeTrue(isFree(p), "port " + p + " is in use; the demo needs it");
        }
        try (ChildProcess demo = ChildProcess.start(dir.resolve("demo.log"), "demo")) {
            final String up = demo.awaitLine(l -> l.startsWith("Strait demo is up:"), WAIT);
            if (up == null) {
                assumeFalse(demo.output().contains("in use"), "a demo port was taken meanwhile:\n" + demo.output());
            }
            assertThat(up).as("output:\n%s", demo.output()).startsWith("Strait demo is up: http://127.0.0.1:10000 -> ");
            assertThat(demo.awaitLine(l -> l.contains("curl -i http://127.0.0.1:10000/api/hello"), WAIT))
                .as("curl hint").isNotNull();
            assertThat(demo.awaitLine(l -> l.startsWith("Press Ctrl-C"), WAIT)).isNotNull();

            final Set<String> seen = new HashSet<>();
            try (RawHttpClient client = new RawHttpClient(10000)) {
                for (int i = 0; i < 4; i++) {
                    final RawResponse r = client.get("/api/hello", "127.0.0.1:10000");
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.bodyAsString()).startsWith("Hello from demo upstream api@127.0.0.1:1808")
                        .contains("GET /api/hello HTTP/1.1");
                    seen.add(r.header("x-demo-upstream"));
                }
            }
            assertThat(seen).as("round robin over the two api endpoints")
                .containsExactlyInAnyOrder("api@127.0.0.1:18081", "api@127.0.0.1:18082");
            assertThat(demo.output()).contains("Admin API: http://127.0.0.1:9901/");
            try (RawHttpClient admin = new RawHttpClient(9901)) {
                final RawResponse ready = admin.get("/ready", "127.0.0.1:9901");
                assertThat(ready.status()).isEqualTo(200);
                assertThat(ready.bodyAsString()).isEqualTo("LIVE\n");
                // The counter is written on the loop as the exchange ends, maybe just after the client read it.
                await().atMost(WAIT).until(() -> admin.get("/stats?filter=%5Ehttp%5C.demo%5C.downstream_rq_2xx%24",
                    "127.0.0.1:9901").bodyAsString().equals("http.demo.downstream_rq_2xx: 4\n"));
            }

            demo.terminate();
            assertThat(demo.awaitExit(WAIT)).as("output:\n%s", demo.output()).isEqualTo(EXIT_ON_SIGTERM);
            assertThat(demo.output()).contains("stopped").doesNotContain("LEAK:");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean isFree(final int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }
}
