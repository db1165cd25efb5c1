package io.strait.core.codec.http1;

import io.netty.channel.embedded.EmbeddedChannel;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpResponseHead;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainInbound;
import static io.strait.core.codec.http1.Http1TestSupport.drainOutbound;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first-byte and request-header timers of {@link Http1ServerCodec}, on EmbeddedChannel's clock advanced by hand:
 * the header timeout runs from the first byte of each head (not from accept, not reset per byte); a silent new
 * connection is closed by its own timeout, without a response, and counted through the hook.
 */
class Http1ServerCodecTimersTest {

    private final AtomicInteger silentClosed = new AtomicInteger();

    /** A channel whose clock moves only by {@link #advance} (frozen before the codec arms its first timer). */
    private EmbeddedChannel channel(final Http1Limits limits) {
        final EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new Http1ServerCodec(limits, silentClosed::incrementAndGet));
        return ch;
    }

    private static void advance(final EmbeddedChannel ch, final long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void theHeaderTimeoutRunsFromTheFirstByteNotFromAccept() {
        final EmbeddedChannel ch = channel(Http1Limits.DEFAULTS.withFirstByteTimeoutMillis(60_000));
        advance(ch, 9_000);
        ch.writeInbound(buf("GET / HTTP/1.1\r\n"));
        advance(ch, 9_000);   // 18 s after accept, 9 s after the first byte
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        assertThat(ch.isOpen()).isTrue();
        advance(ch, 1_001);
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 408 request_header_timeout");
        assertThat(silentClosed).hasValue(0);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theHeaderTimeoutIsNotResetByEachByte() {
        final EmbeddedChannel ch = channel(Http1Limits.DEFAULTS);
        final String head = "GET /slowloris HTTP/1.1\r\nHost: h\r\n";
        for (int i = 0; i < 10; i++) {
            ch.writeInbound(buf(head.substring(i, i + 1)));
            advance(ch, 999);
        }
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        ch.writeInbound(buf(head.substring(10, 11)));
        advance(ch, 20);
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 408 request_header_timeout");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void leadingEmptyLinesStartTheHeaderTimeout() {
        final EmbeddedChannel ch = channel(Http1Limits.DEFAULTS);
        ch.writeInbound(buf("\r\n"));
        advance(ch, 9_000);
        ch.writeInbound(buf("\r\nGET / HTTP/1.1\r\n"));
        advance(ch, 1_001);
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 408 request_header_timeout");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aShortHeaderTimeoutIsNotDelayedByALongerFirstByteTimeout() {
        final EmbeddedChannel ch = channel(Http1Limits.DEFAULTS.withFirstByteTimeoutMillis(60_000)
            .withRequestHeaderTimeoutMillis(1_000));
        advance(ch, 500);
        ch.writeInbound(buf("GET / HTTP/1.1\r\n"));
        advance(ch, 999);
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        advance(ch, 2);
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 408 request_header_timeout");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aSilentConnectionIsClosedAtTheFirstByteTimeoutAndCounted() {
        final EmbeddedChannel ch = channel(Http1Limits.DEFAULTS.withFirstByteTimeoutMillis(3_000)
            .withRequestHeaderTimeoutMillis(60_000));
        advance(ch, 2_999);
        assertThat(ch.isOpen()).isTrue();
        advance(ch, 2);
        assertThat(ch.isOpen()).isFalse();
        assertThat(silentClosed).hasValue(1);
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        assertThat(drainOutbound(ch)).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aFirstByteEndsTheFirstByteTimeout() {
        final EmbeddedChannel ch = channel(Http1Limits.DEFAULTS.withFirstByteTimeoutMillis(3_000));
        ch.writeInbound(buf("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        ch.writeOutbound(HttpResponseHead.of(204), HttpEnd.INSTANCE);
        drainOutbound(ch);
        advance(ch, 3_600_000);   // between requests only the proxy's idle timeout runs
        assertThat(ch.isOpen()).isTrue();
        assertThat(silentClosed).hasValue(0);
        assertThat(drainInbound(ch, new ArrayList<>())).hasSize(2);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theFirstByteTimeoutCanBeTurnedOff() {
        final EmbeddedChannel ch = channel(Http1Limits.DEFAULTS.withFirstByteTimeoutMillis(0));
        advance(ch, 3_600_000);
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(buf("GET / HTTP/1.1\r\n"));
        advance(ch, 10_001);
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 408 request_header_timeout");
        assertThat(silentClosed).hasValue(0);
        assertThat(ch.finish()).isFalse();
    }
}
