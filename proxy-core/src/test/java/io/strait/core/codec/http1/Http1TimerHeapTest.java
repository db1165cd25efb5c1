package io.strait.core.codec.http1;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Http1TimerHeap}: connection timers on one loop come due in deadline order whatever order they were armed
 * in, behind one scheduled task; a cancelled one never runs; one armed earlier than its entry moves up; an emptied
 * heap runs nothing. On EmbeddedChannel's clock, advanced by hand.
 */
class Http1TimerHeapTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final EmbeddedChannel ch = new EmbeddedChannel();
    private final List<Integer> fired = new ArrayList<>();

    Http1TimerHeapTest() {
        ch.freezeTime();
    }

    private Http1ConnectionTimer arm(final int id, final long delayMillis) {
        final Http1ConnectionTimer t = new Http1ConnectionTimer(new Http1ServerCodec());
        t.armOther(ch.eventLoop(), delayMillis * MS, () -> fired.add(id));
        return t;
    }

    private void advance(final long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void timersComeDueInDeadlineOrder() {
        final Random random = new Random(42);
        final List<Integer> expected = new ArrayList<>();
        final long[] delays = new long[200];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = 1 + random.nextInt(1000) * 10L;   // distinct enough; ties keep no order
            arm(i, delays[i]);
        }
        for (long at = 0; at <= 10_010; at += 10) {
            for (int i = 0; i < delays.length; i++) {
                if (delays[i] > at && delays[i] <= at + 10) {
                    expected.add(i);
                }
            }
        }
        for (int step = 0; step <= 1001; step++) {
            advance(10);
        }
        assertThat(fired).hasSize(delays.length);
        for (int k = 1; k < fired.size(); k++) {
            assertThat(delays[fired.get(k)]).isGreaterThanOrEqualTo(delays[fired.get(k - 1)]);
        }
        assertThat(fired).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aBurstOfTimersComesDueInOrderAsTheHeapGrowsAndShrinks() {
        final List<Http1ConnectionTimer> timers = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            timers.add(arm(i, 10_000 + i));
        }
        for (int i = 0; i < 4990; i++) {
            timers.get(i).cancel();   // the burst's connections closed: the heap shrinks as it empties
        }
        advance(20_000);
        assertThat(fired).containsExactly(4990, 4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999);
    }

    @Test
    void aCancelledTimerNeverRunsAndTheOthersStillDo() {
        final Http1ConnectionTimer a = arm(1, 100);
        final Http1ConnectionTimer b = arm(2, 200);
        arm(3, 300);
        assertThat(a.scheduled()).isTrue();
        b.cancel();
        assertThat(b.scheduled()).isFalse();
        advance(150);
        assertThat(fired).containsExactly(1);
        assertThat(a.scheduled()).isFalse();
        advance(200);
        assertThat(fired).containsExactly(1, 3);
    }

    @Test
    void aTimerArmedEarlierMovesUp() {
        arm(1, 500);
        final Http1ConnectionTimer t = arm(2, 1000);
        t.armOther(ch.eventLoop(), 100 * MS, () -> fired.add(3));   // earlier than its entry: moves up
        advance(150);
        assertThat(fired).containsExactly(3);
        advance(400);
        assertThat(fired).containsExactly(3, 1);
    }

    @Test
    void anEmptiedHeapRunsNothingAndTakesNewTimers() {
        final Http1ConnectionTimer a = arm(1, 100);
        final EventExecutor loop = ch.eventLoop();
        a.cancel();
        advance(200);
        assertThat(fired).isEmpty();
        assertThat(Http1TimerHeap.of(loop).size()).isZero();
        arm(2, 50);
        advance(60);
        assertThat(fired).containsExactly(2);
    }
}
