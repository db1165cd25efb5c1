package io.strait.server.warmup;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.StraitConfig;
import io.strait.core.server.ProxyServer;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warm-up over loopback: it answers what it sends, through both HTTP versions and both upstream protocols,
 * and leaves nothing behind in the real configuration's upstreams, access log, stats file or counters.
 */
class WarmupIntegrationTest {

    private static final int REQUESTS = 400;

    @TempDir
    Path dir;

    private final TestUpstream api = new TestUpstream("api");
    private final TestUpstream grpc = new TestUpstream("grpc");

    @BeforeEach
    void startUpstreams() {
        api.start();
        grpc.start();
    }

    @AfterEach
    void stopUpstreams() {
        api.close();
        grpc.close();
    }

    /** The real configuration: an access log, a stats file, one HTTP/1.1 and one HTTP/2 cluster, health checks. */
    private StraitConfig config(final String listenerExtra, final String warmup) {
        final String yaml = "runtime: { event_loops: 1, transport: nio, stats_file: " + dir.resolve("stats")
            + ", warmup: " + warmup + " }\n"
            + "listeners:\n"
            + "  - name: main\n"
            + "    address: 127.0.0.1:0\n"
            + listenerExtra
            + "    access_log: { path: " + dir.resolve("access.log") + " }\n"
            + "    virtual_hosts:\n"
            + "      - domains: [ \"*\" ]\n"
            + "        routes:\n"
            + "          - match: { prefix: /grpc/ }\n"
            + "            cluster: grpc\n"
            + "          - match: { prefix: / }\n"
            + "            cluster: api\n"
            + "clusters:\n"
            + "  - name: api\n"
            + "    lb: least_request\n"
            + "    endpoints: [ { address: 127.0.0.1:" + api.port() + " } ]\n"
            + "    health_check: { path: /healthz, interval: 1h }\n"
            + "  - name: grpc\n"
            + "    protocol: http2\n"
            + "    endpoints: [ { address: 127.0.0.1:" + grpc.port() + " } ]\n";
        final ConfigResult r = ConfigLoader.parse(yaml, "warmup-test.yaml");
        assertThat(r.errors()).isEmpty();
        return r.config();
    }

    @Test
    void answersEveryRequestOverBothVersionsAndLeavesNoTrace() throws Exception {
        final StraitConfig config = config("", "{ requests: " + REQUESTS + ", max_time: 60s }");

        final WarmupReport report = Warmup.run(config);

        assertThat(report.skipped()).isNull();
        assertThat(report.failed()).isZero();
        assertThat(report.http1()).isEqualTo(REQUESTS / 2);
        assertThat(report.http2()).isEqualTo(REQUESTS / 2);
        assertThat(report.describe()).startsWith("warm-up: " + REQUESTS + " requests (HTTP/1.1 200, HTTP/2 200");
        // Nothing reached the real hosts (not even a health check), nor the real access log or stats file.
        assertThat(api.connectionCount()).isZero();
        assertThat(grpc.connectionCount()).isZero();
        assertThat(dir.resolve("access.log")).doesNotExist();
        assertThat(dir.resolve("stats")).doesNotExist();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("strait-warmup"));

        // The real proxy then starts from zero and counts only its own traffic.
        final ProxyServer server = ProxyServer.start(config);
        try {
            assertThat(server.snapshot().listener("main").stats().value(HttpStat.DOWNSTREAM_RQ_TOTAL)).isZero();
            assertThat(server.snapshot().cluster("api").stats().value(ClusterStat.UPSTREAM_RQ_TOTAL)).isZero();
            try (RawHttpClient client = new RawHttpClient(server.boundAddress("main").getPort())) {
                final RawResponse r = client.get("/x", "real.local");
                assertThat(r.status()).isEqualTo(200);
            }
            assertThat(server.snapshot().listener("main").stats().value(HttpStat.DOWNSTREAM_RQ_TOTAL)).isEqualTo(1);
            assertThat(server.snapshot().cluster("api").stats().value(ClusterStat.UPSTREAM_RQ_TOTAL)).isEqualTo(1);
            assertThat(api.requestCount()).isEqualTo(1);
        } finally {
            server.close();
        }
        assertThat(Files.readAllLines(dir.resolve("access.log"))).hasSize(1);
    }

    @Test
    void anHttp1OnlyListenerIsWarmedOverHttp1Only() {
        final WarmupReport report = Warmup.run(config("    codec: http1\n", "{ requests: 100, max_time: 60s }"));

        assertThat(report.http1()).isEqualTo(100);
        assertThat(report.http2()).isZero();
        assertThat(report.failed()).isZero();
    }

    @Test
    void switchedOffItSendsNothing() {
        final WarmupReport report = Warmup.run(config("", "{ enabled: false }"));

        assertThat(report.skipped()).isEqualTo("disabled");
        assertThat(report.answered()).isZero();
        assertThat(report.describe()).isEqualTo("warm-up skipped (disabled)");
        assertThat(api.connectionCount()).isZero();
    }
}
