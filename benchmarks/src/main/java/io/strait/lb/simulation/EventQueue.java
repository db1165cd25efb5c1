package io.strait.lb.simulation;

import java.util.Arrays;

/**
 * NOT thread safe: confined to one simulation run. A binary min-heap of simulation events on parallel primitive
 * arrays, ordered by simulated time and then by insertion order, so equal times pop in a fixed order and a run is
 * reproducible.
 *
 * <p>An event is a request index and a host index; {@link #ARRIVAL} as the host index marks an arrival.
 */
final class EventQueue {

    /** The host index of an arrival event. */
    static final int ARRIVAL = -1;

    private double[] times;
    private long[] seqs;
    private int[] requests;
    private int[] hosts;
    private int size;
    private long nextSeq;

    EventQueue(final int initialCapacity) {
        final int c = Math.max(2, initialCapacity);
        times = new double[c];
        seqs = new long[c];
        requests = new int[c];
        hosts = new int[c];
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds an event at simulated time {@code time}. */
    void add(final double time, final int request, final int host) {
        if (size == times.length) {
            grow();
        }
        int i = size++;
        final long seq = nextSeq++;
        while (i > 0) {
            final int parent = (i - 1) >>> 1;
            if (!less(time, seq, times[parent], seqs[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, time, seq, request, host);
    }

    /** The time of the earliest event; only when not empty. */
    double topTime() {
        return times[0];
    }

    /** The request of the earliest event; only when not empty. */
    int topRequest() {
        return requests[0];
    }

    /** The host of the earliest event, or {@link #ARRIVAL}; only when not empty. */
    int topHost() {
        return hosts[0];
    }

    /** Removes the earliest event; only when not empty. */
    void removeTop() {
        final int last = --size;
        if (last == 0) {
            return;
        }
        final double time = times[last];
        final long seq = seqs[last];
        final int request = requests[last];
        final int host = hosts[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && less(times[child + 1], seqs[child + 1], times[child], seqs[child])) {
                child++;
            }
            if (!less(times[child], seqs[child], time, seq)) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, time, seq, request, host);
    }

    private static boolean less(final double t1, final long s1, final double t2, final long s2) {
        return t1 < t2 || (t1 == t2 && s1 < s2);
    }

    private void move(final int from, final int to) {
        set(to, times[from], seqs[from], requests[from], hosts[from]);
    }

    private void set(final int i, final double time, final long seq, final int request, final int host) {
        times[i] = time;
        seqs[i] = seq;
        requests[i] = request;
        hosts[i] = host;
    }

    private void grow() {
        final int c = times.length * 2;
        times = Arrays.copyOf(times, c);
        seqs = Arrays.copyOf(seqs, c);
        requests = Arrays.copyOf(requests, c);
        hosts = Arrays.copyOf(hosts, c);
    }
}
