package io.strait.core.codec.http1;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The two timers that guard a request head on one downstream connection, kept as one scheduled task: the first-byte
 * timer (a new connection that sends nothing) and the header timer (a head must be complete this long after its
 * first byte; not reset per byte). Arming a later deadline does not reschedule: the task re-arms itself for the rest
 * when it runs, so a connection costs one schedule per head that arrives in pieces, and none for a head that arrives
 * whole. Confined to its channel's event loop.
 */
final class Http1HeadTimer implements Runnable {

    /** No timer runs. */
    static final int NONE = 0;
    /** A new connection has sent nothing yet. */
    static final int FIRST_BYTE = 1;
    /** A head has started and is not complete. */
    static final int HEAD = 2;

    private final long firstByteNanos;
    private final long headNanos;
    /** Told when a timer expires ({@link Http1ServerCodec#onHeadTimeout}). */
    private final Http1ServerCodec expiry;
    private EventExecutor executor;
    private int kind = NONE;
    private long deadline;
    /** When the scheduled task runs (valid while future is not null). */
    private long fireAt;
    private ScheduledFuture<?> future;

    /** Timers of these lengths (0: off) that call {@code expiry}. */
    Http1HeadTimer(final long firstByteMillis, final long headMillis, final Http1ServerCodec expiry) {
        this.firstByteNanos = TimeUnit.MILLISECONDS.toNanos(firstByteMillis);
        this.headNanos = TimeUnit.MILLISECONDS.toNanos(headMillis);
        this.expiry = expiry;
    }

    /** The timer running ({@link #NONE}, {@link #FIRST_BYTE} or {@link #HEAD}). */
    int kind() {
        return kind;
    }

    /** True while a task is scheduled. */
    boolean scheduled() {
        return future != null;
    }

    /** Starts the first-byte timer of a new connection, on {@code executor} (once: not after anything was armed). */
    void armFirstByte(final EventExecutor executor) {
        if (firstByteNanos == 0 || kind != NONE || future != null) {
            return;
        }
        this.executor = executor;
        arm(FIRST_BYTE, firstByteNanos);
    }

    /** Starts the header timer of the head being read, unless it runs already. */
    void armHead(final EventExecutor executor) {
        if (kind == HEAD) {
            return;
        }
        if (headNanos == 0) {
            kind = NONE;
            return;
        }
        this.executor = executor;
        arm(HEAD, headNanos);
    }

    /**
     * Stops whichever timer runs and cancels its task, if scheduled: left queued, the task would stay in the loop's
     * queue (an object per connection) until its deadline, though an idle connection needs no head timer.
     */
    void disarm() {
        kind = NONE;
        final ScheduledFuture<?> f = future;
        if (f != null) {
            future = null;
            f.cancel(false);
        }
    }

    /** Stops the timers and cancels the task (the connection is gone). */
    void cancel() {
        disarm();
    }

    private void arm(final int k, final long timeoutNanos) {
        kind = k;
        deadline = executor.ticker().nanoTime() + timeoutNanos;
        final ScheduledFuture<?> f = future;
        if (f != null) {
            if (fireAt - deadline <= 0) {
                return;   // the task runs first and re-arms itself for the rest
            }
            f.cancel(false);   // it would run too late (a first-byte deadline beyond a shorter header timeout)
        }
        fireAt = deadline;
        future = executor.schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        future = null;
        final int k = kind;
        if (k == NONE) {
            return;
        }
        final long left = deadline - executor.ticker().nanoTime();
        if (left > 0) {
            fireAt = deadline;
            future = executor.schedule(this, left, TimeUnit.NANOSECONDS);
            return;
        }
        kind = NONE;
        expiry.onHeadTimeout(k);
    }
}
