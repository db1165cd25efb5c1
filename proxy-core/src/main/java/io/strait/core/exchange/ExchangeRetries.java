package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.strait.core.accesslog.ResponseFlags;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.route.RetryPolicy;
import io.strait.core.snapshot.LoopState;
import io.strait.core.stats.ClusterStat;
import io.strait.core.time.LoopTimer;
import io.strait.core.time.NanoClock;
import io.strait.core.upstream.UpstreamAttempt;
import io.strait.lb.Host;

/**
 * The retry side of one {@link Exchange} (Envoy's router retry state plus its retry timer): owns the exchange's
 * {@link RetryController} for the requests whose route has a retry policy (created on first use, reused by later
 * ones), and answers, when a try fails or answers, whether the request goes again now (the same try on a fresh
 * connection after a stale pooled one, or a request the upstream never processed), later (a retry: the try's host
 * let go, the replay queued, the backoff armed on the exchange's timer) or not (the exchange answers the failure
 * itself). It readies the {@link UpstreamAttempt} for what it decides; replies to the downstream stay the exchange's.
 *
 * <p>Confined to its exchange's event loop; one per exchange, created with it: a request without a retry policy costs
 * one null check per event here and allocates nothing.
 */
final class ExchangeRetries {

    private final UpstreamAttempt attempt;
    private final UpstreamSelector selector;
    private final LoopTimer timer;
    private final ExchangeLog log;
    private final LoopState loop;
    private final NanoClock clock;

    /** The exchange's retry controller, or null when its route has no retry policy (the hot path's one check). */
    private RetryController retry;
    /** Created on first use and reused by every later request with a retry policy. */
    private RetryController retryController;
    /** True once a request that met a closed pooled connection was sent again on a new one. */
    private boolean retriedStale;

    ExchangeRetries(final UpstreamAttempt attempt, final UpstreamSelector selector, final LoopTimer timer,
                    final ExchangeLog log, final LoopState loop, final NanoClock clock) {
        this.attempt = attempt;
        this.selector = selector;
        this.timer = timer;
        this.log = log;
        this.loop = loop;
        this.clock = clock;
    }

    /** A request head arrived: no retry state yet (the previous request's retries already ended). */
    void clear() {
        retriedStale = false;
        retry = null;
    }

    /** The request's route has retry {@code policy}: retries run under it, {@code first} being the first try's host. */
    void begin(final RetryPolicy policy, final long hash, final Host first, final long now) {
        RetryController rc = retryController;
        if (rc == null) {
            rc = new RetryController();
            retryController = rc;
        }
        rc.begin(policy, hash, first, now);
        retry = rc;
    }

    /** Keeps a request body chunk for a replay, if the request may be retried. */
    void keep(final ByteBuf buf, final ByteBufAllocator alloc) {
        final RetryController rc = retry;
        if (rc != null) {
            rc.keep(buf, alloc);
        }
    }

    /** Keeps the request's trailer fields for a replay, if the request may be retried. */
    void keepTrailers(final HttpTrailers trailers) {
        final RetryController rc = retry;
        if (rc != null) {
            rc.keepTrailers(trailers);
        }
    }

    /** True if {@code request} can be sent again: it has no body, or all of it so far is kept. */
    private boolean replayable(final HttpRequestHead request) {
        return request.bodyLength() == 0 || retry != null && retry.buffering();
    }

    /**
     * Retry now: the try's connection closed before any response. A pooled connection the upstream had already
     * closed: the request goes again, once, on a new connection to the same host, and only if idempotent (RFC 9110
     * 9.2.2: a POST may have reached the application); a request the upstream said it never processed (an HTTP/2
     * stream refused or above a GOAWAY) goes again a few times (the attempt counts those). Returns true when the
     * replay is queued on the attempt: the exchange acquires a connection for it.
     */
    boolean resendOnNewConnection(final HttpRequestHead request, final boolean requestDone) {
        final boolean unprocessed = attempt.unprocessed();
        if (replayable(request) && (unprocessed
            || !retriedStale && attempt.reused() && HttpMethods.isIdempotent(request.method()))) {
            retriedStale |= !unprocessed;
            attempt.replay(retry, requestDone);
            return true;
        }
        return false;
    }

    /**
     * Retry later, or not: the current try failed without a response (connect failure, reset, per-try timeout; its
     * connection is already let go). Starts the backoff before a retry and returns true when the policy and limits
     * allow one; false when the exchange must answer the failure itself.
     */
    boolean afterFailure(final int kind, final boolean responseStarted, final HttpRequestHead request,
                         final boolean requestDone) {
        final RetryController rc = retry;
        if (rc == null || responseStarted || !rc.policy().retriesFailure(kind)) {
            return false;
        }
        final int outcome = rc.admit(replayable(request), kind != RetryPolicy.CONNECT_FAILURE,
            selector.cluster().circuitBreaker(), selector.clusterStats());
        if (outcome != RetryController.ADMITTED) {
            flagRefusal(outcome);
            return false;
        }
        startBackoff(rc, kind == RetryPolicy.CONNECT_FAILURE && rc.retries() == 1, requestDone);
        return true;
    }

    /**
     * Retry later, or not: a final response head arrived on a try. A retriable status is retried when the limits
     * allow it (the head is dropped and its connection aborted, its body never forwarded: true, and the exchange
     * flushes); otherwise the head is the response, retries end, and false tells the exchange to forward it.
     */
    boolean afterResponse(final HttpResponseHead head, final HttpRequestHead request, final boolean requestDone) {
        final RetryController rc = retry;
        if (rc == null) {
            return false;
        }
        final int status = head.status();
        final int outcome = rc.onResponse(head, replayable(request), selector.cluster().circuitBreaker(),
            selector.clusterStats());
        if (outcome != RetryController.ADMITTED) {
            flagRefusal(outcome);
            return false;
        }
        StatusCounters.upstream(selector.clusterStats(), status);
        head.release();
        attempt.dropConnection();
        startBackoff(rc, false, requestDone);
        return true;
    }

    /**
     * The current try ran past per_try_timeout: it is counted and dropped, and retried later if allowed (true);
     * false when the exchange answers 504.
     */
    boolean perTryTimedOut(final boolean responseStarted, final HttpRequestHead request, final boolean requestDone) {
        selector.clusterStats().inc(ClusterStat.UPSTREAM_RQ_PER_TRY_TIMEOUT);
        attempt.timedOut();
        attempt.dropConnection();   // a connect still in progress ends up in the pool
        return afterFailure(RetryPolicy.PER_TRY_TIMEOUT, responseStarted, request, requestDone);
    }

    /**
     * The backoff is over: picks a host (preferring one not tried yet) and begins the next try of {@code request} on
     * it (the exchange acquires its connection). False when no host is healthy.
     */
    boolean nextTry(final HttpRequestHead request, final long now) {
        attempt.backoffOver();
        final Host h = selector.repick(retry, loop);
        if (h == null) {
            return false;
        }
        attempt.begin(selector.cluster(), selector.clusterIndex(), selector.clusterStats(), h, request);
        log.host(h);
        retry.startTry(now);
        return true;
    }

    private void flagRefusal(final int outcome) {
        if (outcome == RetryController.LIMIT_EXCEEDED) {
            log.flag(ResponseFlags.URX);
        }
    }

    /** Lets the failed try's host go, queues the replay, pauses downstream reads and waits the backoff. */
    private void startBackoff(final RetryController rc, final boolean immediate, final boolean requestDone) {
        attempt.waitForRetry(rc, requestDone);
        timer.arm(rc.startBackoff(immediate, loop.random(), clock.nanoTime()));
    }

    /** The earliest retry deadline (per-try timeout or backoff), or 0 for none. */
    long nextDeadline() {
        final RetryController rc = retry;
        return rc == null ? 0 : rc.nextDeadline();
    }

    /** Which retry deadline has passed at {@code now} ({@link RetryController#due}), clearing it. */
    int due(final long now) {
        final RetryController rc = retry;
        return rc == null ? RetryController.NOTHING_DUE : rc.due(now);
    }

    /** Retries are over for this exchange (it is answered or gone): releases the kept body and the retry slot. */
    void end() {
        final RetryController rc = retry;
        if (rc != null) {
            retry = null;
            rc.end();
        }
    }
}
