package io.strait.core.overload;

import java.util.function.LongSupplier;

/**
 * Confined to the sampler thread. Open downstream connections over all listeners against a configured budget, or
 * the global connection cap in force ({@code runtime.max_connections}, which an admin override may change).
 */
final class ConnectionsMonitor implements ResourceMonitor {

    private final LongSupplier active;
    private final long configuredMax;
    private final LongSupplier cap;

    /** A monitor of {@code active} against {@code configuredMax}, or against {@code cap} when 0. */
    ConnectionsMonitor(final LongSupplier active, final long configuredMax, final LongSupplier cap) {
        this.active = active;
        this.configuredMax = configuredMax;
        this.cap = cap;
    }

    @Override
    public long used() {
        return active.getAsLong();
    }

    @Override
    public long max() {
        if (configuredMax > 0) {
            return configuredMax;
        }
        final long c = cap.getAsLong();
        return c >= Integer.MAX_VALUE ? 0 : c;   // an unlimited cap gives no budget to measure against
    }
}
