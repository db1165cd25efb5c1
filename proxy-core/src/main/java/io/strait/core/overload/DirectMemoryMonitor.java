package io.strait.core.overload;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/**
 * Confined to the sampler thread. Direct memory held by live buffers, against the max direct memory
 * ({@code -XX:MaxDirectMemorySize}, or Netty's {@code io.netty.maxDirectMemory}; the JVM's default is the max heap)
 * or a configured budget.
 *
 * <p>What the process has reserved is the JDK's count of {@code ByteBuffer.allocateDirect} (the "direct" buffer
 * pool) and Netty's own count ({@link PlatformDependent#usedDirectMemory()}, when Netty keeps one). When Netty
 * allocates without a cleaner (raw {@code Unsafe} memory the JDK does not see) the two are disjoint and add up;
 * otherwise Netty's count is of buffers the JDK counts too (Netty 4.2 counts its cleaner-backed allocations), and the
 * larger is the total. From that the pooled
 * allocator's idle memory is taken off (its chunks' bytes that no live buffer pins), as Envoy's heap monitor takes
 * off the allocator's free pages: the pool hands that memory out again before it asks for more, so it is not
 * pressure. What is left is what buffers hold: queued writes, reads in flight, caches.
 */
final class DirectMemoryMonitor implements ResourceMonitor {

    private final PooledByteBufAllocator pool;
    private final BufferPoolMXBean jdkDirect;
    private final long max;
    /** True when Netty allocates direct memory the JDK does not count (its count and the JDK's are disjoint). */
    private final boolean noCleaner = PlatformDependent.useDirectBufferNoCleaner();

    /** A monitor of the process's direct memory, net of {@code pool}'s idle chunks, against {@code configuredMax}. */
    DirectMemoryMonitor(final long configuredMax, final PooledByteBufAllocator pool) {
        this.pool = pool;
        BufferPoolMXBean direct = null;
        for (final BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) {
                direct = b;
            }
        }
        this.jdkDirect = direct;
        this.max = configuredMax > 0 ? configuredMax : PlatformDependent.maxDirectMemory();
    }

    @Override
    public long used() {
        final long netty = Math.max(0, PlatformDependent.usedDirectMemory());
        final long jdk = jdkDirect == null ? 0 : Math.max(0, jdkDirect.getMemoryUsed());
        final long reserved = noCleaner ? netty + jdk : Math.max(netty, jdk);
        final long idle = pool == null ? 0
            : Math.max(0, pool.metric().usedDirectMemory() - pool.pinnedDirectMemory());
        return Math.max(0, reserved - idle);
    }

    @Override
    public long max() {
        return max;
    }
}
