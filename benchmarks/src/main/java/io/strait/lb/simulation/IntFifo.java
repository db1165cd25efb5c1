package io.strait.lb.simulation;

/**
 * NOT thread safe: confined to one simulation run. A growable FIFO ring of ints (request indices waiting at a host).
 */
final class IntFifo {

    private int[] ring = new int[16];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    void add(final int value) {
        if (size == ring.length) {
            final int[] bigger = new int[ring.length * 2];
            for (int k = 0; k < size; k++) {
                bigger[k] = ring[(head + k) & (ring.length - 1)];
            }
            ring = bigger;
            head = 0;
        }
        ring[(head + size) & (ring.length - 1)] = value;
        size++;
    }

    /** The oldest value, removed; only when not empty. */
    int poll() {
        final int v = ring[head];
        head = (head + 1) & (ring.length - 1);
        size--;
        return v;
    }
}
