package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import io.strait.lb.Host;
import io.strait.lb.HostStat;
import io.strait.lb.HostStats;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-host stats over loopback, on two event loops written at once: clients on several connections send requests to
 * a round-robin cluster of two upstreams and an address where nothing listens, one upstream answering 503 for the
 * second half; each host's counters must then equal exactly what the clients saw (who answered, with what), and its
 * connection counts what its upstream saw. A route with a short timeout to a stalling upstream gives rq_timeout.
 * The unit counterpart, one outcome at a time, is {@code HostStatsExchangeTest}.
 */
class HostStatsIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int CLIENTS = 4;
    private static final int PER_CLIENT_PER_PHASE = 15;

    @RegisterExtension
    static final ProxyExtension PROXY = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /stall }, cluster: slow, timeout: 200ms }
                  - { match: { prefix: / }, cluster: api, timeout: 5s }
        clusters:
          - name: api
            lb: round_robin
            endpoints: [ { address: 127.0.0.1:${upstream:a} }, { address: 127.0.0.1:${upstream:b} },
                         { address: 127.0.0.1:${port:refused} } ]
          - name: slow
            endpoints: [ { address: 127.0.0.1:${upstream:slow} } ]
        """).upstreams("a", "b", "slow");

    /** What the clients saw, per host: tries, successes, errors. */
    private static final class Seen {
        long a;
        long b200;
        long b503;
        long refused;

        void add(final Seen o) {
            a += o.a;
            b200 += o.b200;
            b503 += o.b503;
            refused += o.refused;
        }
    }

    @Test
    void eachHostsCountersMatchWhatTheClientsAndUpstreamsSaw() throws Exception {
        final Seen seen = new Seen();
        final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            seen.add(phase(clients));
            PROXY.upstream("b").defaultStatus(503);
            seen.add(phase(clients));
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        final long sent = 2L * CLIENTS * PER_CLIENT_PER_PHASE;
        assertThat(seen.a + seen.b200 + seen.b503 + seen.refused).isEqualTo(sent);
        assertThat(seen.a).isPositive();
        assertThat(seen.b503).isPositive();
        assertThat(seen.refused).isPositive();

        final Host a = PROXY.host("api", "a");
        final Host b = PROXY.host("api", "b");
        final Host refused = refusedHost();

        // Requests are charged before their response is flushed: exact now.
        assertRequests(a.stats(), seen.a, seen.a, 0);
        assertRequests(b.stats(), seen.b200 + seen.b503, seen.b200, seen.b503);
        assertRequests(refused.stats(), seen.refused, 0, seen.refused);
        assertThat(refused.stats().value(HostStat.CX_CONNECT_FAIL)).isEqualTo(seen.refused);
        assertThat(refused.stats().value(HostStat.CX_TOTAL)).isEqualTo(seen.refused);
        assertThat(refused.stats().value(HostStat.CX_ACTIVE)).isZero();
        for (final Host h : List.of(a, b, refused)) {
            assertThat(h.activeRequests()).as("%s rq_active", h).isZero();
            assertThat(h.stats().value(HostStat.RQ_TIMEOUT)).as("%s rq_timeout", h).isZero();
        }

        // Connections: as many as the upstream accepted, and those still open (pooled, idle) are active.
        for (final String name : List.of("a", "b")) {
            final HostStats s = PROXY.host("api", name).stats();
            final TestUpstream u = PROXY.upstream(name);
            assertThat(s.value(HostStat.CX_CONNECT_FAIL)).isZero();
            assertThat(s.value(HostStat.CX_TOTAL)).as("%s cx_total", name).isEqualTo(u.connectionCount());
            await().atMost(WAIT).untilAsserted(() -> assertThat(s.value(HostStat.CX_ACTIVE)).as("%s cx_active", name)
                .isEqualTo(u.activeConnectionCount()).isPositive());
        }
    }

    @Test
    void aRouteTimeoutCountsATimeoutAndAnErrorAndTheAbortedConnectionIsNoLongerActive() throws Exception {
        final HostStats s = PROXY.host("slow", "slow").stats();
        final long total = s.value(HostStat.RQ_TOTAL);
        final long errors = s.value(HostStat.RQ_ERROR);
        final long timeouts = s.value(HostStat.RQ_TIMEOUT);
        try (RawHttpClient client = new RawHttpClient(PROXY.port("main"))) {
            for (int i = 0; i < 2; i++) {
                final RawResponse r = client.get("/stall", "x");
                assertThat(r.status()).as("%s", r).isEqualTo(504);
            }
        }
        assertThat(s.value(HostStat.RQ_TOTAL) - total).isEqualTo(2);
        assertThat(s.value(HostStat.RQ_ERROR) - errors).isEqualTo(2);
        assertThat(s.value(HostStat.RQ_TIMEOUT) - timeouts).isEqualTo(2);
        assertThat(s.value(HostStat.RQ_SUCCESS)).isZero();
        await().atMost(WAIT).untilAsserted(() -> assertThat(s.value(HostStat.CX_ACTIVE)).isZero());
    }

    /** One phase: every client sends its requests on its own keep-alive connection, all clients at once. */
    private static Seen phase(final ExecutorService clients) throws Exception {
        final List<Future<Seen>> runs = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            final int id = c;
            runs.add(clients.submit(() -> {
                final Seen s = new Seen();
                try (RawHttpClient client = new RawHttpClient(PROXY.port("main"))) {
                    for (int i = 0; i < PER_CLIENT_PER_PHASE; i++) {
                        count(s, client.get("/c" + id + "/" + i, "x"));
                    }
                }
                return s;
            }));
        }
        final Seen all = new Seen();
        for (final Future<Seen> f : runs) {
            all.add(f.get(30, TimeUnit.SECONDS));
        }
        return all;
    }

    private static void count(final Seen s, final RawResponse r) {
        final String from = r.header("x-upstream");
        if ("a".equals(from) && r.status() == 200) {
            s.a++;
        } else if ("b".equals(from) && r.status() == 200) {
            s.b200++;
        } else if ("b".equals(from) && r.status() == 503) {
            s.b503++;
        } else if (from == null && r.status() == 502 && "upstream_connect_failure".equals(r.header("x-strait-error"))) {
            s.refused++;
        } else {
            throw new AssertionError("unexpected response " + r);
        }
    }

    private static void assertRequests(final HostStats s, final long total, final long success, final long error) {
        assertThat(s.value(HostStat.RQ_TOTAL)).as("rq_total").isEqualTo(total);
        assertThat(s.value(HostStat.RQ_SUCCESS)).as("rq_success").isEqualTo(success);
        assertThat(s.value(HostStat.RQ_ERROR)).as("rq_error").isEqualTo(error);
    }

    private static Host refusedHost() {
        final int port = PROXY.placeholderPort("port", "refused");
        for (final Host h : PROXY.cluster("api").hosts()) {
            if (h.address().equals(new InetSocketAddress("127.0.0.1", port))) {
                return h;
            }
        }
        throw new AssertionError("no host on the refused port " + port);
    }
}
