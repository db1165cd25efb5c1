package io.strait.core.listener;

import io.netty.channel.embedded.EmbeddedChannel;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The listening socket's accept-error handling, driven as the transport drives it: a failed accept (EMFILE) arrives
 * as an {@code IOException} through {@code exceptionCaught}. The clock is the channel's own (frozen) clock.
 */
class AcceptErrorHandlerTest {

    private static final IOException EMFILE = new IOException("accept(..) failed: Too many open files");

    private final StatsScope<ListenerStat> stats = new StatsRegistry(1).scope("listener.l.", ListenerStat.class);

    @Test
    void aFailedAcceptIsCountedAndPausesAcceptingForTheBackoff() {
        final AtomicLong now = new AtomicLong();
        final AcceptErrorHandler.LogLimiter log = new AcceptErrorHandler.LogLimiter("l", now::get,
            TimeUnit.SECONDS.toNanos(10));
        final EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(new AcceptErrorHandler(stats.loop(0), log));

        ch.pipeline().fireExceptionCaught(EMFILE);
        ch.checkException();   // consumed: nothing reaches the tail (which would log a stack trace)
        assertThat(ch.config().isAutoRead()).as("accepting paused").isFalse();
        ch.pipeline().fireExceptionCaught(EMFILE);   // already paused: counted, no second resume scheduled
        assertThat(stats.value(ListenerStat.DOWNSTREAM_CX_ACCEPT_ERROR)).isEqualTo(2);

        ch.advanceTimeBy(AcceptErrorHandler.BACKOFF_MILLIS - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).as("still paused just before the backoff ends").isFalse();
        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.config().isAutoRead()).as("accepting again after the backoff").isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void otherExceptionsPassThrough() {
        final EmbeddedChannel ch = new EmbeddedChannel(new AcceptErrorHandler(stats.loop(0),
            new AcceptErrorHandler.LogLimiter("l")));
        ch.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));
        assertThatThrownBy(ch::checkException).isInstanceOf(IllegalStateException.class);
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(stats.value(ListenerStat.DOWNSTREAM_CX_ACCEPT_ERROR)).isZero();
    }

    @Test
    void logsOneLinePerIntervalAndCountsTheRest() {
        final AtomicLong now = new AtomicLong(1_000);
        final long interval = TimeUnit.SECONDS.toNanos(10);
        final AcceptErrorHandler.LogLimiter log = new AcceptErrorHandler.LogLimiter("l", now::get, interval);
        for (int i = 0; i < 50; i++) {
            log.failed(EMFILE);
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));   // 50 failures over 5 s
        }
        assertThat(log.lines()).as("the first failure is logged, the rest of the interval is not").isEqualTo(1);
        assertThat(log.suppressed()).isEqualTo(49);
        now.set(1_000 + interval);
        log.failed(EMFILE);
        assertThat(log.lines()).isEqualTo(2);
        assertThat(log.suppressed()).as("the line reported the ones it had not logged").isZero();
    }
}
