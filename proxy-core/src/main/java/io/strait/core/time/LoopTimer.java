package io.strait.core.time;

import io.netty.channel.EventLoop;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One lazily re-armed timer task on an event loop, for an owner with several deadlines (an exchange's route,
 * per-try, backoff and stream-idle deadlines; a connection's idle deadline). {@link #arm} schedules a task only
 * when the deadline is earlier than the one already armed; a later deadline waits for the armed task to fire, and
 * the owner's callback then arms its next deadline. So a keep-alive connection whose deadlines move later with each
 * request schedules nothing per request.
 *
 * <p>The owner must {@link #cancel} it when it goes away: a task left behind keeps the owner, its channel and their
 * buffers in the loop's scheduled-task queue until its deadline, which under connection churn grew the queue by
 * every connection of the last minute (perf-tests churn scenario: 300 MiB RSS, then a collapse).
 *
 * <p>Confined to its event loop.
 */
public final class LoopTimer {

    /** What the timer calls when it fires. */
    @FunctionalInterface
    public interface Callback {
        /** The armed deadline was reached; {@code now} is the clock's reading. Arm the next deadline, if any. */
        void onTimer(long now);
    }

    private final EventLoop loop;
    private final NanoClock clock;
    private final Callback callback;
    private final Runnable task = this::fire;
    private long armedAt = Long.MAX_VALUE;
    private ScheduledFuture<?> future;

    /** A timer on {@code loop} that reads {@code clock} and calls {@code callback}. */
    public LoopTimer(final EventLoop loop, final NanoClock clock, final Callback callback) {
        this.loop = loop;
        this.clock = clock;
        this.callback = callback;
    }

    /** Makes sure the task fires no later than {@code deadline} (0: none; nothing is armed). */
    public void arm(final long deadline) {
        if (deadline == 0 || armedAt != Long.MAX_VALUE && deadline - armedAt >= 0) {
            return;
        }
        armedAt = deadline;
        final ScheduledFuture<?> later = future;
        future = loop.schedule(task, Math.max(0, deadline - clock.nanoTime()), TimeUnit.NANOSECONDS);
        if (later != null) {
            later.cancel(false);
        }
    }

    /** Cancels the armed task, if any. */
    public void cancel() {
        final ScheduledFuture<?> f = future;
        if (f != null) {
            future = null;
            f.cancel(false);
        }
        armedAt = Long.MAX_VALUE;
    }

    private void fire() {
        future = null;   // this task: the only one armed
        armedAt = Long.MAX_VALUE;
        callback.onTimer(clock.nanoTime());
    }

    /** The earlier of two deadlines in nanoTime order, where 0 means none. */
    public static long earliest(final long a, final long b) {
        if (a == 0) {
            return b;
        }
        return b == 0 || a - b < 0 ? a : b;
    }
}
