package io.strait.core.exchange;

import io.netty.channel.embedded.EmbeddedChannel;
import io.strait.core.stats.HttpStat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exchange of a downstream HTTP/1.1 connection comes with an {@link Http1Slot} from its loop's
 * {@link Http1Slots}: taken when a request arrives, given back when the exchange ends (or the connection closes under
 * it), so an idle keep-alive connection holds no exchange; connections on one loop reuse the same slots, keep-alive,
 * forwarding headers and stats as before; the pool is capped.
 */
class Http1SlotsTest {

    private static final String CONFIG = String.join("\n",
        "listeners:",
        "  - name: main",
        "    address: 127.0.0.1:0",
        "    timeouts: { idle: 60s }",
        "    virtual_hosts:",
        "      - domains: [ \"*\" ]",
        "        routes:",
        "          - { match: { prefix: / }, cluster: api, timeout: 0 }",
        "clusters:",
        "  - name: api",
        "    endpoints: [ { address: 127.0.0.1:1001 } ]",
        "");

    private static final String GET = "GET /a HTTP/1.1\r\nhost: x\r\n\r\n";
    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

    private final ExchangeTestBed bed = new ExchangeTestBed(CONFIG);
    private final List<EmbeddedChannel> more = new ArrayList<>();

    @AfterEach
    void close() {
        for (final EmbeddedChannel ch : more) {
            ch.finishAndReleaseAll();
        }
        bed.close();
    }

    /** Answers OK on the upstream connection that got a request (whichever the pool handed out). */
    private void upstreamAnswers() {
        for (int i = 0; i < bed.upstreams.size(); i++) {
            if (!bed.upstreamReceived(i).isEmpty()) {
                bed.upstreamSends(i, OK);
                return;
            }
        }
        throw new AssertionError("no upstream got a request");
    }

    private DownstreamHttp1Handler handler() {
        return ExchangeTestBed.handler(bed.downstream);
    }

    @Test
    void anIdleKeepAliveConnectionHoldsNoExchange() {
        final Http1Slots pool = handler().slots();
        assertThat(handler().holdsExchange()).isFalse();
        bed.clientSends(GET);
        assertThat(handler().holdsExchange()).isTrue();
        final int idle = pool.size();
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("ok");
        assertThat(handler().holdsExchange()).isFalse();
        assertThat(pool.size()).isEqualTo(idle + 1);
        assertThat(bed.downstream.isOpen()).isTrue();   // kept alive

        final long created = pool.created();
        bed.clientSends(GET);
        assertThat(bed.upstreamReceived(0)).contains("GET /a HTTP/1.1\r\n").contains("x-forwarded-for: ");
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).endsWith("ok");
        assertThat(pool.created()).isEqualTo(created);
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_TOTAL)).isEqualTo(2);
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
    }

    @Test
    void connectionsOnOneLoopTakeTurnsWithTheSameSlots() {
        final EmbeddedChannel other = bed.newDownstream();
        more.add(other);
        final Http1Slots pool = handler().slots();
        assertThat(ExchangeTestBed.handler(other).slots()).isSameAs(pool);

        bed.clientSends(GET);            // both in flight at once: two slots
        ExchangeTestBed.clientSends(other, GET);
        assertThat(bed.upstreams).hasSize(2);
        assertThat(bed.upstreamReceived(0)).startsWith("GET /a ");
        assertThat(bed.upstreamReceived(1)).startsWith("GET /a ");
        bed.upstreamSends(0, OK);
        bed.upstreamSends(1, OK);
        assertThat(bed.clientReceived()).endsWith("ok");
        assertThat(ExchangeTestBed.clientReceived(other)).endsWith("ok");
        assertThat(handler().holdsExchange()).isFalse();
        assertThat(ExchangeTestBed.handler(other).holdsExchange()).isFalse();

        final long created = pool.created();
        for (int i = 0; i < 3; i++) {
            bed.clientSends(GET);
            upstreamAnswers();
            ExchangeTestBed.clientSends(other, GET);
            upstreamAnswers();
        }
        assertThat(bed.clientReceived()).endsWith("ok");
        assertThat(ExchangeTestBed.clientReceived(other)).endsWith("ok");
        assertThat(pool.created()).isEqualTo(created);
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_TOTAL)).isEqualTo(8);
    }

    @Test
    void aConnectionClosedUnderItsExchangeGivesTheSlotBack() {
        final DownstreamHttp1Handler h = handler();
        final Http1Slots pool = h.slots();
        bed.clientSends(GET);
        final int idle = pool.size();
        bed.downstream.close();
        assertThat(h.holdsExchange()).isFalse();
        assertThat(pool.size()).isEqualTo(idle + 1);
        assertThat(bed.http(HttpStat.DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ)).isEqualTo(1);
        assertThat(bed.http(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
    }

    @Test
    void aBadRequestHeadTakesASlotForItsAnswerAndGivesItBack() {
        final DownstreamHttp1Handler h = handler();
        final int idle = h.slots().size();
        bed.clientSends("GET / HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n");
        assertThat(bed.clientReceived()).startsWith("HTTP/1.1 400 ");
        assertThat(h.holdsExchange()).isFalse();
        assertThat(h.slots().size()).isEqualTo(idle + 1);
    }

    @Test
    void theIdleTimeoutRunsOnTheConnectionsOneTimerAndMovesWithEachRequest() {
        final io.strait.core.codec.http1.Http1ServerCodec codec =
            bed.downstream.pipeline().get(io.strait.core.codec.http1.Http1ServerCodec.class);
        bed.clientSends(GET);
        assertThat(bed.upstreamReceived(0)).startsWith("GET /a ");
        bed.upstreamSends(0, OK);
        assertThat(bed.clientReceived()).endsWith("ok");
        assertThat(handler().holdsExchange()).isFalse();
        assertThat(codec.timerScheduled()).isTrue();   // the idle deadline, on the codec's timer
        bed.advance(30_000);
        bed.clientSends(GET);   // 30 s in: the idle deadline moves to 90 s
        upstreamAnswers();      // (on a new upstream connection if the pooled one timed out meanwhile)
        assertThat(bed.clientReceived()).endsWith("ok");
        bed.advance(59_000);
        assertThat(bed.downstream.isOpen()).isTrue();
        assertThat(bed.http(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT)).isZero();
        bed.advance(2_000);
        assertThat(bed.downstream.isOpen()).isFalse();
        assertThat(bed.http(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void thePoolKeepsAtMostItsCap() {
        final Http1Slots pool = handler().slots();
        final List<Http1Slot> taken = new ArrayList<>();
        while (pool.size() > 0) {
            taken.add(pool.take());
        }
        for (int i = 0; i < Http1Slots.MAX_POOLED + 10; i++) {
            taken.add(pool.take());
        }
        for (final Http1Slot s : taken) {
            pool.give(s);
        }
        assertThat(pool.size()).isEqualTo(Http1Slots.MAX_POOLED);
    }
}
