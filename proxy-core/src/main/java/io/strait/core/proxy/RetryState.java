package io.strait.core.proxy;

import io.netty.buffer.ByteBuf;
import io.strait.core.route.RetryPolicy;
import io.strait.lb.Host;
import io.strait.lb.resilience.CircuitBreaker;

import java.util.ArrayDeque;

/**
 * The retry bookkeeping of one exchange under a route's {@link RetryPolicy}: the retries done, the hosts tried, the
 * request body kept for a replay, the per-try and backoff deadlines, and the retry slot held in the cluster's
 * breaker. Confined to its downstream connection's event loop; one instance per connection, created the first time
 * a route with a retry policy is used and reused by every later exchange ({@link #begin} / {@link #end}), so an
 * exchange that is not retried allocates nothing here but a retained duplicate per kept body chunk.
 *
 * <p>The body is kept (retained duplicates, in order) while its total stays within the policy's buffer limit and no
 * final response head has arrived; past the limit everything kept is released and the exchange can no longer be
 * replayed (as Envoy does).
 */
final class RetryState {

    /** Hosts remembered as tried; later ones are not remembered (the re-pick only prefers untried hosts). */
    private static final int MAX_TRIED = 8;

    RetryPolicy policy;
    /** Retries started so far in this exchange. */
    int retries;
    /** The request hash the first pick used (ring hash / Maglev); retries perturb it. */
    long hash;
    /** True while every body chunk received so far is kept in {@link #body}. */
    boolean buffering;
    /** Deadline of the current try (System.nanoTime terms), 0 for none. */
    long perTryDeadline;
    /** When the backoff before the next try ends, 0 when no retry is waiting. */
    long backoffDeadline;

    private final ArrayDeque<ByteBuf> body = new ArrayDeque<>(4);
    private long bodyBytes;
    private final Host[] tried = new Host[MAX_TRIED];
    private int triedCount;
    /** The breaker whose retry slot this exchange holds (null: none). */
    private CircuitBreaker retrySlot;

    /** Starts an exchange under {@code p}; {@code first} is the host of its first try. */
    void begin(final RetryPolicy p, final long requestHash, final Host first) {
        policy = p;
        retries = 0;
        hash = requestHash;
        buffering = true;
        perTryDeadline = 0;
        backoffDeadline = 0;
        bodyBytes = 0;
        triedCount = 0;
        addTried(first);
    }

    /** Keeps a retained duplicate of a request body chunk while the body fits the buffer limit. */
    void keep(final ByteBuf buf) {
        if (!buffering) {
            return;
        }
        bodyBytes += buf.readableBytes();
        if (bodyBytes > policy.bufferLimit()) {
            stopBuffering();
            return;
        }
        body.add(buf.retainedDuplicate());
    }

    /** The exchange will not be replayed any more: releases the kept body. */
    void stopBuffering() {
        buffering = false;
        ByteBuf b;
        while ((b = body.poll()) != null) {
            b.release();
        }
    }

    /** Appends the kept body to {@code out} as retained duplicates (the kept copies stay for a later retry). */
    void replayInto(final ArrayDeque<Object> out) {
        for (final ByteBuf b : body) {
            out.add(b.retainedDuplicate());
        }
    }

    /** Takes a retry slot of {@code breaker}; false (nothing taken) when max_retries or the budget refuses it. */
    boolean tryAcquireRetrySlot(final CircuitBreaker breaker) {
        if (!breaker.tryAcquireRetry()) {
            return false;
        }
        retrySlot = breaker;
        return true;
    }

    /** Gives the retry slot back, if one is held: the retried try is over. */
    void releaseRetrySlot() {
        final CircuitBreaker b = retrySlot;
        if (b != null) {
            retrySlot = null;
            b.releaseRetry();
        }
    }

    /** A final response head arrived and will be forwarded: no more retries in this exchange. */
    void settle() {
        stopBuffering();
        releaseRetrySlot();
        perTryDeadline = 0;
        backoffDeadline = 0;
    }

    /** The exchange is over: releases everything it held. */
    void end() {
        settle();
        policy = null;
        for (int i = 0; i < triedCount; i++) {
            tried[i] = null;
        }
        triedCount = 0;
    }

    void addTried(final Host h) {
        if (h != null && triedCount < MAX_TRIED) {
            tried[triedCount++] = h;
        }
    }

    boolean tried(final Host h) {
        for (int i = 0; i < triedCount; i++) {
            if (tried[i] == h) {
                return true;
            }
        }
        return false;
    }

    /**
     * The hash for re-pick {@code pick} of retry {@code retry} on a hashing balancer: the request's hash mixed with
     * both (murmur3's 64-bit finalizer), so a ring hash or Maglev table is consulted at another point, a
     * deterministic "next choice" for the same request, instead of landing on the host that just failed.
     */
    static long perturb(final long hash, final int retry, final int pick) {
        long h = hash + (retry * 4L + pick + 1) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
