package io.strait.core.exchange;

import io.strait.core.upstream.AttemptListener;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.time.LoopTimer;
import io.strait.core.time.NanoClock;
import io.strait.core.upstream.UpstreamAttempt;
import io.strait.core.upstream.UpstreamStream;
import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import io.strait.core.accesslog.ResponseFlags;
import io.strait.core.cluster.Cluster;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.route.RetryPolicy;
import io.strait.core.route.Route;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;

/**
 * One request and its response (Envoy's active stream plus its router filter): routes the request, has
 * {@link UpstreamSelector} pick a cluster and host, runs tries through its {@link UpstreamAttempt}, asks its
 * {@link ExchangeRetries} whether a failed try goes again (now, after a backoff, or not), and answers the downstream,
 * locally when it must. It owns everything about the exchange: route, cluster, host, breaker slots, deadlines,
 * access-log entry and byte counts, and an explicit {@link State}.
 *
 * <p>It works on protocol-neutral events only (io.strait.core.http) and answers through {@link Downstream}, so the
 * same exchange serves an HTTP/1.1 connection (one exchange, reused for each request: nothing allocated per
 * request) and, later, each HTTP/2 stream.
 *
 * <p>Confined to its downstream's event loop, as are its upstream connections: no locks, no hand-offs. Its
 * deadlines (route timeout, per-try timeout, retry backoff, stream idle timeout) share one lazily re-armed
 * {@link LoopTimer}.
 */
final class Exchange implements LoopTimer.Callback, AttemptListener {

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

    /** The codec's reason for a connection that closed in the middle of a response head. */
    private static final String UPSTREAM_RESET = "upstream_reset";

    private final Downstream downstream;
    private final NanoClock clock;
    private final LoopStats<HttpStat> stats;
    private final UpstreamSelector selector = new UpstreamSelector();
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
    /** True once this exchange answered Expect: 100-continue itself (a retried try must not answer again). */
    private boolean continueSent;
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
        this.attempt = new UpstreamAttempt(this, downstream, loop, clock);
        this.timer = new LoopTimer(loop.loop(), clock, this);
        this.deadlines = new ExchangeDeadlines(listener.streamIdleTimeoutNanos());
        this.log = new ExchangeLog(listener, forwarding, loop);
        this.retries = new ExchangeRetries(attempt, selector, timer, log, loop, clock);
        this.router = new RequestRouter(listener, loop, downstream, stats, selector, forwarding, log);
    }

    /**
     * The connection's peer is known ({@link ForwardingHeaders#peer} was told): the access log's client address.
     * The source_ip hash is the forwarding policy's trusted client address, found per request.
     */
    void peer() {
        log.peer();
    }

    /** True from a request's head until the exchange ends. */
    boolean active() {
        return state != State.IDLE;
    }

    private boolean responseStarted() {
        return state == State.RESPONDING || state == State.RESPONDED;
    }

    // ------------------------------------------------------------------ downstream events

    /** A request head arrived: routes it and starts its first try (or answers it locally). */
    void onRequestHead(final HttpRequestHead head) {
        final long now = clock.nanoTime();
        state = State.FORWARDING;
        request = head;
        requestDone = false;
        continueSent = false;
        retries.clear();
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
    private void acquire() {
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

    /** The try's connection is bound and the request written to it. */
    @Override
    public void onBound() {
        log.upstreamStart(clock.nanoTime());
        if (request.expectContinue() && !requestDone && !responseStarted() && !continueSent) {
            continueSent = true;
            downstream.write(HttpResponseHead.of(100));
        }
        if (!downstream.inReadBatch()) {
            downstream.flush();
        }
    }

    /** The try's new connection could not be made. */
    @Override
    public void onConnectFailure(final boolean timedOut) {
        if (retries.afterFailure(RetryPolicy.CONNECT_FAILURE, responseStarted(), request, requestDone)) {
            return;
        }
        localReply(502, timedOut ? "upstream_connect_timeout" : "upstream_connect_failure");
        downstream.flush();
    }

    /** Answers 503 at once for a circuit-breaker overflow (never queued). */
    private void overloaded(final String reason) {
        attempt.releasePending();   // a retried try may have queued its replay
        localReply(503, reason, false, LocalReply.X_STRAIT_OVERLOADED);
        downstream.flush();
    }

    // ------------------------------------------------------------------ upstream events (through the attempt)

    @Override
    public void onUpstreamHead(final HttpResponseHead head) {
        deadlines.activity();
        if (head.isInformational()) {
            if (head.status() == 100 || responseStarted()) {
                head.release();   // we answered Expect ourselves; a 100 from upstream is redundant
                return;
            }
            downstream.write(head);
            head.release();
            return;
        }
        final Cluster cluster = selector.cluster();
        // Outlier detection sees every try's outcome, a retried 5xx included (a gRPC one's may be in its trailers).
        final int outlier = grpc.outlierStatus(head);
        if (outlier != GrpcRequest.NONE) {
            cluster.reportStatus(attempt.host(), outlier);
        }
        if (retries.afterResponse(head, request, requestDone)) {
            downstream.flush();
            return;
        }
        state = State.RESPONDING;
        log.upstreamHead(head.status(), clock.nanoTime());
        route.applyResponseEdits(head);
        if (downstream.closing()) {
            head.close(true);
        }
        StatusCounters.downstream(stats, head.status());
        StatusCounters.upstream(selector.clusterStats(), head.status());
        downstream.write(head);
        head.release();
    }

    @Override
    public void onUpstreamBody(final ByteBuf buf) {
        deadlines.activity();
        log.sent(buf.readableBytes());
        downstream.write(buf);
    }

    @Override
    public void onUpstreamTrailers(final HttpTrailers trailers) {
        deadlines.activity();
        final int outlier = grpc.outlierStatus(trailers);
        if (outlier != GrpcRequest.NONE) {
            selector.cluster().reportStatus(attempt.host(), outlier);
        }
        downstream.write(trailers);
    }

    @Override
    public void onUpstreamEnd(final UpstreamStream up) {
        final int outlier = grpc.outlierStatusAtEnd();
        if (outlier != GrpcRequest.NONE) {
            selector.cluster().reportStatus(attempt.host(), outlier);
        }
        downstream.write(HttpEnd.INSTANCE);
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

    @Override
    public void onUpstreamError(final HttpDecodeError error) {
        final boolean reset = UPSTREAM_RESET.equals(error.reason());
        if (reset && retries.afterFailure(RetryPolicy.RESET, responseStarted(), request, requestDone)) {
            return;   // the connection closed in the middle of a response head
        }
        log.flag(reset ? ResponseFlags.UC : ResponseFlags.UPE);
        releaseHost();
        if (responseStarted()) {
            downstream.reset();
        } else {
            localReply(502, error.reason());
        }
        downstream.flush();
    }

    @Override
    public void onUpstreamClosed() {
        if (!responseStarted() && retries.resendOnNewConnection(request, requestDone)) {
            acquire();   // a stale pooled connection, or a request the upstream never processed: again, at once
            return;
        }
        final LoopStats<ClusterStat> cs = selector.clusterStats();
        cs.inc(ClusterStat.UPSTREAM_CX_DESTROY_REMOTE_WITH_ACTIVE_RQ);
        cs.inc(ClusterStat.UPSTREAM_RQ_RX_RESET);
        selector.cluster().reportGatewayFailure(attempt.host());
        if (retries.afterFailure(RetryPolicy.RESET, responseStarted(), request, requestDone)) {
            return;
        }
        log.flag(ResponseFlags.UC);
        releaseHost();
        if (responseStarted()) {
            // Never let the client take a truncated body for a complete one.
            downstream.reset();
        } else {
            localReply(502, "upstream_reset");
            downstream.flush();
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

    private void localReply(final int status, final String reason) {
        localReply(status, reason, false, null);
    }

    private void localReply(final int status, final String reason, final boolean close) {
        localReply(status, reason, close, null);
    }

    /**
     * Answers the request locally; keeps the connection if the request was read whole. {@code flag}: a header to
     * set to {@code true} on the reply (see {@link LocalReply#head}), or null.
     */
    private void localReply(final int status, final String reason, final boolean close, final AsciiString flag) {
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
    private void releaseHost() {
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
