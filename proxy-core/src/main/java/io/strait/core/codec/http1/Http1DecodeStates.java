package io.strait.core.codec.http1;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * One event loop's pool of {@link Http1DecodeState}s, shared by all the downstream HTTP/1.1 connections on it: a
 * connection takes one when a request starts and gives it back when it goes idle, so memory follows the requests in
 * flight, not the connections open, and a busy loop reuses the same few states without allocating. The pool keeps
 * at most {@link #MAX_POOLED} idle states; more (after a burst of concurrent requests) are left to the GC.
 *
 * <p>Per thread (a {@link FastThreadLocal}: an event loop is one thread), so confined to it: no locks.
 */
final class Http1DecodeStates {

    /** Idle states kept per loop, at most (~1.3 KB each). */
    static final int MAX_POOLED = 256;

    private static final FastThreadLocal<Http1DecodeStates> LOOP = new FastThreadLocal<>() {
        @Override
        protected Http1DecodeStates initialValue() {
            return new Http1DecodeStates();
        }
    };

    private final Http1DecodeState[] idle = new Http1DecodeState[MAX_POOLED];
    private int size;
    /** States made because the pool was empty (tests; read on the loop). */
    private long created;

    /** The pool of the calling thread (the connection's event loop). */
    static Http1DecodeStates current() {
        return LOOP.get();
    }

    /** An idle state readied for {@code limits}: a pooled one, or a new one when none is left. */
    Http1DecodeState take(final Http1Limits limits) {
        final int n = size;
        if (n == 0) {
            created++;
            return new Http1DecodeState(limits);
        }
        final Http1DecodeState s = idle[n - 1];
        idle[n - 1] = null;
        size = n - 1;
        s.take(limits);
        return s;
    }

    /**
     * Takes {@code s} back; a full pool leaves it to the GC. Its head may still be the exchange's, which reads and
     * releases it before the loop does anything else (the codec gives its state back as the response's end is
     * written, and only a later read on some connection takes it again).
     */
    void give(final Http1DecodeState s) {
        final int n = size;
        if (n < MAX_POOLED) {
            idle[n] = s;
            size = n + 1;
        }
    }

    /** Idle states in the pool. */
    int size() {
        return size;
    }

    /** States made so far because the pool was empty. */
    long created() {
        return created;
    }
}
