package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.core.cluster.Cluster;
import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.lb.Host;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole resilience chain end to end over loopback, as an operator sees it: one of three upstreams is killed in
 * the middle of steady traffic. Retries hide the failed tries from the client, outlier detection and the TCP health
 * check take the dead host out (so traffic moves instead of being retried), and when the upstream comes back on the
 * same port the health check brings it back into rotation.
 */
class FailoverIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** On an instance field: a proxy and upstreams of its own for each test, since a test kills one. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                retry: { attempts: 2, on: [ connect-failure, reset, gateway-error ] }
                routes:
                  - { match: { prefix: / }, cluster: api }
        clusters:
          - name: api
            lb: round_robin
            endpoints: [ { address: 127.0.0.1:${upstream:a} }, { address: 127.0.0.1:${upstream:b} },
                         { address: 127.0.0.1:${upstream:c} } ]
            health_check: { type: tcp, interval: 100ms, interval_jitter: 10ms, timeout: 80ms,
                            unhealthy_threshold: 2, healthy_threshold: 1 }
            outlier_detection: { consecutive_gateway_failure: 2, base_ejection_time: 500ms,
                                 max_ejection_percent: 50 }
        """).upstreams("a", "b", "c");

    private RawHttpClient client;

    @BeforeEach
    void connect() throws Exception {
        client = new RawHttpClient(proxy.port("main"));
    }

    @AfterEach
    void disconnect() throws Exception {
        client.close();
    }

    private Cluster api() {
        return proxy.cluster("api");
    }

    /** Sends {@code n} requests on the one keep-alive connection; each must be a 200. Returns who answered. */
    private Map<String, Integer> send(final int n) throws IOException {
        final Map<String, Integer> by = new HashMap<>();
        for (int i = 0; i < n; i++) {
            final RawResponse r = client.get("/item/" + i, "api");
            assertThat(r.status()).as("request %d: %s", i, r).isEqualTo(200);
            by.merge(r.header("x-upstream"), 1, Integer::sum);
        }
        return by;
    }

    @Test
    void aKilledUpstreamIsTakenOutWithoutClientErrorsAndComesBackWhenItRecovers() throws Exception {
        assertThat(send(30)).containsOnlyKeys("a", "b", "c");
        final Cluster api = api();
        final Host hostB = proxy.host("api", "b");
        final int bPort = proxy.upstream("b").port();

        proxy.upstream("b").close();   // killed: its listener and every connection to it gone

        // Steady traffic on: every request still answers 200 (a try that hits b is retried on a or c).
        final Map<String, Integer> during = send(60);
        assertThat(during).doesNotContainKey("b");
        assertThat(api.stats().value(ClusterStat.UPSTREAM_RQ_RETRY)).isGreaterThanOrEqualTo(1);
        assertThat(api.stats().value(ClusterStat.UPSTREAM_RQ_RETRY_SUCCESS))
            .isEqualTo(api.stats().value(ClusterStat.UPSTREAM_RQ_RETRY));

        // b is taken out (by outlier detection or the health check, whichever sees it first) ...
        await().atMost(WAIT).until(() -> !hostB.isHealthy() && api.hostSet().healthy().size() == 2);
        await().atMost(WAIT).until(() -> api.stats().value(ClusterStat.MEMBERSHIP_HEALTHY) == 2);
        // ... so traffic moves instead of being retried: once the loops have the new set, no more retries.
        await().atMost(WAIT).untilAsserted(() -> {
            final long retries = api.stats().value(ClusterStat.UPSTREAM_RQ_RETRY);
            assertThat(send(12)).containsOnlyKeys("a", "c");
            assertThat(api.stats().value(ClusterStat.UPSTREAM_RQ_RETRY)).isEqualTo(retries);
        });
        assertThat(api.stats().value(ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED)).isZero();

        // b recovers on the same port: the health check passes and brings it back into rotation.
        proxy.upstream("b").start(bPort);
        await().atMost(WAIT).until(() -> hostB.isHealthy() && api.hostSet().healthy().size() == 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(send(6)).containsKey("b"));
        assertThat(send(30)).containsOnlyKeys("a", "b", "c");
    }
}
