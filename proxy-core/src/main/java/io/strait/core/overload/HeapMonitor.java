package io.strait.core.overload;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Confined to the sampler thread. The old generation's use against its own maximum (or against a configured budget).
 * The young generation (pools named Eden, Survivor or Young) is left out: between two young collections it is mostly
 * garbage, and counting it would make the pressure swing by the eden's size every few milliseconds (a 64 MiB heap
 * with a 20 MiB eden would read 95% just before each young collection). The old generation (or the single pool of
 * ZGC and Shenandoah) is read as the last collection that covered it left it ({@link
 * MemoryPoolMXBean#getCollectionUsage()}): with the serial collector the old generation fills up with garbage
 * between two full collections, and reading it live would raise an alarm before every one of them; what a
 * collection could not free is what the proxy keeps alive. Before the first such collection it reads 0: an old
 * generation that has never been collected has never been short of room (serial, parallel and G1 all collect it
 * before they would fail an allocation). A pool without collection figures is read live.
 *
 * <p>Against the old generation's own maximum, not the whole heap's: with the serial or parallel collector the old
 * generation can never hold more than its share of the heap (two thirds by default), and it is full, the next full
 * collection failing, at 100% of that, not at 67% of {@code -Xmx}. G1's old generation may take the whole heap, and
 * reports that as its maximum.
 */
final class HeapMonitor implements ResourceMonitor {

    private final List<MemoryPoolMXBean> pools = new ArrayList<>();
    private final long configuredMax;

    /** A monitor against {@code configuredMax} bytes, or the old generation's own maximum when 0. */
    HeapMonitor(final long configuredMax) {
        for (final MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            final String name = p.getName().toLowerCase(Locale.ROOT);
            if (p.getType() == MemoryType.HEAP && p.isValid() && !name.contains("eden") && !name.contains("survivor")
                && !name.contains("young")) {
                pools.add(p);
            }
        }
        this.configuredMax = configuredMax;
    }

    @Override
    public long used() {
        long used = 0;
        for (final MemoryPoolMXBean p : pools) {
            final MemoryUsage after = p.getCollectionUsage();
            used += after == null ? p.getUsage().getUsed() : after.getUsed();
        }
        return used;
    }

    /** The configured budget, else the sum of the old pools' maxima (the max heap where one is undefined). */
    @Override
    public long max() {
        if (configuredMax > 0) {
            return configuredMax;
        }
        final long heap = Runtime.getRuntime().maxMemory();
        long max = 0;
        for (final MemoryPoolMXBean p : pools) {
            final long m = p.getUsage().getMax();
            if (m < 0) {
                return heap == Long.MAX_VALUE ? 0 : heap;
            }
            max += m;
        }
        return pools.isEmpty() ? 0 : max;
    }
}
