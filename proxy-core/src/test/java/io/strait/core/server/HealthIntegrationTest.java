package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.core.cluster.Cluster;
import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import io.strait.lb.Host;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end on epoll with two event loops: active HTTP and TCP health checks, outlier ejection and its end, panic
 * mode on and off, and the health stats. Each test has a cluster of its own, so they do not disturb each other.
 */
class HealthIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /http/ }, cluster: http_checked, prefix_rewrite: / }
                  - { match: { prefix: /tcp/ }, cluster: tcp_checked, prefix_rewrite: / }
                  - { match: { prefix: /outlier/ }, cluster: outlier, prefix_rewrite: / }
                  - { match: { prefix: /nopanic/ }, cluster: panic_off, prefix_rewrite: / }
                  - { match: { prefix: /panic/ }, cluster: panic_on, prefix_rewrite: / }
                  - { match: { prefix: /ramp/ }, cluster: ramp, prefix_rewrite: / }
        clusters:
          - name: http_checked
            endpoints: [ { address: 127.0.0.1:${upstream:http-a} }, { address: 127.0.0.1:${upstream:http-b} } ]
            health_check: { path: /healthz, interval: 100ms, interval_jitter: 10ms, timeout: 80ms,
                            unhealthy_threshold: 2, healthy_threshold: 2 }
          - name: tcp_checked
            endpoints: [ { address: 127.0.0.1:${upstream:tcp-c} }, { address: 127.0.0.1:${upstream:tcp-d} } ]
            health_check: { type: tcp, interval: 100ms, interval_jitter: 10ms, timeout: 80ms,
                            unhealthy_threshold: 1, healthy_threshold: 1 }
          - name: outlier
            endpoints: [ { address: 127.0.0.1:${upstream:out-e} }, { address: 127.0.0.1:${upstream:out-f} } ]
            outlier_detection: { consecutive_5xx: 3, base_ejection_time: 1s, max_ejection_percent: 50 }
          - name: panic_off
            endpoints: [ { address: 127.0.0.1:${port:dead} } ]
            panic_threshold: 0
            health_check: { type: tcp, interval: 100ms, interval_jitter: 10ms, timeout: 80ms, unhealthy_threshold: 1 }
          - name: panic_on
            endpoints: [ { address: 127.0.0.1:${upstream:panic-g} } ]
            health_check: { path: /healthz, interval: 100ms, interval_jitter: 10ms, timeout: 80ms,
                            unhealthy_threshold: 1 }
          - name: ramp
            lb: weighted_round_robin
            endpoints: [ { address: 127.0.0.1:${upstream:ramp-h} }, { address: 127.0.0.1:${upstream:ramp-i} } ]
            outlier_detection: { consecutive_5xx: 1, base_ejection_time: 200ms, max_ejection_percent: 50 }
            slow_start: { window: 2s, min_weight_percent: 10 }
        """).upstreams("http-a", "http-b", "tcp-c", "tcp-d", "out-e", "out-f")
        .upstream("panic-g", u -> u.defaultStatus(503))
        .upstreams("ramp-h", "ramp-i");

    private static RawResponse get(final String path) throws IOException {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            return c.get(path, "x");
        }
    }

    /** {@code n} requests under {@code prefix}, all answered 200 by {@code expected}. */
    private static void allGoTo(final String prefix, final String expected, final int n) throws IOException {
        for (int i = 0; i < n; i++) {
            final RawResponse r = get(prefix + "x");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-upstream")).isEqualTo(expected);
        }
    }

    /** Requests {@code u} received that were not health checks. */
    private static long trafficTo(final TestUpstream u) {
        return u.requests().stream().filter(r -> !r.uri().equals("/healthz")).count();
    }

    @Test
    void httpCheckTakesAFailingHostOutAndBringsItBack() throws Exception {
        final Cluster c = proxy.cluster("http_checked");
        final Host b = proxy.host("http_checked", "http-b");
        assertThat(c.stats().value(ClusterStat.MEMBERSHIP_TOTAL)).isEqualTo(2);
        await().atMost(WAIT).until(() -> c.stats().value(ClusterStat.HEALTH_CHECK_SUCCESS) >= 4);
        assertThat(c.hostSet().healthy()).hasSize(2);

        proxy.upstream("http-b").defaultStatus(503);
        await().atMost(WAIT).until(() -> !b.isHealthy() && c.hostSet().healthy().size() == 1);
        assertThat(c.stats().value(ClusterStat.MEMBERSHIP_HEALTHY)).isEqualTo(1);
        assertThat(c.stats().value(ClusterStat.HEALTH_CHECK_FAILURE)).isGreaterThanOrEqualTo(2);
        // The loops rebuild their balancers from the new set as posted tasks: soon, not necessarily at once.
        await().atMost(WAIT).untilAsserted(() -> allGoTo("/http/", "http-a", 10));
        final long trafficToB = trafficTo(proxy.upstream("http-b"));
        allGoTo("/http/", "http-a", 20);
        assertThat(trafficTo(proxy.upstream("http-b"))).isEqualTo(trafficToB);

        proxy.upstream("http-b").defaultStatus(200);
        await().atMost(WAIT).until(() -> b.isHealthy() && c.hostSet().healthy().size() == 2);
        assertThat(c.stats().value(ClusterStat.MEMBERSHIP_HEALTHY)).isEqualTo(2);
        await().atMost(WAIT).until(() -> "http-b".equals(get("/http/x").header("x-upstream")));
        final long attempts = c.stats().value(ClusterStat.HEALTH_CHECK_ATTEMPT);
        assertThat(attempts).isGreaterThanOrEqualTo(c.stats().value(ClusterStat.HEALTH_CHECK_SUCCESS)
            + c.stats().value(ClusterStat.HEALTH_CHECK_FAILURE));
    }

    @Test
    void healthChecksSendTheirOwnRequest() {
        final TestUpstream httpA = proxy.upstream("http-a");
        await().atMost(WAIT).until(() -> httpA.requests().stream().anyMatch(r -> r.uri().equals("/healthz")));
        final var r = httpA.requests().stream().filter(q -> q.uri().equals("/healthz")).findFirst().orElseThrow();
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.header("host")).isEqualTo("http_checked");
        assertThat(r.header("user-agent")).isEqualTo("strait-health-check");
        assertThat(r.header("connection")).isEqualTo("close");
    }

    @Test
    void tcpCheckTakesAStoppedUpstreamOutAndBringsItBackOnTheSamePort() throws Exception {
        final Cluster c = proxy.cluster("tcp_checked");
        final Host d = proxy.host("tcp_checked", "tcp-d");
        final int dPort = proxy.upstream("tcp-d").port();
        await().atMost(WAIT).until(() -> c.stats().value(ClusterStat.HEALTH_CHECK_SUCCESS) >= 2);
        proxy.upstream("tcp-d").close();
        await().atMost(WAIT).until(() -> !d.isHealthy() && c.hostSet().healthy().size() == 1);
        await().atMost(WAIT).untilAsserted(() -> allGoTo("/tcp/", "tcp-c", 10));
        allGoTo("/tcp/", "tcp-c", 20);

        proxy.upstream("tcp-d").start(dPort);
        await().atMost(WAIT).until(() -> d.isHealthy() && c.hostSet().healthy().size() == 2);
        await().atMost(WAIT).until(() -> "tcp-d".equals(get("/tcp/x").header("x-upstream")));
    }

    @Test
    void outlierDetectionEjectsAHostAnswering500sAndLetsItBackAfterTheEjectionTime() throws Exception {
        final Cluster c = proxy.cluster("outlier");
        final Host f = proxy.host("outlier", "out-f");
        proxy.upstream("out-f").defaultStatus(500);
        // Round robin: every other request reaches f until its third 500 in a row ejects it.
        await().atMost(WAIT).until(() -> {
            get("/outlier/x");
            return c.outlierDetector().isEjected(f);
        });
        assertThat(c.stats().value(ClusterStat.OUTLIER_DETECTION_EJECTIONS_TOTAL)).isEqualTo(1);
        assertThat(c.stats().value(ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_5XX)).isEqualTo(1);
        assertThat(c.stats().value(ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_GATEWAY_FAILURE)).isZero();
        await().atMost(WAIT).until(() -> c.stats().value(ClusterStat.OUTLIER_DETECTION_EJECTIONS_ACTIVE) == 1);
        // Ejected for 1 s: these requests all go to e (the loops' rebuild is a posted task, hence the first wait).
        await().atMost(Duration.ofMillis(900)).untilAsserted(() -> allGoTo("/outlier/", "out-e", 3));
        final int toF = proxy.upstream("out-f").requestCount();
        allGoTo("/outlier/", "out-e", 5);
        assertThat(proxy.upstream("out-f").requestCount()).isEqualTo(toF);

        proxy.upstream("out-f").defaultStatus(200);
        await().atMost(WAIT).until(() -> !c.outlierDetector().isEjected(f) && f.isHealthy());
        assertThat(c.stats().value(ClusterStat.OUTLIER_DETECTION_EJECTIONS_ACTIVE)).isZero();
        await().atMost(WAIT).until(() -> "out-f".equals(get("/outlier/x").header("x-upstream")));
    }

    @Test
    void withPanicOffAndNoHealthyHostTheAnswerIs503NoHealthyUpstream() throws Exception {
        final Cluster c = proxy.cluster("panic_off");
        await().atMost(WAIT).until(() -> c.hostSet().healthy().isEmpty());
        final long noneBefore = c.stats().value(ClusterStat.UPSTREAM_CX_NONE_HEALTHY);
        await().atMost(WAIT).until(() -> get("/nopanic/x").status() == 503);
        final RawResponse r = get("/nopanic/x");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("x-strait-error")).isEqualTo("no_healthy_upstream");
        assertThat(c.stats().value(ClusterStat.UPSTREAM_CX_NONE_HEALTHY)).isGreaterThanOrEqualTo(noneBefore + 1);
        assertThat(c.stats().value(ClusterStat.LB_HEALTHY_PANIC)).isZero();
        assertThat(c.stats().value(ClusterStat.MEMBERSHIP_HEALTHY)).isZero();
    }

    @Test
    void withTheDefaultPanicThresholdAnUnhealthyClusterStillServesAndCountsPanic() throws Exception {
        final Cluster c = proxy.cluster("panic_on");
        await().atMost(WAIT).until(() -> c.hostSet().healthy().isEmpty());
        // The only host is unhealthy: panic, so it still gets the request (and answers its 503).
        await().atMost(WAIT).until(() -> {
            final long before = c.stats().value(ClusterStat.LB_HEALTHY_PANIC);
            final RawResponse r = get("/panic/x");
            return r.status() == 503 && "panic-g".equals(r.header("x-upstream"))
                && c.stats().value(ClusterStat.LB_HEALTHY_PANIC) == before + 1;
        });
    }

    @Test
    void aHostBackFromEjectionRampsUpOverTheSlowStartWindow() throws Exception {
        final Cluster c = proxy.cluster("ramp");
        final Host i = proxy.host("ramp", "ramp-i");
        final int at = c.hosts().indexOf(i);
        proxy.upstream("ramp-i").defaultStatus(500);
        await().atMost(WAIT).until(() -> {
            get("/ramp/x");
            return c.outlierDetector().isEjected(i);
        });
        proxy.upstream("ramp-i").defaultStatus(200);
        // Back after 200 ms with a fraction of its weight (configured weights are scaled by 100 while one ramps).
        await().atMost(WAIT).until(() -> i.isHealthy() && c.hostSet().effectiveWeight(at) != 1);
        final int first = c.hostSet().effectiveWeight(at);
        assertThat(first).isBetween(10, 99);
        assertThat(c.hostSet().effectiveWeight(1 - at)).isEqualTo(100);
        // The set is rebuilt as the host ramps, then the configured weights apply again.
        await().atMost(WAIT).until(() -> c.hostSet().effectiveWeight(at) > first);
        await().atMost(WAIT).until(() -> c.hostSet().effectiveWeight(at) == 1);
        assertThat(c.hostSet().effectiveWeight(1 - at)).isEqualTo(1);
        await().atMost(WAIT).until(() -> "ramp-i".equals(get("/ramp/x").header("x-upstream")));
    }
}
