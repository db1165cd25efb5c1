package io.strait.core.codec.http1;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The armed {@link Http1ConnectionTimer}s of one event loop, in a binary heap by when each is due, behind one scheduled
 * task for the earliest: a connection's timer is an entry in this loop's array, not a scheduled task of its own (a
 * Netty {@code ScheduledFutureTask}, 64 bytes, which every idle keep-alive connection kept queued for its idle
 * timeout). The task is moved only when a timer comes due before it; a timer that comes due later, or leaves, leaves
 * the task as it is (when it runs early it finds nothing due and schedules itself for the earliest entry, if any).
 *
 * <p>One per thread, bound to the executor of the timers it holds; confined to that executor's thread. A thread that
 * runs timers of several executors (tests: embedded channels, each with a clock of its own) gives a timer of another
 * executor a heap of its own while its heap holds another's timers.
 */
final class Http1TimerHeap implements Runnable {

    private static final FastThreadLocal<Http1TimerHeap> THREAD = new FastThreadLocal<>();
    /** The array shrinks (by half, when under a quarter full) only above this length. */
    private static final int MIN_SHRINK = 1024;

    private EventExecutor executor;
    private Http1ConnectionTimer[] queue = new Http1ConnectionTimer[16];
    private int size;
    /** The task for the earliest entry (null: none scheduled) and when it runs, in the executor's ticker time. */
    private ScheduledFuture<?> task;
    private long taskAt;

    private Http1TimerHeap(final EventExecutor executor) {
        this.executor = executor;
    }

    /** The heap for timers of {@code executor}, called on its thread. */
    static Http1TimerHeap of(final EventExecutor executor) {
        final Http1TimerHeap h = THREAD.get();
        if (h == null) {
            final Http1TimerHeap fresh = new Http1TimerHeap(executor);
            THREAD.set(fresh);
            return fresh;
        }
        if (h.executor == executor) {
            return h;
        }
        if (h.size == 0 && h.task == null) {
            h.executor = executor;   // nothing of the other executor's left in it
            return h;
        }
        return new Http1TimerHeap(executor);
    }

    /** The executor this heap's timers run on. */
    EventExecutor executor() {
        return executor;
    }

    /** Timers queued now (tests). */
    int size() {
        return size;
    }

    /** Queues {@code t} (not queued) to run at {@code at}. */
    void offer(final Http1ConnectionTimer t, final long at) {
        if (size == queue.length) {
            queue = Arrays.copyOf(queue, size * 2);
        }
        t.fireAt = at;
        t.index = size;
        queue[size++] = t;
        siftUp(t.index);
        ensureTask();
    }

    /** Makes {@code t} (queued) run at {@code at}, earlier than it was to. */
    void moveEarlier(final Http1ConnectionTimer t, final long at) {
        t.fireAt = at;
        siftUp(t.index);
        ensureTask();
    }

    /** Takes {@code t} (queued) out. */
    void remove(final Http1ConnectionTimer t) {
        final int i = t.index;
        t.index = -1;
        final int last = --size;
        if (i != last) {
            final Http1ConnectionTimer moved = queue[last];
            queue[i] = moved;
            moved.index = i;
            siftDown(i);
            siftUp(moved.index);
        }
        queue[last] = null;
        if (queue.length > MIN_SHRINK && last < queue.length >>> 2) {
            queue = Arrays.copyOf(queue, queue.length >>> 1);   // a burst of connections is over: give its room back
        }
    }

    /** Runs the timers that are due (each leaves the heap first, and may queue itself again). */
    @Override
    public void run() {
        task = null;
        final long now = executor.ticker().nanoTime();
        // at most the timers queued now: one that queues itself again due at once runs on the next turn
        for (int budget = size; budget > 0 && size > 0 && queue[0].fireAt - now <= 0; budget--) {
            final Http1ConnectionTimer t = queue[0];
            remove(t);
            t.run();
        }
        if (size > 0 && task == null) {
            ensureTask();
        }
    }

    /** Makes sure the task runs by the earliest entry's time. */
    private void ensureTask() {
        final long first = queue[0].fireAt;
        final ScheduledFuture<?> f = task;
        if (f != null) {
            if (taskAt - first <= 0) {
                return;
            }
            f.cancel(false);
        }
        taskAt = first;
        task = executor.schedule(this, Math.max(0, first - executor.ticker().nanoTime()), TimeUnit.NANOSECONDS);
    }

    private void siftUp(final int from) {
        int i = from;
        final Http1ConnectionTimer t = queue[i];
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            final Http1ConnectionTimer p = queue[parent];
            if (p.fireAt - t.fireAt <= 0) {
                break;
            }
            queue[i] = p;
            p.index = i;
            i = parent;
        }
        queue[i] = t;
        t.index = i;
    }

    private void siftDown(final int from) {
        int i = from;
        final Http1ConnectionTimer t = queue[i];
        final int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            final int right = child + 1;
            if (right < size && queue[right].fireAt - queue[child].fireAt < 0) {
                child = right;
            }
            final Http1ConnectionTimer c = queue[child];
            if (t.fireAt - c.fireAt <= 0) {
                break;
            }
            queue[i] = c;
            c.index = i;
            i = child;
        }
        queue[i] = t;
        t.index = i;
    }
}
