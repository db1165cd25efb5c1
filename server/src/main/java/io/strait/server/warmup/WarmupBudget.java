package io.strait.server.warmup;

import java.util.concurrent.CountDownLatch;

/**
 * The warm-up's request budget and tallies, shared by the client's connections. Confined to the client's one event
 * loop while it runs; the launcher thread reads the tallies only after {@link #await} returned (the latch orders it).
 */
final class WarmupBudget {

    private final long deadlineNanos;
    private final CountDownLatch allClosed;
    private int left;
    private int http1;
    private int http2;
    private int failed;

    WarmupBudget(final int requests, final long deadlineNanos, final int connections) {
        this.left = requests;
        this.deadlineNanos = deadlineNanos;
        this.allClosed = new CountDownLatch(connections);
    }

    /** True, taking one request, while requests are left and the deadline has not passed. */
    boolean take() {
        if (left <= 0 || System.nanoTime() - deadlineNanos >= 0) {
            return false;
        }
        left--;
        return true;
    }

    /** Counts one answer: 2xx over HTTP/2 or HTTP/1.1, else failed. */
    void answered(final boolean http2Answer, final int status) {
        if (status < 200 || status > 299) {
            failed++;
        } else if (http2Answer) {
            http2++;
        } else {
            http1++;
        }
    }

    /** Counts requests lost with a connection. */
    void lost(final int requests) {
        failed += requests;
    }

    /** One connection of the client is closed (or never opened). */
    void connectionDone() {
        allClosed.countDown();
    }

    /** Waits for every connection to close, at most until {@code untilNanos}; true if they all did. */
    boolean await(final long untilNanos) throws InterruptedException {
        return allClosed.await(Math.max(0, untilNanos - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    int http1() {
        return http1;
    }

    int http2() {
        return http2;
    }

    int failed() {
        return failed;
    }
}
