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
 *
 * <p>The pool beans are looked up only once the heap as a whole (live objects and garbage, young and old: {@link
 * Runtime}) first holds an eighth of its maximum (or of the configured budget, when smaller); until then the monitor
 * reads 0 used (against the budget, or the heap's maximum).
 * Looking the beans up loads the platform MBean machinery, some 150 classes (~1 MiB of resident memory) an idle proxy
 * does not otherwise need, and below that mark the old generation, which cannot hold more than the whole heap, is
 * under 19% of its own maximum with the collectors' default generation sizes: far from any threshold that means
 * anything for the heap (the defaults are 0.90 and 0.95).
 */
final class HeapMonitor implements ResourceMonitor {

    /** The pools are looked up once the whole heap uses its maximum divided by this. */
    private static final long GATE_DIVISOR = 8;

    private final long configuredMax;
    /** The whole heap's use at which the pools are looked up. */
    private final long gate;
    /** The old generation's pools; null until the heap first reached {@link #gate}. */
    private List<MemoryPoolMXBean> pools;
    /**
     * The pools' summed maximum, read once when they are looked up (HotSpot fixes each pool's maximum at start, from
     * the space it reserved; reading it again each sample cost a JNI call and a MemoryUsage object per pool); -1 when
     * a pool has none.
     */
    private long poolsMax;

    /** A monitor against {@code configuredMax} bytes, or the old generation's own maximum when 0. */
    HeapMonitor(final long configuredMax) {
        this(configuredMax, gate(Runtime.getRuntime().maxMemory(), configuredMax));
    }

    /** An eighth of the heap's maximum, or of the configured budget when that is smaller. */
    static long gate(final long heapMax, final long configuredMax) {
        return (configuredMax > 0 ? Math.min(heapMax, configuredMax) : heapMax) / GATE_DIVISOR;
    }

    /** As {@link #HeapMonitor(long)}, the pools looked up once the whole heap uses {@code gate} bytes (tests). */
    HeapMonitor(final long configuredMax, final long gate) {
        this.configuredMax = configuredMax;
        this.gate = gate;
    }

    /** The old generation's pools, or null while the whole heap is under the gate. */
    private List<MemoryPoolMXBean> pools() {
        if (pools == null) {
            final Runtime rt = Runtime.getRuntime();
            if (rt.totalMemory() - rt.freeMemory() >= gate) {
                final List<MemoryPoolMXBean> found = OldPools.find();
                poolsMax = OldPools.max(found);
                pools = found;
            }
        }
        return pools;
    }

    @Override
    public long used() {
        final List<MemoryPoolMXBean> old = pools();
        if (old == null) {
            return 0;
        }
        long used = 0;
        for (final MemoryPoolMXBean p : old) {
            final MemoryUsage after = p.getCollectionUsage();
            used += after == null ? p.getUsage().getUsed() : after.getUsed();
        }
        return used;
    }

    /**
     * The configured budget, else the sum of the old pools' maxima (the max heap where one is undefined, or while the
     * pools are not looked up yet).
     */
    @Override
    public long max() {
        if (configuredMax > 0) {
            return configuredMax;
        }
        final long heap = Runtime.getRuntime().maxMemory();
        final List<MemoryPoolMXBean> old = pools();
        if (old == null || poolsMax < 0) {
            return heap == Long.MAX_VALUE ? 0 : heap;
        }
        return poolsMax;   // 0 for no pools
    }

    /** The pool lookup, in a class of its own so that the management classes load only when it is used. */
    private static final class OldPools {
        static List<MemoryPoolMXBean> find() {
            final List<MemoryPoolMXBean> found = new ArrayList<>();
            for (final MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                final String name = p.getName().toLowerCase(Locale.ROOT);
                if (p.getType() == MemoryType.HEAP && p.isValid() && !name.contains("eden")
                    && !name.contains("survivor") && !name.contains("young")) {
                    found.add(p);
                }
            }
            return found;
        }

        /** The summed maximum of {@code pools}, or -1 when one of them has none. */
        static long max(final List<MemoryPoolMXBean> pools) {
            long max = 0;
            for (final MemoryPoolMXBean p : pools) {
                final long m = p.getUsage().getMax();
                if (m < 0) {
                    return -1;
                }
                max += m;
            }
            return max;
        }
    }
}
