package io.strait.core.codec.http1;

import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * The one timer of a downstream connection, kept as at most one entry in its loop's {@link Http1TimerHeap} (not a
 * scheduled task of its own: every idle connection has its idle timeout armed): the two timers that guard a request
 * head, the first-byte timer (a new connection that sends nothing) and the header timer (a head must be complete this
 * long after its first byte; not reset per byte), and one deadline of the handler after the codec (the proxy's idle
 * timeout between requests: {@link Http1ServerCodec#armConnectionDeadline}). Arming a later deadline does not
 * reschedule: the task re-arms itself for the rest when it runs, so a connection costs one schedule per head that
 * arrives in pieces, and none for a head that arrives whole or a keep-alive request that moves the idle deadline on.
 * A connection with nothing armed has no entry queued. Confined to its channel's event loop.
 */
final class Http1ConnectionTimer implements Runnable {

    /** No head timer runs. */
    static final int NONE = 0;
    /** A new connection has sent nothing yet. */
    static final int FIRST_BYTE = 1;
    /** A head has started and is not complete. */
    static final int HEAD = 2;

    /**
     * Told when a head timer expires ({@link Http1ServerCodec#onHeadTimeout}); its limits give the head timers'
     * lengths (read when armed, not kept here: every idle connection has one of these).
     */
    private final Http1ServerCodec expiry;
    private EventExecutor executor;
    private int kind = NONE;
    /** The head timer's deadline (valid while kind is not NONE), in the executor's ticker time. */
    private long deadline;
    /** The handler's deadline (0: none) and what runs then. */
    private long otherAt;
    private Runnable other;
    /** The heap this timer queues in (its executor's), once armed. */
    private Http1TimerHeap heap;
    /** When this timer's entry is due (valid while queued); set by the heap. */
    long fireAt;
    /** The entry's place in the heap; -1: not queued. Set by the heap. */
    int index = -1;

    /** Head timers of {@code expiry}'s limits' lengths (0: off) that call {@code expiry}. */
    Http1ConnectionTimer(final Http1ServerCodec expiry) {
        this.expiry = expiry;
    }

    /** The head timer running ({@link #NONE}, {@link #FIRST_BYTE} or {@link #HEAD}). */
    int kind() {
        return kind;
    }

    /** True while queued in the loop's heap. */
    boolean scheduled() {
        return index >= 0;
    }

    /** Starts the first-byte timer of a new connection, on {@code executor} (once: not while a head timer runs). */
    void armFirstByte(final EventExecutor executor) {
        final long firstByteNanos = TimeUnit.MILLISECONDS.toNanos(expiry.limits().firstByteTimeoutMillis());
        if (firstByteNanos == 0 || kind != NONE) {
            return;
        }
        this.executor = executor;
        kind = FIRST_BYTE;
        deadline = executor.ticker().nanoTime() + firstByteNanos;
        schedule();
    }

    /** Starts the header timer of the head being read, unless it runs already. */
    void armHead(final EventExecutor executor) {
        if (kind == HEAD) {
            return;
        }
        final long headNanos = TimeUnit.MILLISECONDS.toNanos(expiry.limits().requestHeaderTimeoutMillis());
        if (headNanos == 0) {
            kind = NONE;
            return;
        }
        this.executor = executor;
        kind = HEAD;
        deadline = executor.ticker().nanoTime() + headNanos;
        schedule();
    }

    /**
     * Runs {@code callback} once {@code delayNanos} have passed, or earlier if an earlier one is armed already (the
     * callback then checks its own deadline and arms again): the handler's one deadline.
     */
    void armOther(final EventExecutor executor, final long delayNanos, final Runnable callback) {
        this.executor = executor;
        final long at = executor.ticker().nanoTime() + Math.max(0, delayNanos);
        other = callback;
        if (otherAt == 0 || at - otherAt < 0) {
            otherAt = at;
            schedule();
        }
    }

    /** Stops the head timer; the task goes too when nothing else is armed (an idle connection keeps no head timer). */
    void disarm() {
        kind = NONE;
        if (otherAt == 0) {
            cancelTask();
        }
    }

    /** Stops everything (the connection is gone). */
    void cancel() {
        kind = NONE;
        otherAt = 0;
        other = null;
        cancelTask();
    }

    private void cancelTask() {
        if (index >= 0) {
            heap.remove(this);
        }
    }

    /** Makes sure the task runs by the earliest deadline armed. */
    private void schedule() {
        long next = kind != NONE ? deadline : 0;
        if (otherAt != 0 && (next == 0 || otherAt - next < 0)) {
            next = otherAt;
        }
        if (next == 0) {
            return;
        }
        if (index >= 0) {
            if (fireAt - next <= 0) {
                return;   // the entry comes due first and re-arms itself for the rest
            }
            heap.moveEarlier(this, next);   // it would come due too late
            return;
        }
        Http1TimerHeap h = heap;
        if (h == null || h.executor() != executor) {
            h = Http1TimerHeap.of(executor);
            heap = h;
        }
        h.offer(this, next);
    }

    /** The entry came due (it is out of the heap): runs what expired, and queues itself again for the rest. */
    @Override
    public void run() {
        final long now = executor.ticker().nanoTime();
        final int k = kind;
        if (k != NONE && deadline - now <= 0) {
            kind = NONE;
            expiry.onHeadTimeout(k);
        }
        final long o = otherAt;
        if (o != 0 && o - now <= 0) {
            otherAt = 0;
            final Runnable r = other;
            if (r != null) {
                r.run();
            }
        }
        if (index < 0) {
            schedule();
        }
    }
}
