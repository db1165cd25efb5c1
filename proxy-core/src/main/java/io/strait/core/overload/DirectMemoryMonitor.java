package io.strait.core.overload;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.LongSupplier;

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
 *
 * <p>The JDK's count is read where the launcher exports {@code jdk.internal.misc} (its {@code VM.getBufferPools()},
 * the figure the "direct" {@link BufferPoolMXBean} reports), else from that bean: looking the bean up loads the
 * platform MBean machinery, some 150 classes (~1 MiB of resident memory) an idle proxy does not otherwise need.
 */
final class DirectMemoryMonitor implements ResourceMonitor {

    private final PooledByteBufAllocator pool;
    /** The JDK's "direct" buffer pool's bytes in use (0 when there is no such pool). */
    private final LongSupplier jdkDirect;
    private final long max;
    /** True when Netty allocates direct memory the JDK does not count (its count and the JDK's are disjoint). */
    private final boolean noCleaner = PlatformDependent.useDirectBufferNoCleaner();

    /** A monitor of the process's direct memory, net of {@code pool}'s idle chunks, against {@code configuredMax}. */
    DirectMemoryMonitor(final long configuredMax, final PooledByteBufAllocator pool) {
        this.pool = pool;
        final LongSupplier internal = internalDirectPool();
        this.jdkDirect = internal != null ? internal : MxBean.directPool();
        this.max = configuredMax > 0 ? configuredMax : PlatformDependent.maxDirectMemory();
    }

    @Override
    public long used() {
        final long netty = Math.max(0, PlatformDependent.usedDirectMemory());
        final long jdk = Math.max(0, jdkDirect.getAsLong());
        final long reserved = noCleaner ? netty + jdk : Math.max(netty, jdk);
        final long idle = pool == null ? 0
            : Math.max(0, pool.metric().usedDirectMemory() - pool.pinnedDirectMemory());
        return Math.max(0, reserved - idle);
    }

    @Override
    public long max() {
        return max;
    }

    /**
     * The JDK's "direct" pool through {@code jdk.internal.misc.VM.getBufferPools()}, or null where that package is not
     * exported to Strait (or the JDK has no such pool): reflection, so that the code compiles and runs without the
     * export.
     */
    static LongSupplier internalDirectPool() {
        try {
            final Class<?> vm = Class.forName("jdk.internal.misc.VM");
            final Class<?> poolType = Class.forName("jdk.internal.misc.VM$BufferPool");
            final Method name = poolType.getMethod("getName");
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (final Object p : (List<?>) vm.getMethod("getBufferPools").invoke(null)) {
                if ("direct".equals(name.invoke(p))) {
                    // a method handle, not Method.invoke at each sample: on JDK 17 the 16th reflective call
                    // generates an accessor class (and a class loader for it)
                    final MethodHandle used = lookup.findVirtual(poolType, "getMemoryUsed",
                        MethodType.methodType(long.class)).bindTo(p);
                    if ((long) used.invokeExact() < 0) {   // fails here, not at each sample
                        return null;
                    }
                    return () -> {
                        try {
                            return (long) used.invokeExact();
                        } catch (final Throwable t) {
                            throw new IllegalStateException("reading the JDK's direct buffer pool", t);
                        }
                    };
                }
            }
            return null;
        } catch (final Throwable t) {
            return null;
        }
    }

    /** The bean's figure, in a class of its own so that the management classes load only when it is used. */
    private static final class MxBean {
        static LongSupplier directPool() {
            for (final BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if (b.getName().equals("direct")) {
                    return b::getMemoryUsed;
                }
            }
            return () -> 0;
        }
    }
}
