package io.strait.core.transport;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;

/**
 * Experiment (issue 13, low-rate CPU): polls the ready set without blocking for a bounded time before the loop sleeps: when an event arrives within the
 * spin (a backend's answer a few microseconds after the request went out) the loop takes it without a sleep and a
 * wake-up. Loop-thread only; one instance per event loop.
 */
final class SpinSelectStrategy implements SelectStrategy {

    private final long spinNanos;

    SpinSelectStrategy(final long spinNanos) {
        this.spinNanos = spinNanos;
    }

    @Override
    public int calculateStrategy(final IntSupplier selectSupplier, final boolean hasTasks) throws Exception {
        int ready = selectSupplier.get();
        if (hasTasks || ready > 0) {
            return ready;
        }
        final long end = System.nanoTime() + spinNanos;
        do {
            Thread.onSpinWait();
            ready = selectSupplier.get();
            if (ready > 0) {
                return ready;
            }
        } while (System.nanoTime() - end < 0);
        return SELECT;
    }
}
