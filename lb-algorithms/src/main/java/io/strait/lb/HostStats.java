package io.strait.lb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Thread-safe: each event loop writes only its own slots, through {@link #inc(int, HostStat)} and
 * {@link #add(int, HostStat, long)} with its loop index; any thread reads {@link #value(HostStat)}, the sum over the
 * loops. The counters of one {@link Host} ({@link HostStat}), kept per loop so that no request-path write is an
 * atomic read-modify-write or shares a cache line with another loop's.
 *
 * <p>One {@code long[]} per host, one region per loop, with {@value #PAD} longs (128 bytes: two cache lines, so
 * adjacent-line prefetch cannot pair two loops' regions either) before and after each region:
 * <pre>
 *   | PAD | loop 0: one slot per HostStat ordinal | PAD | loop 1: ... | PAD | ... | loop n-1: ... | PAD |
 * </pre>
 * A write is a plain read of the loop's slot and an opaque store (on x86 a plain {@code mov}); a read sums the slots
 * with opaque loads, so it sees each loop's count whole, and soon. Size: {@code (16 + 23 × loops) × 8} bytes plus
 * the array header per host (496 bytes with 2 loops, 3.1 KB with 16). Not a {@code StatsScope} per host: its
 * counters are Agrona records in the stats file (a 128-byte value and a 512-byte label record per stat and writer,
 * about 13 KB per host with 2 loops, named in {@code /stats} and the file), and hosts can be many and come and go
 * with DNS; Envoy too keeps host stats out of its stats sinks by default.
 */
public final class HostStats {

    /** Longs of padding around each loop's region. */
    static final int PAD = 16;

    private static final HostStat[] STATS = HostStat.values();
    private static final int STRIDE = STATS.length + PAD;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] values;
    private final int loops;

    /**
     * Zeroed counters for {@code loops} event loops.
     *
     * @param loops the number of event loops that may write, &gt;= 1
     */
    public HostStats(final int loops) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be >= 1: " + loops);
        }
        this.loops = loops;
        this.values = new long[PAD + loops * STRIDE];
    }

    /** The number of event loops that have slots here (valid loop indexes are 0 to this, exclusive). */
    public int loops() {
        return loops;
    }

    /** Adds one to {@code stat} in loop {@code loop}'s slot. Call only on that loop. */
    public void inc(final int loop, final HostStat stat) {
        add(loop, stat, 1);
    }

    /**
     * Adds {@code delta} to {@code stat} in loop {@code loop}'s slot (a gauge's share may be negative). Call only on
     * that loop; a loop index out of range throws {@link ArrayIndexOutOfBoundsException} (the array ends with
     * the last region's padding, so no index check is needed besides the JVM's).
     */
    public void add(final int loop, final HostStat stat, final long delta) {
        final long[] v = values;
        final int i = PAD + loop * STRIDE + stat.ordinal();
        LONGS.setOpaque(v, i, v[i] + delta);
    }

    /** The stat summed over every loop. */
    public long value(final HostStat stat) {
        final long[] v = values;
        final int ordinal = stat.ordinal();
        long sum = 0;
        for (int l = 0; l < loops; l++) {
            sum += (long) LONGS.getOpaque(v, PAD + l * STRIDE + ordinal);
        }
        return sum;
    }
}
