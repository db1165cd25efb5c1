package io.strait.load;

import io.netty.channel.Channel;

/**
 * Confined to its worker's event loop: what the HTTP/1.1 and HTTP/2 slots share, their run lifecycle (open ahead,
 * start on the schedule, stop counting what is left) around the one channel a slot keeps at a time.
 */
abstract class AbstractLoadSlot implements LoadSlot {

    final Worker worker;
    /** This slot's send schedule and timer; its timer calls {@link #pump()}. */
    final SlotSchedule schedule;
    /** The slot's current channel, or null while it has none. */
    Channel channel;
    /** No reconnect before this time (after a failure: the reconnect delay). */
    long notBeforeNanos;

    AbstractLoadSlot(final Worker worker, final long slot) {
        this.worker = worker;
        this.schedule = new SlotSchedule(worker, slot, this::pump);
    }

    /** Sends whatever is due, connecting first if needed; schedules the next due time. */
    abstract void pump();

    /** Opens a new channel; {@code now} is when the attempt starts. */
    abstract void connect(long now);

    /** At the end of the run: forgets the requests still outstanding and returns how many there were. */
    abstract int dropOutstanding();

    /**
     * Pump's first step: returns true when the slot has no channel, after connecting now or arming the timer for when
     * it may (the next due request in the open loop, not before {@link #notBeforeNanos}).
     */
    final boolean connecting(final long now) {
        if (channel != null) {
            return false;
        }
        if (schedule.connectNow(now, notBeforeNanos)) {
            connect(now);
        }
        return true;
    }

    /** A connect attempt failed: counts it, drops the channel and reconnects after the delay. */
    final void connectFailed() {
        worker.count(LoadCounter.CONNECT_ERRORS, 1);
        worker.connectDone();
        channel = null;
        notBeforeNanos = System.nanoTime() + SlotSchedule.RECONNECT_DELAY_NANOS;
        pump();
    }

    /** Opens the channel ahead of the run. */
    @Override
    public final void preconnect() {
        if (channel == null) {
            connect(System.nanoTime());
        }
    }

    /** Starts sending; {@code t0} is the run's start. */
    @Override
    public final void start(final long t0) {
        schedule.start(t0);
        pump();
    }

    @Override
    public final void stop() {
        schedule.stop(System.nanoTime());
        worker.count(LoadCounter.ABANDONED, dropOutstanding());
        final Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }
}
