package io.strait.load;

import java.util.concurrent.TimeUnit;

/**
 * Confined to its worker's event loop: the send schedule and the one timer of a {@link LoadSlot}, shared by the
 * HTTP/1.1 and HTTP/2 slots so that both keep the same open-loop schedule and lifecycle.
 *
 * <p>Open loop: slot {@code c} of {@code C} sends its k-th request at {@code t0 + (c + k*C) / rate}, so the C slots
 * together intend exactly one request per {@code 1/rate}; requests intended at or after the run's end are never sent
 * (one due after the measured part would count in it). The timer calls the slot's pump when the next request is due
 * or a reconnect may be tried; at most one is pending, so no timer task is allocated per request.
 */
final class SlotSchedule implements Runnable {

    /** Returned by {@link #takeDue} when no request is due now. */
    static final long NONE = Long.MIN_VALUE;

    /** Delay before reconnecting after a failed or lost connection. */
    static final long RECONNECT_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Worker worker;
    private final long slot;
    private final Runnable pump;
    private long nextSeq;
    private long nextIntendedNanos;
    private boolean timerPending;
    private boolean started;

    SlotSchedule(final Worker worker, final long slot, final Runnable pump) {
        this.worker = worker;
        this.slot = slot;
        this.pump = pump;
    }

    /**
     * Returns when the {@code seq}-th request of slot {@code slot} (of {@code slots}) is due: {@code t0 + (slot +
     * seq * slots) * nanosPerRequest}. Pure, so that the schedule can be checked without a clock.
     */
    static long intendedTime(final long t0, final long slot, final long seq, final long slots,
                             final double nanosPerRequest) {
        return t0 + (long) ((slot + seq * slots) * nanosPerRequest);
    }

    /** Restarts the schedule at the run's start {@code t0}. */
    void start(final long t0) {
        started = true;
        nextSeq = 0;
        nextIntendedNanos = intendedTime(t0, 0);
    }

    private long intendedTime(final long t0, final long seq) {
        return intendedTime(t0, slot, seq, worker.totalSlots(), worker.nanosPerRequest());
    }

    /**
     * Open loop: returns the intended time of the next request and moves past it when it is due at {@code now};
     * else arms the timer for it (unless it falls after the run's end) and returns {@link #NONE}.
     */
    long takeDue(final long now) {
        final long intended = nextIntendedNanos;
        if (intended - worker.endNanos() >= 0) {
            return NONE;   // the schedule is done: nothing more to send in this run
        }
        if (intended > now) {
            arm(intended - now);
            return NONE;
        }
        nextIntendedNanos = intendedTime(worker.t0(), ++nextSeq);
        return intended;
    }

    /**
     * Open loop: returns how many requests this slot intended before {@code until} (capped at the run's end) that
     * it has not sent; the generator fell behind its schedule by that many.
     */
    long unsentBefore(final long until) {
        final long limit = until - worker.endNanos() < 0 ? until : worker.endNanos();
        final long t0 = worker.t0();
        final double npr = worker.nanosPerRequest();
        final long slots = worker.totalSlots();
        // First guess from the inverse of intendedTime, then the exact function settles the rounding.
        long last = (long) (((limit - t0) / npr - slot) / slots);
        while (last >= 0 && intendedTime(t0, slot, last, slots, npr) - limit >= 0) {
            last--;
        }
        while (intendedTime(t0, slot, last + 1, slots, npr) - limit < 0) {
            last++;
        }
        return Math.max(0, last + 1 - nextSeq);
    }

    /** At the end of the run (open loop): counts the requests due by {@code now} that were never sent. */
    void stop(final long now) {
        if (started && worker.openLoop()) {
            worker.count(LoadCounter.UNSENT, unsentBefore(now));
        }
        started = false;
    }

    /** Gives back the request {@link #takeDue} returned last (it could not be sent): it is due again. */
    void giveBack() {
        nextIntendedNanos = intendedTime(worker.t0(), --nextSeq);
    }

    /**
     * A slot without a channel: returns true when it should connect now; else arms the timer for when it may
     * (the next due request in the open loop, not before {@code notBeforeNanos}) and returns false.
     */
    boolean connectNow(final long now, final long notBeforeNanos) {
        long due = now;
        if (worker.openLoop()) {
            due = nextIntendedNanos;
            if (due - worker.endNanos() >= 0) {
                return false;
            }
        }
        due = Math.max(due, notBeforeNanos);
        if (due > now) {
            arm(due - now);
            return false;
        }
        return true;
    }

    private void arm(final long delayNanos) {
        if (!timerPending) {
            timerPending = true;
            worker.loop().schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Timer: the next request is due, or a reconnect may be tried. */
    @Override
    public void run() {
        timerPending = false;
        pump.run();
    }
}
