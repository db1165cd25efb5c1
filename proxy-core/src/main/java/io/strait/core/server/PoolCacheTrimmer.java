package io.strait.core.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.concurrent.TimeUnit;

/**
 * Gives the pooled allocator's memory back after a burst. Each event loop keeps a thread cache of recently freed
 * buffers, and Netty trims it only every 8192 allocations on that loop: after a burst (downloads nobody read, then
 * released) an idle loop allocates nothing, so its cache keeps up to hundreds of buffers, and each one keeps its
 * whole pool chunk (4 MiB) from being freed though nothing else in it is used. Once a second on every loop this
 * trims the loop's cache of the entries not taken since the last trim ({@link
 * PooledByteBufAllocator#trimCurrentThreadCache}, what {@code io.netty.allocator.cacheTrimIntervalMillis} would do):
 * an empty chunk is then freed by its arena. A busy loop reuses its entries and loses none; the cost is one task per
 * loop per second, nothing per request.
 *
 * <p>Thread-safe: started once by the server; each task runs on its own loop.
 */
final class PoolCacheTrimmer {

    /** How often each loop trims its cache. */
    static final long INTERVAL_MILLIS = 1000;

    private PoolCacheTrimmer() {
    }

    /** Schedules the trim on every loop of {@code loops} when {@code allocator} is pooled; stops with the loops. */
    static void start(final EventExecutorGroup loops, final ByteBufAllocator allocator) {
        if (!(allocator instanceof PooledByteBufAllocator pooled)) {
            return;
        }
        final Runnable trim = pooled::trimCurrentThreadCache;
        for (final EventExecutor loop : loops) {
            loop.scheduleAtFixedRate(trim, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
