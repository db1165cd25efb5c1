package io.strait.lb.algorithm;

/**
 * Not thread-safe: confined to its event loop. An earliest-deadline-first scheduler over entries {@code 0..n-1}, as
 * Envoy's {@code edf_scheduler.h}: each entry has a deadline; {@link #top()} is the entry with the earliest one, and
 * {@link #advanceTop(double)} moves that entry's deadline on by an interval ({@code 1 / weight}), so over time each
 * entry comes up in proportion to its weight and the picks interleave smoothly. Equal deadlines go first-in first-out,
 * so equal weights give plain round robin in entry order.
 *
 * <p>A binary min-heap over primitive arrays: no boxing, no allocation after construction. Deadlines are rebased
 * (the earliest one's integer part subtracted from all) when they pass {@link #REBASE_AT}, so doubles never lose
 * the precision that tells neighbouring deadlines apart, however long the scheduler runs.
 */
final class EdfScheduler {

    /** The deadline beyond which all deadlines are shifted back towards zero. */
    static final double REBASE_AT = 1024.0;

    private final int[] heap;
    private final double[] deadline;
    private final long[] order;
    private final int size;
    private long nextOrder;

    /**
     * A scheduler whose entry {@code i} first comes due at {@code intervals[i]}.
     *
     * @param intervals each entry's first interval ({@code 1 / weight}), all finite and &gt; 0; length &gt; 0
     */
    EdfScheduler(final double[] intervals) {
        final int n = intervals.length;
        this.size = n;
        this.heap = new int[n];
        this.deadline = intervals.clone();
        this.order = new long[n];
        for (int i = 0; i < n; i++) {
            heap[i] = i;
            order[i] = i;
        }
        this.nextOrder = n;
        for (int i = (n >>> 1) - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    /** The entry with the earliest deadline. */
    int top() {
        return heap[0];
    }

    /** Moves the earliest entry's deadline on by {@code interval} (&gt; 0) and reorders; its ties now go last. */
    void advanceTop(final double interval) {
        final int e = heap[0];
        final double d = deadline[e] + interval;
        deadline[e] = d;
        order[e] = nextOrder++;
        siftDown(0);
        final double earliest = deadline[heap[0]];
        if (earliest > REBASE_AT) {
            rebase(Math.floor(earliest));
        }
    }

    private void rebase(final double by) {
        // Subtracting one constant keeps the order of all deadlines (and keeps equal ones equal).
        final double[] dl = deadline;
        for (int i = 0; i < size; i++) {
            dl[i] -= by;
        }
    }

    private void siftDown(final int from) {
        final int[] h = heap;
        final int n = size;
        final int e = h[from];
        int i = from;
        while (true) {
            int child = (i << 1) + 1;
            if (child >= n) {
                break;
            }
            final int right = child + 1;
            if (right < n && before(h[right], h[child])) {
                child = right;
            }
            if (!before(h[child], e)) {
                break;
            }
            h[i] = h[child];
            i = child;
        }
        h[i] = e;
    }

    private boolean before(final int a, final int b) {
        final double da = deadline[a];
        final double db = deadline[b];
        return da < db || (da == db && order[a] < order[b]);
    }
}
