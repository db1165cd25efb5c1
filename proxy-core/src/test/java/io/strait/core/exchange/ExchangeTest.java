package io.strait.core.exchange;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange's state machine on embedded channels with a clock advanced by hand: forwarding and pooling, the
 * route timeout, per-try timeouts, backoff and retry limits, the stream idle timeout, replays of requests whose
 * pooled connection was closed, and connects that fail before a channel exists. Mirrors the loopback tests
 * (RetryIntegrationTest, EpollProxyIntegrationTest) at the level of the exchange, without sockets or wall time.
 */
class ExchangeTest {

    private static final String CONFIG = String.join("\n",
        "listeners:",
        "  - name: main",
        "    address: 127.0.0.1:0",
        "    timeouts: { stream_idle: 1s, idle: 60s }",
        "    virtual_hosts:",
        "      - domains: [ \"*\" ]",
        "        routes:",
        "          - { match: { prefix: /timeout }, cluster: api, timeout: 1s }",
        "          - match: { prefix: /retry }",
        "            cluster: api",
        "            timeout: 0",
        "            retry: { attempts: 1, on: [ 5xx, reset, connect-failure ], per_try_timeout: 100ms,",
        "                     backoff: { base_interval: 50ms, max_interval: 50ms } }",
        "          - { match: { prefix: /tight }, cluster: tight, timeout: 0,",
        "              retry: { attempts: 2, on: [ 5xx ], backoff: { base_interval: 1ms, max_interval: 1ms } } }",
        "          - { match: { prefix: /single }, cluster: tight, timeout: 0 }",
        "          - { match: { prefix: /api }, cluster: api, timeout: 0 }",
        "clusters:",
        "  - name: api",
        "    lb: round_robin",
        "    endpoints: [ { address: 127.0.0.1:1001 }, { address: 127.0.0.1:1002 } ]",
        "  - name: tight",
        "    endpoints: [ { address: 127.0.0.1:1003 } ]",
        "    circuit_breakers: { max_connections: 1, max_retries: 0 }",
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

    @Test
    void forwardsTheResponseAndPoolsTheConnection() {
        bed.clientSends(get("/api/a"));
        assertThat(bed.upstreams).hasSize(1);
        assertThat(bed.upstreamReceived(0)).startsWith("GET /api/a HTTP/1.1\r\n").contains("x-forwarded-for: ");
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ok");

        // round robin picks the other host next; its pool is empty, then the first host's connection is reused
        bed.clientSends(get("/api/b"));
        bed.upstreamSends(1, OK);
        bed.clientSends(get("/api/c"));
        assertThat(bed.upstreams).hasSize(2);
        assertThat(bed.upstreamReceived(0)).startsWith("GET /api/c ");
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_CX_POOL_REUSE)).isEqualTo(1);
    }

    @Test
    void routeTimeoutAnswers504AndAbortsTheTry() {
        bed.clientSends(get("/timeout"));
        assertThat(bed.upstreams).hasSize(1);
        bed.advance(999);
        assertThat(bed.clientReceived()).isEmpty();
        bed.advance(1);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 504 ").contains("request_timeout");
        assertThat(bed.upstreams.get(0).isOpen()).isFalse();
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_TIMEOUT)).isEqualTo(1);
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_RQ_ACTIVE)).isZero();
    }

    /**
     * The upstream gives up (here: closes) after the request's deadline passed but before the loop ran the deadline's
     * timer, as a gRPC server does at the grpc-timeout it was sent: the client hears of the timeout (504), not of an
     * upstream failure (502).
     */
    @Test
    void anUpstreamFailureAfterTheDeadlineAnswersTheTimeout() {
        bed.clientSends(get("/timeout"));
        bed.downstream.advanceTimeBy(1000, java.util.concurrent.TimeUnit.MILLISECONDS);   // the timer has not run
        bed.upstreams.get(0).close();
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 504 ").contains("request_timeout");
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_TIMEOUT)).isEqualTo(1);
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_RQ_ACTIVE)).isZero();
    }

    @Test
    void perTryTimeoutRetriesOnAnotherHostAfterTheBackoff() {
        bed.clientSends(get("/retry"));
        assertThat(bed.upstreams).hasSize(1);
        bed.advance(99);
        assertThat(bed.upstreams.get(0).isOpen()).isTrue();
        bed.advance(1);
        assertThat(bed.upstreams.get(0).isOpen()).isFalse();
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_RQ_PER_TRY_TIMEOUT)).isEqualTo(1);
        assertThat(bed.upstreams).as("no new try before the backoff").hasSize(1);
        bed.advance(50);
        assertThat(bed.upstreams).hasSize(2);
        assertThat(bed.connectedHosts.get(1)).isNotSameAs(bed.connectedHosts.get(0));
        assertThat(bed.upstreamReceived(1)).startsWith("GET /retry HTTP/1.1\r\n");
        bed.upstreamSends(1, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_RQ_RETRY)).isEqualTo(1);
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_RQ_RETRY_SUCCESS)).isEqualTo(1);
    }

    @Test
    void aRetriableStatusPastTheAttemptsIsForwarded() {
        bed.clientSends(get("/retry"));
        bed.upstreamSends(0, UNAVAILABLE);
        assertThat(bed.clientReceived()).isEmpty();
        bed.advance(50);
        assertThat(bed.upstreams).hasSize(2);
        bed.upstreamSends(1, UNAVAILABLE);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 503 Service Unavailable");
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED)).isEqualTo(1);
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_RQ_ACTIVE)).isZero();
    }

    @Test
    void theBreakersRetryLimitForwardsTheFirstAnswer() {
        bed.clientSends(get("/tight"));
        bed.upstreamSends(0, UNAVAILABLE);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 503 Service Unavailable");
        assertThat(bed.cluster("tight", ClusterStat.UPSTREAM_RQ_RETRY_OVERFLOW)).isEqualTo(1);
        assertThat(bed.upstreams).hasSize(1);
    }

    @Test
    void streamIdleTimeoutEndsAnExchangeWithNoRouteTimeout() {
        bed.clientSends(get("/api/slow"));
        assertThat(bed.upstreams).hasSize(1);
        // activity keeps it alive: a head and body chunks within each second
        bed.advance(900);
        bed.upstreamSends(0, "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n");
        bed.advance(900);
        bed.upstreamSends(0, "1\r\na\r\n");
        bed.advance(900);
        assertThat(bed.upstreams.get(0).isOpen()).isTrue();
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT)).isZero();
        // then silence: ended between one and two timeouts after the last event, with the client's connection
        bed.advance(2100);
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT)).isEqualTo(1);
        assertThat(bed.upstreams.get(0).isOpen()).isFalse();
        assertThat(bed.downstream.isOpen()).as("a started response cannot be completed").isFalse();
    }

    @Test
    void streamIdleTimeoutAnswers504WhileTheUpstreamSaysNothing() {
        bed.clientSends(get("/api/silent"));
        bed.advance(2000);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 504 ").contains("stream_idle_timeout");
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void streamIdleTimeoutEndsAnExchangeWaitingForABodyThatNeverComes() {
        bed.clientSends("POST /api/upload HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n0123456789");
        bed.upstreamSends(0, OK);   // answered early: the codec reads the rest of the body to keep the connection
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        bed.advance(500);
        bed.clientSends("0123456789");   // then the client stalls
        bed.advance(1000);
        assertThat(bed.downstream.isOpen()).isTrue();
        bed.advance(1000);
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT)).isEqualTo(1);
        assertThat(bed.downstream.isOpen()).isFalse();
    }

    @Test
    void aClosedPooledConnectionReplaysAGetButNotAPost() {
        bed.clientSends(get("/tight/warm"));
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");

        // GET: the pooled connection turns out closed before any answer; sent again on a new connection
        bed.clientSends(get("/tight/get"));
        bed.upstreams.get(0).close();
        assertThat(bed.upstreams).hasSize(2);
        assertThat(bed.upstreamReceived(1)).startsWith("GET /tight/get ");
        bed.upstreamSends(1, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");

        // POST: it may have reached the application; never sent twice
        bed.clientSends("POST /tight/post HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n");
        assertThat(bed.upstreamReceived(1)).startsWith("POST /tight/post ");
        bed.upstreams.get(1).close();
        assertThat(bed.upstreams).hasSize(2);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 502 ").contains("upstream_reset");
    }

    @Test
    void aConnectThatFailsBeforeAChannelExistsGivesTheConnectionSlotBack() {
        bed.connectMode = ExchangeTestBed.Connect.NO_CHANNEL;
        // tight allows one connection: a slot kept by the first failure would make the second a 503 overflow
        for (int i = 0; i < 3; i++) {
            bed.clientSends(get("/single/" + i));
            assertThat(bed.clientReceived()).startsWith("HTTP/1.1 502 ").contains("upstream_connect_failure");
        }
        assertThat(bed.cluster("tight", ClusterStat.UPSTREAM_CX_CONNECT_FAIL)).isEqualTo(3);
        assertThat(bed.cluster("tight", ClusterStat.UPSTREAM_CX_OVERFLOW)).isZero();
        bed.connectMode = ExchangeTestBed.Connect.SUCCEED;
        bed.clientSends(get("/single/after"));
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void aRefusedConnectIsRetriedAtOnceOnTheOtherHost() {
        bed.connectMode = ExchangeTestBed.Connect.REFUSE;
        bed.clientSends(get("/retry"));
        bed.connectMode = ExchangeTestBed.Connect.SUCCEED;
        assertThat(bed.connectedHosts).hasSize(1);
        bed.advance(1);   // the first retry after a connect failure has no backoff
        assertThat(bed.connectedHosts).hasSize(2);
        assertThat(bed.connectedHosts.get(1)).isNotSameAs(bed.connectedHosts.get(0));
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK");
        assertThat(bed.cluster("api", ClusterStat.UPSTREAM_CX_CONNECT_FAIL)).isEqualTo(1);
    }
}
