package io.strait.core.exchange;

import io.strait.core.upstream.RequestReplay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.route.RetryPolicy;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.LoadBalancer;
import io.strait.lb.resilience.CircuitBreaker;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * Decides whether and when one exchange's failed try is retried under its route's {@link RetryPolicy}, and keeps
 * what a retry needs: the retries done, the hosts tried, the request body kept for a replay, the per-try and backoff
 * deadlines, and the retry slot held in the cluster's breaker. It makes decisions and keeps state; the exchange acts
 * on them (aborting the try, queueing the replay, arming its timer).
 *
 * <p>Confined to its exchange's event loop. One per exchange that needs one, created on first use and reused by the
 * exchange's later requests ({@link #begin} / {@link #end}): a request that is not retried allocates nothing here
 * but what holding its body takes.
 *
 * <p>The body is kept while the memory it holds stays within the policy's buffer limit and no final response head
 * has arrived; past the limit everything kept is released and the exchange can no longer be replayed (as Envoy
 * does). What is charged is memory, not payload: a small chunk is copied into a buffer of the controller's own
 * (a retained 1-byte slice would pin its whole read buffer, ~70 times the payload for 1-byte chunks), a large one
 * is retained and charged the capacity of the buffer it pins.
 */
final class RetryController implements RequestReplay {

    /** {@link #admit}: the retry may start. */
    static final int ADMITTED = 0;
    /** {@link #admit}: the request cannot be sent again (its body was not kept whole). */
    static final int NOT_REPLAYABLE = 1;
    /** {@link #admit}: the policy's attempts are used up. */
    static final int LIMIT_EXCEEDED = 2;
    /** {@link #admit}: the breaker's max_retries or the retry budget refused it. */
    static final int OVERFLOW = 3;
    /** {@link #onResponse}: the status is not one the policy retries. */
    static final int NOT_RETRIABLE = 4;

    /** {@link #due}: nothing is due. */
    static final int NOTHING_DUE = 0;
    /** {@link #due}: the current try ran past per_try_timeout. */
    static final int PER_TRY_TIMEOUT = 1;
    /** {@link #due}: the backoff is over; the next try may start. */
    static final int BACKOFF_OVER = 2;

    /** Hosts remembered as tried; later ones are not remembered (the re-pick only prefers untried hosts). */
    private static final int MAX_TRIED = 8;
    /** Picks a retry makes at most while the pick is a host already tried. */
    private static final int RETRY_PICKS = 3;
    /** Size of the buffers small body chunks are copied into. */
    private static final int COPY_BUFFER = 4096;

    private RetryPolicy policy;
    private int retries;
    private long hash;
    private boolean buffering;
    private long perTryDeadline;
    private long backoffDeadline;

    private final ArrayDeque<ByteBuf> body = new ArrayDeque<>(4);
    /** The last buffer of {@link #body} when it is one of ours that small chunks are appended to, else null. */
    private ByteBuf copyTail;
    private long heldBytes;
    /** The request's trailer fields, kept with the body for a replay (values: nothing to release); null: none. */
    private HttpTrailers trailers;
    private final Host[] tried = new Host[MAX_TRIED];
    private int triedCount;
    /** The breaker whose retry slot this exchange holds (null: none). */
    private CircuitBreaker retrySlot;

    /** Starts an exchange under {@code p} at {@code now}; {@code first} is the host of its first try. */
    void begin(final RetryPolicy p, final long requestHash, final Host first, final long now) {
        policy = p;
        retries = 0;
        hash = requestHash;
        buffering = true;
        backoffDeadline = 0;
        heldBytes = 0;
        trailers = null;
        triedCount = 0;
        addTried(first);
        startTry(now);
    }

    /** A try starts at {@code now}: its per-try deadline, if the policy has one, runs from here. */
    void startTry(final long now) {
        final long perTry = policy.perTryTimeoutNanos();
        perTryDeadline = perTry > 0 ? now + perTry : 0;
    }

    RetryPolicy policy() {
        return policy;
    }

    /** Retries started so far in this exchange. */
    int retries() {
        return retries;
    }

    /** True while every body chunk received so far is kept. */
    boolean buffering() {
        return buffering;
    }

    /** Bytes of memory the kept body holds. */
    long heldBytes() {
        return heldBytes;
    }

    /** Deadline of the current try (nanoTime terms), 0 for none. */
    long perTryDeadline() {
        return perTryDeadline;
    }

    /** The earliest of this controller's deadlines, or 0 for none. */
    long nextDeadline() {
        final long a = perTryDeadline;
        final long b = backoffDeadline;
        if (a == 0) {
            return b;
        }
        return b == 0 || a - b < 0 ? a : b;
    }

    /** Which deadline has passed at {@code now} ({@link #PER_TRY_TIMEOUT}, {@link #BACKOFF_OVER}), clearing it. */
    int due(final long now) {
        if (perTryDeadline != 0 && now - perTryDeadline >= 0) {
            perTryDeadline = 0;
            return PER_TRY_TIMEOUT;
        }
        if (backoffDeadline != 0 && now - backoffDeadline >= 0) {
            backoffDeadline = 0;
            return BACKOFF_OVER;
        }
        return NOTHING_DUE;
    }

    /** Keeps a request body chunk for a replay while what is kept fits the buffer limit. */
    void keep(final ByteBuf buf, final ByteBufAllocator alloc) {
        if (!buffering) {
            return;
        }
        final int n = buf.readableBytes();
        final int pinned = pinnedCapacity(buf);
        if (n * 2L < pinned) {
            // A small part of a big buffer: copy it rather than pin the whole buffer.
            ByteBuf tail = copyTail;
            if (tail == null || tail.writableBytes() < n) {
                // Never more than the limit leaves room for, so a small limit still keeps a small body.
                final int size = (int) Math.max(n, Math.min(COPY_BUFFER, policy.bufferLimit() - heldBytes));
                if (!charge(size)) {
                    return;
                }
                tail = alloc.buffer(size, size);
                body.add(tail);
                copyTail = tail;
            }
            tail.writeBytes(buf, buf.readerIndex(), n);
            return;
        }
        if (!charge(pinned)) {
            return;
        }
        body.add(buf.retainedDuplicate());
        copyTail = null;
    }

    /**
     * Keeps the request's trailer fields for a replay, while the body is kept (they come after all of it). The
     * codec hands over a new {@link HttpTrailers} per message, so holding it until the exchange ends is safe.
     */
    void keepTrailers(final HttpTrailers t) {
        if (buffering) {
            trailers = t;
        }
    }

    /** Adds {@code bytes} to what is held; past the limit stops buffering and returns false. */
    private boolean charge(final long bytes) {
        heldBytes += bytes;
        if (heldBytes > policy.bufferLimit()) {
            stopBuffering();
            return false;
        }
        return true;
    }

    /** The capacity of the buffer whose memory {@code buf} keeps alive (a slice keeps all of its root). */
    private static int pinnedCapacity(final ByteBuf buf) {
        ByteBuf root = buf;
        ByteBuf under;
        while ((under = root.unwrap()) != null) {
            root = under;
        }
        return Math.max(root.capacity(), buf.readableBytes());
    }

    /** The exchange will not be replayed any more: releases the kept body. */
    void stopBuffering() {
        buffering = false;
        copyTail = null;
        trailers = null;
        ByteBuf b;
        while ((b = body.poll()) != null) {
            b.release();
        }
    }

    /** Appends the kept body to {@code out} as retained duplicates (the kept buffers stay for a later retry). */
    @Override
    public void replayInto(final ArrayDeque<Object> out) {
        for (final ByteBuf b : body) {
            out.add(b.retainedDuplicate());
        }
        if (trailers != null) {
            out.add(trailers);
        }
    }

    /**
     * Whether a retry may start now: the request is {@code replayable}, attempts remain and, when
     * {@code needsSlot}, the breaker admits one more retry. On {@link #ADMITTED} the retry is counted and its slot,
     * if any, held; otherwise the reason, counted where Envoy counts it.
     *
     * <p>A retry after a connect failure takes no slot of {@code max_retries} / the retry budget (Envoy's would):
     * the request reached no upstream, so sending it to another host adds no load to any upstream's application,
     * which is what those limits protect. It is still bounded by the policy's attempts and by the connection
     * limits. Counting it let a burst of requests picking a host that had just died (connection refused within
     * microseconds, many in one event-loop batch) overflow the default 3 and fail (perf-tests/fault.sh).
     */
    int admit(final boolean replayable, final boolean needsSlot, final CircuitBreaker breaker,
              final LoopStats<ClusterStat> stats) {
        if (!replayable) {
            return NOT_REPLAYABLE;
        }
        releaseRetrySlot();   // the failed try, if it was a retry, no longer counts as one in flight
        if (retries >= policy.attempts()) {
            stats.inc(ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED);
            return LIMIT_EXCEEDED;
        }
        if (needsSlot) {
            if (!breaker.tryAcquireRetry()) {
                stats.inc(ClusterStat.UPSTREAM_RQ_RETRY_OVERFLOW);
                return OVERFLOW;
            }
            retrySlot = breaker;
        }
        retries++;
        stats.inc(ClusterStat.UPSTREAM_RQ_RETRY);
        return ADMITTED;
    }

    /**
     * Starts the backoff of an admitted retry at {@code now} and returns its deadline. The first retry after a
     * connect failure goes out at once ({@code immediate}): the request reached no upstream, the retry prefers a
     * host not tried yet, and a host that refuses connections (killed, restarting) makes every request that picks
     * it fail within microseconds; backing those off would hold each one's retry slot for the backoff and, at a few
     * thousand requests per second, overflow {@code max_retries} (perf-tests/fault.sh measured 19 lost requests at
     * 5,000 req/s that way).
     */
    long startBackoff(final boolean immediate, final SplittableRandom random, final long now) {
        perTryDeadline = 0;
        final long delay = immediate ? 1 : Math.max(1, policy.backoff().delayNanos(retries - 1, random));
        backoffDeadline = now + delay;
        return backoffDeadline;
    }

    /**
     * A final response head arrived on a try. {@link #ADMITTED} if it is retriable (by its status, or by a
     * {@code grpc-status} in the head: a trailers-only gRPC response) and the limits
     * admit a retry (the caller drops the head and starts the backoff); any other outcome ({@link #NOT_RETRIABLE},
     * or why the retry was refused) means the head is the response and retries end here.
     */
    int onResponse(final HttpResponseHead head, final boolean replayable, final CircuitBreaker breaker,
                   final LoopStats<ClusterStat> stats) {
        if (policy.retriesStatus(head.status()) || policy.retriesGrpc(head.headers())) {
            final int outcome = admit(replayable, true, breaker, stats);
            if (outcome == ADMITTED) {
                return ADMITTED;
            }
            settle();
            return outcome;
        }
        if (retries > 0) {
            stats.inc(ClusterStat.UPSTREAM_RQ_RETRY_SUCCESS);
        }
        settle();
        return NOT_RETRIABLE;
    }

    /**
     * Picks the next try's host, up to {@link #RETRY_PICKS} times while the pick is a host this exchange already
     * tried; the last pick stands if all were tried. A hashing balancer (ring hash, Maglev) would give the same host
     * for the same hash, so each re-pick perturbs the request hash ({@link #perturb}). Null: no healthy host.
     */
    Host pickHost(final LoadBalancer lb, final boolean hashing) {
        Host h = null;
        for (int i = 0; i < RETRY_PICKS; i++) {
            h = lb.pick(hashing ? perturb(hash, retries, i) : 0);
            if (h == null || !tried(h)) {
                break;
            }
        }
        addTried(h);
        return h;
    }

    /** Gives the retry slot back, if one is held: the retried try is over. */
    void releaseRetrySlot() {
        final CircuitBreaker b = retrySlot;
        if (b != null) {
            retrySlot = null;
            b.releaseRetry();
        }
    }

    /** A final response head will be forwarded (or the exchange is answered): no more retries. */
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

    private void addTried(final Host h) {
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
