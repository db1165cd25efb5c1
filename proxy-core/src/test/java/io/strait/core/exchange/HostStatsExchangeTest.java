package io.strait.core.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.lb.Host;
import io.strait.lb.HostStat;
import io.strait.lb.HostStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which per-host counters ({@link HostStat}) each way a try can end charges, on embedded channels with a clock
 * advanced by hand (the {@link ExchangeTest} bed): every try counts in {@code rq_total} of the host it picked and in
 * at most one of {@code rq_success} / {@code rq_error}; timeouts add {@code rq_timeout}; connections count in
 * {@code cx_total}, {@code cx_active} while open and {@code cx_connect_fail} when they cannot be made. The loopback
 * counterpart is {@code HostStatsIntegrationTest}.
 */
class HostStatsExchangeTest {

    private static final String CONFIG = String.join("\n",
        "listeners:",
        "  - name: main",
        "    address: 127.0.0.1:0",
        "    timeouts: { stream_idle: 10s, idle: 60s }",
        "    virtual_hosts:",
        "      - domains: [ \"*\" ]",
        "        routes:",
        "          - { match: { prefix: /timeout }, cluster: api, timeout: 1s }",
        "          - match: { prefix: /retry }",
        "            cluster: api",
        "            timeout: 0",
        "            retry: { attempts: 1, on: [ 5xx, reset, connect-failure ], per_try_timeout: 100ms,",
        "                     backoff: { base_interval: 50ms, max_interval: 50ms } }",
        "          - { match: { prefix: /single }, cluster: single, timeout: 0 }",
        "          - { match: { prefix: /api }, cluster: api, timeout: 0 }",
        "clusters:",
        "  - name: api",
        "    lb: round_robin",
        "    endpoints: [ { address: 127.0.0.1:1001 }, { address: 127.0.0.1:1002 } ]",
        "  - name: single",
        "    endpoints: [ { address: 127.0.0.1:1003 } ]",
        "");

    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
    private static final String UNAVAILABLE = "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n";

    private final ExchangeTestBed bed = new ExchangeTestBed(CONFIG);

    @AfterEach
    void close() {
        bed.close();
    }

    private static String get(final String path) {
        return "GET " + path + " HTTP/1.1\r\nhost: x\r\n\r\n";
    }

    /** The counters of the host the {@code i}-th connect went to. */
    private HostStats connected(final int i) {
        return bed.connectedHosts.get(i).stats();
    }

    /** {@code rq_total, rq_success, rq_error, rq_timeout, cx_total, cx_connect_fail, cx_active} of {@code s}. */
    private static long[] all(final HostStats s) {
        return new long[] {s.value(HostStat.RQ_TOTAL), s.value(HostStat.RQ_SUCCESS), s.value(HostStat.RQ_ERROR),
            s.value(HostStat.RQ_TIMEOUT), s.value(HostStat.CX_TOTAL), s.value(HostStat.CX_CONNECT_FAIL),
            s.value(HostStat.CX_ACTIVE)};
    }

    @Test
    void aResponseIsASuccessAndItsPooledConnectionStaysActive() {
        bed.clientSends(get("/single/a"));
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        bed.clientSends(get("/single/b"));
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        assertThat(all(connected(0))).containsExactly(2, 2, 0, 0, 1, 0, 1);
        assertThat(bed.connectedHosts.get(0).activeRequests()).isZero();
    }

    @Test
    void aFiveHundredIsAnErrorAndAFourHundredASuccess() {
        bed.clientSends(get("/single/a"));
        bed.upstreamSends(0, UNAVAILABLE);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 503 ");
        bed.clientSends(get("/single/b"));
        bed.upstreamSends(0, "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 404 ");
        assertThat(all(connected(0))).containsExactly(2, 1, 1, 0, 1, 0, 1);
    }

    @Test
    void aRetriedFiveHundredIsAnErrorOfTheFirstHostAndTheRetryASuccessOfTheSecond() {
        bed.clientSends(get("/retry"));
        bed.upstreamSends(0, UNAVAILABLE);
        bed.advance(50);
        bed.upstreamSends(1, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        assertThat(bed.connectedHosts.get(1)).isNotSameAs(bed.connectedHosts.get(0));
        // the retried 503's connection is aborted (its body is never forwarded): no longer active
        assertThat(all(connected(0))).containsExactly(1, 0, 1, 0, 1, 0, 0);
        assertThat(all(connected(1))).containsExactly(1, 1, 0, 0, 1, 0, 1);
    }

    @Test
    void aPerTryTimeoutIsATimeoutAndAnErrorOfTheHostItHappenedOn() {
        bed.clientSends(get("/retry"));
        bed.advance(100);
        bed.advance(50);
        bed.upstreamSends(1, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        assertThat(all(connected(0))).containsExactly(1, 0, 1, 1, 1, 0, 0);
        assertThat(all(connected(1))).containsExactly(1, 1, 0, 0, 1, 0, 1);
    }

    @Test
    void aRouteTimeoutBeforeTheHeadIsATimeoutAndAnError() {
        bed.clientSends(get("/timeout"));
        bed.advance(1000);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 504 ");
        assertThat(all(connected(0))).containsExactly(1, 0, 1, 1, 1, 0, 0);
    }

    @Test
    void aRouteTimeoutAfterTheHeadIsATimeoutOfASuccess() {
        bed.clientSends(get("/timeout"));
        bed.upstreamSends(0, "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789");
        bed.advance(1000);
        assertThat(bed.downstream.isOpen()).as("a started response cannot be completed").isFalse();
        assertThat(all(connected(0))).containsExactly(1, 1, 0, 1, 1, 0, 0);
    }

    @Test
    void aRefusedConnectIsAConnectFailureAndAnError() {
        bed.connectMode = ExchangeTestBed.Connect.REFUSE;
        bed.clientSends(get("/single/a"));
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 502 ").contains("upstream_connect_failure");
        bed.connectMode = ExchangeTestBed.Connect.NO_CHANNEL;
        bed.clientSends(get("/single/b"));
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 502 ").contains("upstream_connect_failure");
        assertThat(all(connected(0))).containsExactly(2, 0, 2, 0, 2, 2, 0);
    }

    @Test
    void aRefusedConnectThatIsRetriedIsAnErrorOfItsHostOnly() {
        bed.connectMode = ExchangeTestBed.Connect.REFUSE;
        bed.clientSends(get("/retry"));
        bed.connectMode = ExchangeTestBed.Connect.SUCCEED;
        bed.advance(1);
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        assertThat(all(connected(0))).containsExactly(1, 0, 1, 0, 1, 1, 0);
        assertThat(all(connected(1))).containsExactly(1, 1, 0, 0, 1, 0, 1);
    }

    @Test
    void aCloseBeforeTheHeadIsAnErrorButAClosedPooledConnectionReplayedIsNot() {
        bed.clientSends(get("/single/warm"));
        bed.upstreamSends(0, OK);
        bed.clientReceived();
        // the pooled connection turns out closed: the GET goes again on a new connection, in the same try
        bed.clientSends(get("/single/get"));
        bed.upstreams.get(0).close();
        bed.upstreamSends(1, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        final Host h = bed.connectedHosts.get(0);
        assertThat(all(h.stats())).containsExactly(2, 2, 0, 0, 2, 0, 1);
        // a close with no replay (a POST) is the host's error
        bed.clientSends("POST /single/post HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n");
        bed.upstreams.get(1).close();
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 502 ").contains("upstream_reset");
        assertThat(all(h.stats())).containsExactly(3, 2, 1, 0, 2, 0, 0);
    }

    @Test
    void aProtocolErrorBeforeTheHeadIsAnError() {
        bed.clientSends(get("/single/a"));
        bed.upstreamSends(0, "HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n");
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 502 ");
        assertThat(all(connected(0))).containsExactly(1, 0, 1, 0, 1, 0, 0);
    }

    @Test
    void aTryTheClientLeftIsNeitherSuccessNorError() {
        bed.clientSends(get("/single/a"));
        bed.downstream.close();
        assertThat(all(connected(0))).containsExactly(1, 0, 0, 0, 1, 0, 0);
        assertThat(bed.connectedHosts.get(0).activeRequests()).isZero();
    }
}
