package io.strait.core.exchange;

import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.time.LoopTimer;
import io.strait.core.time.NanoClock;
import io.strait.core.upstream.UpstreamAttempt;
import io.strait.core.upstream.UpstreamStream;
import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.strait.core.accesslog.ResponseFlags;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.route.RetryPolicy;
import io.strait.core.route.Route;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;

/**
 * One request and its response (Envoy's active stream, with its router filter split out beside it): the state
 * machine of the exchange from the downstream's side. It has its {@link RequestRouter} route the request (or say why
 * it goes nowhere), starts the first try through its {@link UpstreamAttempt}, passes the request body on, leaves the
 * try's events to its {@link ExchangeUpstream} (which asks {@link ExchangeRetries} whether a failed try goes again),
 * handles its deadlines, answers locally when it must, and ends the exchange. It owns the exchange's explicit
 * {@link State}, request, route, breaker slots, deadlines, access-log entry and byte counts.
 *
 * <p>It works on protocol-neutral events only (io.strait.core.http) and answers through {@link Downstream}, so the
 * same exchange serves an HTTP/1.1 connection (one exchange, reused for each request: nothing allocated per
 * request) and, later, each HTTP/2 stream.
 *
 * <p>Confined to its downstream's event loop, as are its upstream connections: no locks, no hand-offs. Its
 * deadlines (route timeout, per-try timeout, retry backoff, stream idle timeout) share one lazily re-armed
 * {@link LoopTimer}.
 */
final class Exchange implements LoopTimer.Callback {

    /** Where the exchange stands, from the downstream's point of view. */
    enum State {
        /** No request. */
        IDLE,
        /** The request goes to an upstream (or waits for a connection or a retry); no response yet. */
        FORWARDING,
        /** A local reply waits for the request's end marker, which follows at once for a bodyless request. */
        REPLY_DEFERRED,
        /** The response head went downstream; its body streams. */
        RESPONDING,
        /** The whole response is written; the exchange ends when the request's end arrives. */
        RESPONDED
    }

    private final Downstream downstream;
    private final NanoClock clock;
    private final LoopStats<HttpStat> stats;
    private final UpstreamSelector selector = new UpstreamSelector();
    /** The upstream half: the attempt, the retries and what the try's events do to the response. */
    private final ExchangeUpstream upstream;
    private final UpstreamAttempt attempt;
    /** Where each request goes: its route and host, or why it goes nowhere. */
    private final RequestRouter router;
    private final LoopTimer timer;
    private final ExchangeDeadlines deadlines;
    /** Whether the request is gRPC (its errors are answered trailers-only), and its grpc-timeout. */
    private final GrpcRequest grpc = new GrpcRequest();
    /** The exchange's access-log facts, reused per request. */
    private final ExchangeLog log;
    /** Whether a failed try goes again, now or after a backoff, and the state that takes. */
    private final ExchangeRetries retries;

    private State state = State.IDLE;
    private boolean requestDone;
    private HttpRequestHead request;
    private Route route;
    private long startNanos;
    private int deferredStatus;
    private String deferredReason;
    /** The flag header of the deferred reply (x-strait-overloaded, x-strait-ratelimited) or null. */
    private AsciiString deferredFlag;


    Exchange(final ListenerRuntime listener, final LoopState loop, final Downstream downstream,
             final LoopStats<HttpStat> stats, final ForwardingHeaders forwarding) {
        this.downstream = downstream;
        this.clock = loop.clock();
        this.stats = stats;
        this.timer = new LoopTimer(loop.loop(), clock, this);
        this.deadlines = new ExchangeDeadlines(listener.streamIdleTimeoutNanos());
        this.log = new ExchangeLog(listener, forwarding, loop);
        this.upstream = new ExchangeUpstream(this, downstream, loop, stats, selector, log, deadlines, grpc, timer);
        this.attempt = upstream.attempt();
        this.retries = upstream.retries();
        this.router = new RequestRouter(listener, loop, downstream, stats, selector, forwarding, log);
    }

    /**
     * The connection's peer is known ({@link ForwardingHeaders#peer} was told): the access log's client address.
     * The source_ip hash is the forwarding policy's trusted client address, found per request.
     */
    void peer() {
        log.peer();
    }

    /**
     * The exchange's owner drops it for good (an HTTP/2 stream slot not pooled): its lazily armed timer task would
     * otherwise keep it, its stream and its buffers in the loop's scheduled-task queue until the deadline.
     */
    void discard() {
        timer.cancel();
    }

    /** True from a request's head until the exchange ends. */
    boolean active() {
        return state != State.IDLE;
    }

    /** True once the response head went downstream. */
    boolean responseStarted() {
        return state == State.RESPONDING || state == State.RESPONDED;
    }

    // ------------------------------------------------------------------ downstream events

    /** A request head arrived: routes it and starts its first try (or answers it locally). */
    void onRequestHead(final HttpRequestHead head) {
        final long now = clock.nanoTime();
        state = State.FORWARDING;
        request = head;
        requestDone = false;
        upstream.clear();
        deferredStatus = 0;
        startNanos = now;
        deadlines.start(now);
        log.begin(head, now, downstream.peerIdentity());
        grpc.read(head.headers());
        stats.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
        stats.add(HttpStat.DOWNSTREAM_RQ_ACTIVE, 1);
        route(head, now);
        if (state != State.IDLE) {
            timer.arm(nextDeadline());
        }
    }

    /** Routes the request and starts its first try, or answers it locally when it goes nowhere. */
    private void route(final HttpRequestHead head, final long now) {
        final Route r = router.route(head, now);
        if (r == null) {
            if (router.overloaded()) {
                overloaded(router.reason());
            } else {
                localReply(router.status(), router.reason(), false, router.flag());
            }
            return;
        }
        route = r;
        final Host h = selector.host();
        attempt.begin(selector.cluster(), selector.clusterIndex(), selector.clusterStats(), h, head);
        log.host(h);
        r.applyRequestEdits(head);
        deadlines.timeout(now, grpc.timeoutNanos(r.timeoutMillis(), r.maxGrpcTimeoutNanos()));
        final RetryPolicy policy = r.retryPolicy();
        if (policy != null) {
            retries.begin(policy, selector.hash(), h, now);
        }
        acquire();
    }

    /** A chunk of the request body. */
    void onRequestBody(final ByteBuf buf) {
        log.received(buf.readableBytes());
        final State s = state;
        if (s == State.IDLE || s == State.REPLY_DEFERRED || s == State.RESPONDED) {
            buf.release();  // answered locally or already: the rest of the body goes nowhere
            return;
        }
        deadlines.activity();
        retries.keep(buf, downstream.alloc());
        attempt.send(buf);
    }

    /** The request's trailer fields, right before its end: they go on with the request. */
    void onRequestTrailers(final HttpTrailers trailers) {
        final State s = state;
        if (s == State.IDLE || s == State.REPLY_DEFERRED || s == State.RESPONDED) {
            return;
        }
        retries.keepTrailers(trailers);
        attempt.send(trailers);
    }

    /** The request's end. */
    void onRequestEnd() {
        if (state == State.IDLE) {
            return;
        }
        deadlines.activity();
        requestDone = true;
        if (state == State.REPLY_DEFERRED) {
            localReply(deferredStatus, deferredReason, false, deferredFlag);
            return;
        }
        attempt.send(HttpEnd.INSTANCE);
        if (state == State.RESPONDED) {
            finish(clock.nanoTime());
        }
    }

    /** The codec refused the request (or its body): answers with the codec's status and closes. */
    void onDecodeError(final HttpDecodeError error) {
        StatusCounters.decodeError(stats, error.status());
        if (state == State.IDLE) {
            // An error in a request head: there is no exchange yet; answer and close.
            state = State.FORWARDING;
            requestDone = true;
            stats.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
            stats.add(HttpStat.DOWNSTREAM_RQ_ACTIVE, 1);
            startNanos = clock.nanoTime();
            log.beginRefused(error, startNanos, downstream.peerIdentity());
        }
        if (error.status() != 408) {
            log.flag(ResponseFlags.DPE);
        }
        abortUpstream();
        if (responseStarted()) {
            downstream.reset();
            return;
        }
        localReply(error.status(), error.reason(), true);
    }

    /** The end of a downstream read batch: flushes what went upstream in it. */
    void onReadBatchEnd() {
        attempt.flush();
    }

    /** The downstream's writability changed: the upstream's reads follow it. */
    void onDownstreamWritabilityChanged(final boolean writable) {
        attempt.onDownstreamWritabilityChanged(writable);
    }

    /** The downstream went away: ends the exchange in whatever state it is. */
    void onDownstreamClosed() {
        timer.cancel();
        if (state == State.IDLE) {
            return;
        }
        if (state != State.RESPONDED) {
            stats.inc(HttpStat.DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ);
            log.downstreamGone();
        }
        log.offer(clock.nanoTime());
        abortUpstream();
        retries.end();
        stats.add(HttpStat.DOWNSTREAM_RQ_ACTIVE, -1);
        state = State.IDLE;
        releaseRequest();
    }

    // ------------------------------------------------------------------ the try

    /** Gets the current try a connection; a breaker refusal answers 503 at once. */
    void acquire() {
        switch (attempt.acquire()) {
            case UpstreamAttempt.PENDING_OVERFLOW:
                overloaded("upstream_rq_pending_overflow");
                break;
            case UpstreamAttempt.CONNECTION_OVERFLOW:
                overloaded("upstream_cx_overflow");
                break;
            default:
                break;
        }
    }

    /** Answers 503 at once for a circuit-breaker overflow (never queued). */
    private void overloaded(final String reason) {
        attempt.releasePending();   // a retried try may have queued its replay
        localReply(503, reason, false, LocalReply.X_STRAIT_OVERLOADED);
        downstream.flush();
    }

    // ------------------------------------------------------------------ what the upstream side asks

    /** The request in flight (null once the exchange ended). */
    HttpRequestHead request() {
        return request;
    }

    /** True once the request's end arrived. */
    boolean requestDone() {
        return requestDone;
    }

    /** The request's route. */
    Route route() {
        return route;
    }

    /** The upstream's final response head is about to go downstream. */
    void responding() {
        state = State.RESPONDING;
    }

    /** The upstream's response is complete on {@code up} (its end already written): the try and its slot end. */
    void responseComplete(final UpstreamStream up) {
        state = State.RESPONDED;
        final long now = clock.nanoTime();   // one clock read serves the stats, the pool and the idle timer
        selector.clusterStats().record(ClusterStat.UPSTREAM_RQ_TIME, micros(now));
        attempt.complete(up, requestDone, now);
        selector.releaseRequestSlot();
        // The upstream's read-complete will not reach this exchange any more: flush now.
        downstream.flush();
        if (requestDone) {
            finish(now);
        }
    }

    // ------------------------------------------------------------------ retries

    /** The current try ran past per_try_timeout: it is dropped and retried if allowed, else answered 504. */
    private void onPerTryTimeout() {
        if (retries.perTryTimedOut(responseStarted(), request, requestDone)) {
            return;
        }
        abortUpstream();
        localReply(504, "upstream_per_try_timeout", !requestDone);
        downstream.flush();
    }

    /** The backoff is over: the next try goes to a host (preferring one not tried yet), or 503 if none is healthy. */
    private void retryNow(final long now) {
        if (!retries.nextTry(request, now)) {
            attempt.releasePending();
            localReply(503, "no_healthy_upstream");
            downstream.flush();
            return;
        }
        acquire();
        downstream.flush();
    }

    // ------------------------------------------------------------------ timers

    private long nextDeadline() {
        return deadlines.next(retries.nextDeadline());
    }

    @Override
    public void onTimer(final long now) {
        if (state == State.IDLE) {
            return;   // the exchange ended; the next one arms its own deadlines
        }
        if (deadlines.routeDue(now)) {
            onRouteTimeout();
        } else {
            final int due = retries.due(now);
            if (due == RetryController.PER_TRY_TIMEOUT) {
                onPerTryTimeout();
            } else if (due == RetryController.BACKOFF_OVER) {
                retryNow(now);
            } else if (deadlines.streamIdleDue(now)) {
                onStreamIdleTimeout();
            }
        }
        if (state != State.IDLE) {
            timer.arm(nextDeadline());
        }
    }

    /**
     * An upstream failure came after the request's deadline had passed (its timer had not run yet: a busy loop, or
     * an upstream that gave up at the grpc-timeout we forwarded, as grpc-java's server resets the stream then): the
     * request timed out, and is answered as such (504, DEADLINE_EXCEEDED for gRPC), not as the failure (502,
     * UNAVAILABLE). False, doing nothing, while the deadline has not passed or the response has started.
     */
    boolean timedOutBefore() {
        if (responseStarted() || !deadlines.routeDue(clock.nanoTime())) {
            return false;
        }
        onRouteTimeout();
        return true;
    }

    private void onRouteTimeout() {
        stats.inc(HttpStat.DOWNSTREAM_RQ_TIMEOUT);
        log.flag(ResponseFlags.UT);
        attempt.timedOut();
        if (selector.clusterStats() != null) {
            selector.clusterStats().inc(ClusterStat.UPSTREAM_RQ_TIMEOUT);
        }
        abortUpstream();
        if (responseStarted()) {
            downstream.reset();
        } else {
            localReply(504, "request_timeout", !requestDone);
            downstream.flush();
        }
    }

    /**
     * Neither side sent anything for the stream idle timeout (checked at most once per timeout, so an exchange ends
     * between one and two timeouts after its last event): 408 if the request is still coming, as Envoy, 504 if it
     * waits for the upstream, a reset once the response has started.
     */
    private void onStreamIdleTimeout() {
        stats.inc(HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT);
        log.flag(ResponseFlags.SI);
        abortUpstream();
        if (responseStarted()) {
            downstream.reset();
        } else {
            localReply(requestDone ? 504 : 408, "stream_idle_timeout", !requestDone);
            downstream.flush();
        }
    }

    // ------------------------------------------------------------------ the end

    void localReply(final int status, final String reason) {
        localReply(status, reason, false, null);
    }

    private void localReply(final int status, final String reason, final boolean close) {
        localReply(status, reason, close, null);
    }

    /**
     * Answers the request locally; keeps the connection if the request was read whole. {@code flag}: a header to
     * set to {@code true} on the reply (see {@link LocalReply#head}), or null.
     */
    void localReply(final int status, final String reason, final boolean close, final AsciiString flag) {
        retries.end();   // answered here: no try is retried any more
        if (responseStarted()) {
            downstream.reset();
            return;
        }
        if (!requestDone && !close && request != null && request.bodyLength() == 0) {
            state = State.REPLY_DEFERRED;
            deferredStatus = status;
            deferredReason = reason;
            deferredFlag = flag;
            releaseHost();
            return;
        }
        state = State.RESPONDED;
        releaseHost();
        // a gRPC client reads the outcome from grpc-status: trailers-only, HTTP 200 (counted and logged so, as Envoy)
        final boolean g = grpc.isGrpc();
        StatusCounters.downstream(stats, g ? 200 : status);
        final int bodyBytes = LocalReply.write(downstream, g, status, reason, close || downstream.closing(), flag);
        log.localReply(g ? 200 : status, reason, bodyBytes);
        downstream.write(HttpEnd.INSTANCE);
        if (requestDone) {
            finish(clock.nanoTime());
        }
    }

    private void finish(final long now) {
        log.offer(now);
        stats.record(HttpStat.DOWNSTREAM_RQ_TIME, micros(now));
        stats.add(HttpStat.DOWNSTREAM_RQ_ACTIVE, -1);
        state = State.IDLE;
        releaseRequest();
        retries.end();
        attempt.dropConnecting();
        selector.releaseRequestSlot();
        downstream.exchangeDone(now);
    }

    private void releaseRequest() {
        final HttpRequestHead r = request;
        if (r != null) {
            r.release();
            request = null;
        }
        attempt.clear();
        selector.clear();   // no reference to the snapshot's cluster outlives the exchange
        route = null;
        deadlines.clear();
        grpc.clear();
    }

    /** The exchange no longer needs its host: gives back the host's active count and the request slot, once. */
    void releaseHost() {
        attempt.releaseHost();
        selector.releaseRequestSlot();
    }

    private void abortUpstream() {
        attempt.abort();
        selector.releaseRequestSlot();
    }

    /** Microseconds since the request's head arrived (the stats' histogram unit). */
    private long micros(final long now) {
        return (now - startNanos) / 1000;
    }
}
