package io.strait.core.server;

import io.strait.core.cluster.Cluster;
import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.lb.resilience.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end on epoll: a cluster's circuit breakers (shared by both event loops) answer an overflowing request at
 * once with 503 and {@code x-strait-overloaded: true}, count it, and give every slot back when exchanges end.
 */
class CircuitBreakerIntegrationTest {

    private static final String SLOW = "GET /delay/1500 HTTP/1.1\r\nHost: x\r\n\r\n";
    /** An overflow is answered at once: far sooner than the held requests' 1.5 s. */
    private static final long AT_ONCE_MILLIS = 1000;

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /cx/ }, cluster: one_connection, prefix_rewrite: / }
                  - { match: { prefix: /pending/ }, cluster: one_pending, prefix_rewrite: / }
                  - { match: { prefix: / }, cluster: two_requests }
        clusters:
          - name: two_requests
            endpoints: [ { address: 127.0.0.1:${upstream:r} } ]
            circuit_breakers: { max_requests: 2 }
          - name: one_connection
            endpoints: [ { address: 127.0.0.1:${upstream:c} } ]
            pool: { max_idle: 0 }
            circuit_breakers: { max_connections: 1 }
          - name: one_pending
            connect_timeout: 1s
            endpoints: [ { address: 127.0.0.1:${blackhole:pending} } ]
            circuit_breakers: { max_pending_requests: 1 }
        """).upstreams("r", "c");

    private static RawHttpClient client() throws IOException {
        return new RawHttpClient(proxy.port("main"));
    }

    private static void assertOverloaded(final RawResponse r, final String reason, final long startNanos) {
        final long millis = (System.nanoTime() - startNanos) / 1_000_000;
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("x-strait-overloaded")).isEqualTo("true");
        assertThat(r.header("x-strait-error")).isEqualTo(reason);
        assertThat(r.bodyAsString()).isEqualTo(reason + "\n");
        assertThat(millis).isLessThan(AT_ONCE_MILLIS);
    }

    private static void assertAllSlotsFree(final CircuitBreaker cb) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(cb.currentRequests()).isZero();
            assertThat(cb.currentPendingRequests()).isZero();
            assertThat(cb.currentConnections()).isZero();
        });
    }

    @Test
    void maxRequestsRefusesTheThirdConcurrentRequestAndFreesSlotsWhenExchangesEnd() throws Exception {
        final Cluster cluster = proxy.cluster("two_requests");
        final CircuitBreaker cb = cluster.circuitBreaker();
        final long overflowBefore = cluster.stats().value(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
        try (RawHttpClient first = client(); RawHttpClient second = client(); RawHttpClient third = client()) {
            first.send(SLOW);
            second.send(SLOW);
            await().atMost(Duration.ofSeconds(5)).until(() -> cb.currentRequests() == 2);

            final long start = System.nanoTime();
            final RawResponse refused = third.get("/delay/1500", "x");
            assertOverloaded(refused, "upstream_rq_overflow", start);
            assertThat(cluster.stats().value(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW))
                .isEqualTo(overflowBefore + 1);
            assertThat(cb.currentRequests()).isEqualTo(2);

            assertThat(first.readResponse().status()).isEqualTo(200);
            assertThat(second.readResponse().status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> cb.currentRequests() == 0);

            // The refused client's connection is still usable, and the freed slots admit it now.
            final RawResponse again = third.get("/status/201", "x");
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.header("x-strait-overloaded")).isNull();
        }
        assertThat(cb.currentRequests()).isZero();
        assertThat(cb.currentPendingRequests()).isZero();
        // Kept-alive pooled connections may still hold connection slots; nothing else does. Three exchanges went
        // upstream, and each may have opened a connection on its own loop (the kernel spreads clients over loops).
        assertThat(cb.currentConnections()).isBetween(0L, 3L);
    }

    @Test
    void maxConnectionsRefusesARequestThatNeedsASecondConnection() throws Exception {
        final Cluster cluster = proxy.cluster("one_connection");
        final CircuitBreaker cb = cluster.circuitBreaker();
        final long overflowBefore = cluster.stats().value(ClusterStat.UPSTREAM_CX_OVERFLOW);
        try (RawHttpClient busy = client(); RawHttpClient other = client()) {
            busy.send("GET /cx/delay/1500 HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.upstream("c").activeConnectionCount() == 1);
            assertThat(cb.currentConnections()).isEqualTo(1);

            final long start = System.nanoTime();
            final RawResponse refused = other.get("/cx/status/200", "x");
            assertOverloaded(refused, "upstream_cx_overflow", start);
            assertThat(cluster.stats().value(ClusterStat.UPSTREAM_CX_OVERFLOW)).isEqualTo(overflowBefore + 1);
            assertThat(proxy.upstream("c").connectionCount()).isEqualTo(1);

            assertThat(busy.readResponse().status()).isEqualTo(200);
            // max_idle: 0, so the connection closes after its exchange and its slot comes back.
            assertAllSlotsFree(cb);

            assertThat(other.get("/cx/status/202", "x").status()).isEqualTo(202);
        }
        assertAllSlotsFree(cb);
    }

    @Test
    void maxPendingRequestsRefusesASecondRequestWaitingForAConnection() throws Exception {
        final Cluster cluster = proxy.cluster("one_pending");
        final CircuitBreaker cb = cluster.circuitBreaker();
        final long overflowBefore = cluster.stats().value(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
        try (RawHttpClient waiting = client(); RawHttpClient other = client()) {
            // The blackhole never completes the handshake: the first request waits for its connection until the
            // 1 s connect timeout, holding the only pending slot.
            waiting.send("GET /pending/x HTTP/1.1\r\nHost: x\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> cb.currentPendingRequests() == 1);

            final long start = System.nanoTime();
            final RawResponse refused = other.get("/pending/y", "x");
            assertOverloaded(refused, "upstream_rq_pending_overflow", start);
            assertThat(cluster.stats().value(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW))
                .isEqualTo(overflowBefore + 1);

            final RawResponse timedOut = waiting.readResponse();
            assertThat(timedOut.status()).isEqualTo(502);
            assertThat(timedOut.header("x-strait-error")).isEqualTo("upstream_connect_timeout");
            assertThat(timedOut.header("x-strait-overloaded")).isNull();
        }
        // A failed connect gives its connection slot back too.
        assertAllSlotsFree(cb);
    }
}
