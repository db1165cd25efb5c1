package io.strait.admin;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.LoopStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code /stats/prometheus} read over loopback and checked by Prometheus' own parser, {@code promtool check metrics}
 * (Debian's {@code prometheus} package; .ci/run installs it). promtool exits 1 on a parse error and 3 when it parsed
 * everything but has lint advice; the only advice allowed is what follows from keeping Envoy's names on purpose.
 */
class PrometheusIntegrationTest {

    /** Lint advice that Envoy's own names draw (Envoy's output draws the same): nothing else may appear. */
    private static final Pattern ALLOWED_LINT = Pattern.compile(
        "strait_\\w+ (counter metrics should have \"_total\" suffix"
            + "|non-counter metrics should not have \"_total\" suffix"
            + "|metric names should not contain abbreviated units)");

    private final FakeTarget target = new FakeTarget();
    private AdminServer server;

    @BeforeEach
    void start() throws Exception {
        server = AdminServer.start(AdminOptions.defaults(new InetSocketAddress("127.0.0.1", 0)), target);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void exposition() throws Exception {
        final LoopStats<ClusterStat> v2 = target.registry.scope("cluster.api.v2.", ClusterStat.class).loop(1);
        target.clusters = List.of(new ClusterStatus("api", List.of()), new ClusterStatus("api.v2", List.of()));
        target.api0.add(ClusterStat.UPSTREAM_RQ_2XX, 3);
        target.api1.add(ClusterStat.UPSTREAM_RQ_2XX, 2);
        target.api0.add(ClusterStat.UPSTREAM_RQ_5XX, 1);
        target.api0.add(ClusterStat.UPSTREAM_RQ_TOTAL, 6);
        v2.add(ClusterStat.UPSTREAM_RQ_2XX, 9);
        v2.add(ClusterStat.UPSTREAM_CX_ACTIVE, 4);
        target.http0.add(HttpStat.DOWNSTREAM_RQ_4XX, 1);
        target.listener.loop(0).inc(ListenerStat.SSL_HANDSHAKE);
        for (final long micros : new long[] {300, 800, 4000, 4000, 120_000}) {
            target.api0.record(ClusterStat.UPSTREAM_RQ_TIME, micros);
        }
        final HttpResponse<String> r = new AdminClient(server.localAddress()).get("/stats/prometheus");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");

        promtoolAccepts(r.body());

        assertThat(r.body().lines()).contains(
            "# TYPE strait_cluster_upstream_rq counter",
            "strait_cluster_upstream_rq{strait_cluster_name=\"api\",strait_response_code_class=\"2xx\"} 5",
            "strait_cluster_upstream_rq{strait_cluster_name=\"api\",strait_response_code_class=\"5xx\"} 1",
            "strait_cluster_upstream_rq{strait_cluster_name=\"api.v2\",strait_response_code_class=\"2xx\"} 9",
            "strait_cluster_upstream_rq_total{strait_cluster_name=\"api\"} 6",
            "# TYPE strait_cluster_upstream_cx_active gauge",
            "strait_cluster_upstream_cx_active{strait_cluster_name=\"api.v2\"} 4",
            "strait_http_downstream_rq{strait_http_conn_manager_prefix=\"ingress\",strait_response_code_class=\"4xx\"}"
                + " 1",
            "strait_listener_ssl_handshake{strait_listener_name=\"ingress\"} 1",
            "# TYPE strait_cluster_upstream_rq_time histogram",
            "strait_cluster_upstream_rq_time_bucket{strait_cluster_name=\"api\",le=\"0.5\"} 1",
            "strait_cluster_upstream_rq_time_bucket{strait_cluster_name=\"api\",le=\"1\"} 2",
            "strait_cluster_upstream_rq_time_bucket{strait_cluster_name=\"api\",le=\"5\"} 4",
            "strait_cluster_upstream_rq_time_bucket{strait_cluster_name=\"api\",le=\"100\"} 4",
            "strait_cluster_upstream_rq_time_bucket{strait_cluster_name=\"api\",le=\"250\"} 5",
            "strait_cluster_upstream_rq_time_bucket{strait_cluster_name=\"api\",le=\"+Inf\"} 5",
            "strait_cluster_upstream_rq_time_count{strait_cluster_name=\"api\"} 5");
        final String sum = r.body().lines().filter(l -> l.startsWith("strait_cluster_upstream_rq_time_sum{"
            + "strait_cluster_name=\"api\"}")).findFirst().orElseThrow();
        // 0.3 + 0.8 + 4 + 4 + 120 = 129.1 ms, within the histograms' 1%.
        assertThat(Double.parseDouble(sum.substring(sum.lastIndexOf(' ') + 1))).isBetween(129.1 * 0.99, 129.1 * 1.01);
    }

    private static void promtoolAccepts(final String exposition) throws IOException, InterruptedException {
        final Process p;
        try {
            p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        } catch (final IOException e) {
            fail("promtool is needed to check the Prometheus output (Debian package 'prometheus'; .ci/run installs "
                + "it): " + e.getMessage());
            return;
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        final int exit = p.waitFor();
        assertThat(exit).as("promtool exit code (1 is a parse error); output:%n%s", out).isIn(0, 3);
        final List<String> unexpected = new ArrayList<>();
        for (final String line : out.split("\n")) {
            if (!line.isBlank() && !ALLOWED_LINT.matcher(line).matches()) {
                unexpected.add(line);
            }
        }
        assertThat(unexpected).as("promtool said").isEmpty();
    }
}
