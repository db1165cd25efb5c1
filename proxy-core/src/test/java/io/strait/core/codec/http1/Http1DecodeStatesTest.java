package io.strait.core.codec.http1;

import io.netty.channel.embedded.EmbeddedChannel;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpResponseHead;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainInbound;
import static io.strait.core.codec.http1.Http1TestSupport.drainOutbound;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-request state of {@link Http1ServerCodec} comes from its loop's {@link Http1DecodeStates} (here the test
 * thread's): taken at a request's first byte, given back once the response is written with nothing of a next request
 * waiting, so an idle keep-alive connection holds none; the pool is reused across connections and capped. The pool
 * is the thread's, shared with other tests: figures are compared before and after.
 */
class Http1DecodeStatesTest {

    private final Http1DecodeStates pool = Http1DecodeStates.current();

    private static EmbeddedChannel channel() {
        final EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new Http1ServerCodec(Http1Limits.DEFAULTS));
        return ch;
    }

    private static Http1ServerCodec codec(final EmbeddedChannel ch) {
        return ch.pipeline().get(Http1ServerCodec.class);
    }

    private static void respond(final EmbeddedChannel ch) {
        ch.writeOutbound(HttpResponseHead.of(204), HttpEnd.INSTANCE);
        drainOutbound(ch);
    }

    @Test
    void anIdleKeepAliveConnectionHoldsNoStateAndTheNextRequestReusesIt() {
        final EmbeddedChannel ch = channel();
        assertThat(codec(ch).holdsState()).isFalse();   // accepted, nothing read
        ch.writeInbound(buf("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertThat(drainInbound(ch, new ArrayList<>())).hasSize(2);
        assertThat(codec(ch).holdsState()).isTrue();    // the exchange holds the head until the response is written
        final int idle = pool.size();
        respond(ch);
        assertThat(codec(ch).holdsState()).isFalse();
        assertThat(pool.size()).isEqualTo(idle + 1);

        final long created = pool.created();
        ch.writeInbound(buf("GET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertThat(drainInbound(ch, new ArrayList<>())).first().asString().startsWith("REQ GET /b");
        respond(ch);
        assertThat(pool.created()).isEqualTo(created);   // the pooled one, not a new one
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theStateStaysWhileAPipelinedRequestWaitsAndWhileAHeadIsIncomplete() {
        final EmbeddedChannel ch = channel();
        ch.writeInbound(buf("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"));
        drainInbound(ch, new ArrayList<>());
        respond(ch);
        ch.runPendingTasks();   // the second request is decoded
        assertThat(codec(ch).holdsState()).isTrue();
        final List<String> second = drainInbound(ch, new ArrayList<>());
        assertThat(second.get(0)).startsWith("REQ GET /2");
        respond(ch);
        assertThat(codec(ch).holdsState()).isFalse();

        ch.writeInbound(buf("GET /3 HTTP/1.1\r\nHo"));
        final Http1ServerCodec codec = codec(ch);
        assertThat(codec.holdsState()).isTrue();   // a head in progress keeps its scan state
        final int idle = pool.size();
        ch.close();
        assertThat(codec.holdsState()).isFalse();   // the connection went away: given back
        assertThat(pool.size()).isEqualTo(idle + 1);
        ch.finishAndReleaseAll();
    }

    @Test
    void connectionsOnOneLoopShareTheStates() {
        final EmbeddedChannel a = channel();
        final EmbeddedChannel b = channel();
        a.writeInbound(buf("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
        drainInbound(a, new ArrayList<>());
        respond(a);
        final long created = pool.created();
        for (int i = 0; i < 3; i++) {
            b.writeInbound(buf("GET /b HTTP/1.1\r\nHost: h\r\n\r\n"));
            drainInbound(b, new ArrayList<>());
            respond(b);
            a.writeInbound(buf("GET /a HTTP/1.1\r\nHost: h\r\n\r\n"));
            drainInbound(a, new ArrayList<>());
            respond(a);
        }
        assertThat(pool.created()).isEqualTo(created);
        assertThat(a.finish()).isFalse();
        assertThat(b.finish()).isFalse();
    }

    @Test
    void thePoolKeepsAtMostItsCapAndLeavesTheRestToTheGc() {
        final List<Http1DecodeState> taken = new ArrayList<>();
        for (int i = 0; i < Http1DecodeStates.MAX_POOLED + 10; i++) {
            taken.add(pool.take(Http1Limits.DEFAULTS));
        }
        assertThat(pool.size()).isZero();
        for (final Http1DecodeState s : taken) {
            pool.give(s);
        }
        assertThat(pool.size()).isEqualTo(Http1DecodeStates.MAX_POOLED);
    }

    @Test
    void aPooledStateTakesTheLimitsOfTheConnectionThatTakesIt() {
        final EmbeddedChannel roomy = channel();
        roomy.writeInbound(buf("GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        drainInbound(roomy, new ArrayList<>());
        respond(roomy);
        final EmbeddedChannel tight = new EmbeddedChannel();
        tight.pipeline().addLast(new Http1ServerCodec(Http1Limits.DEFAULTS.withMaxRequestLineBytes(64)));
        tight.writeInbound(buf("GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: h\r\n\r\n"));
        assertThat(drainInbound(tight, new ArrayList<>())).containsExactly("ERROR 414 uri_too_long");
        tight.finishAndReleaseAll();
        assertThat(roomy.finish()).isFalse();
    }

    @Test
    void aWholeHeadLeavesNoHeadTimerTaskBehind() {
        final EmbeddedChannel ch = channel();
        assertThat(codec(ch).timerScheduled()).isTrue();   // the first-byte timer of a new connection
        ch.writeInbound(buf("GET / HTTP/1.1\r\nHo"));
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.writeInbound(buf("st: h\r\n\r\n"));
        drainInbound(ch, new ArrayList<>());
        assertThat(codec(ch).timerScheduled()).isFalse();   // an idle connection keeps no head timer queued
        respond(ch);
        assertThat(ch.finish()).isFalse();
    }
}
