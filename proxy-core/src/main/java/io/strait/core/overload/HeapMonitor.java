package io.strait.core.overload;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;

/**
 * Confined to the sampler thread. Heap in use against the max heap ({@code -Xmx}) or a configured budget. The young
 * generation's allocation space (every pool named "Eden") is left out: between two young collections it is mostly
 * garbage, and counting it would make the pressure swing by the eden's size every few milliseconds (a 64 MiB heap
 * with a 20 MiB eden would read 95% just before each young collection). What is left (survivors, old generation, or
 * the single pool of ZGC and Shenandoah) grows with what the proxy keeps alive.
 */
final class HeapMonitor implements ResourceMonitor {

    private final List<MemoryPoolMXBean> pools = new ArrayList<>();
    private final long max;

    /** A monitor against {@code configuredMax} bytes, or the JVM's max heap when 0. */
    HeapMonitor(final long configuredMax) {
        for (final MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.isValid() && !p.getName().contains("Eden")) {
                pools.add(p);
            }
        }
        final long jvmMax = Runtime.getRuntime().maxMemory();
        this.max = configuredMax > 0 ? configuredMax : jvmMax == Long.MAX_VALUE ? 0 : jvmMax;
    }

    @Override
    public long used() {
        long used = 0;
        for (final MemoryPoolMXBean p : pools) {
            used += p.getUsage().getUsed();
        }
        return used;
    }

    @Override
    public long max() {
        return max;
    }
}
