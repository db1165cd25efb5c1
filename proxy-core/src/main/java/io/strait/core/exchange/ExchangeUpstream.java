package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.strait.core.accesslog.ResponseFlags;
import io.strait.core.cluster.Cluster;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.route.RetryPolicy;
import io.strait.core.snapshot.LoopState;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.time.LoopTimer;
import io.strait.core.time.NanoClock;
import io.strait.core.upstream.AttemptListener;
import io.strait.core.upstream.UpstreamAttempt;
import io.strait.core.upstream.UpstreamStream;

/**
 * The upstream half of one {@link Exchange} (Envoy's router filter as the callbacks of its upstream request): owns
 * the exchange's {@link UpstreamAttempt} and {@link ExchangeRetries}, and turns the try's events into the exchange's
 * response. A bound connection answers Expect: 100-continue; a response head is reported to outlier detection, offered
 * to the retries, then edited, counted and forwarded; body and trailers are forwarded; the end completes the try. A
 * failure (connect failure, protocol error, reset or close before the response) is resent at once, retried after a
 * backoff, or answered 502 (a reset once the response has started). State changes and replies stay the exchange's:
 * it asks the exchange ({@link Exchange#responseStarted}, {@link Exchange#localReply}, {@link Exchange#responding},
 * {@link Exchange#responseComplete}).
 *
 * <p>Confined to its exchange's event loop; one per exchange, created with it, reused for each request.
 */
final class ExchangeUpstream implements AttemptListener {

    /** The codec's reason for a connection that closed in the middle of a response head. */
    private static final String UPSTREAM_RESET = "upstream_reset";

    private final Exchange exchange;
    private final Downstream downstream;
    private final NanoClock clock;
    private final LoopStats<HttpStat> stats;
    private final UpstreamSelector selector;
    private final ExchangeLog log;
    private final ExchangeDeadlines deadlines;
    private final GrpcRequest grpc;
    private final UpstreamAttempt attempt;
    private final ExchangeRetries retries;

    /** True once this exchange answered Expect: 100-continue itself (a retried try must not answer again). */
    private boolean continueSent;

    ExchangeUpstream(final Exchange exchange, final Downstream downstream, final LoopState loop,
                     final LoopStats<HttpStat> stats, final UpstreamSelector selector, final ExchangeLog log,
                     final ExchangeDeadlines deadlines, final GrpcRequest grpc, final LoopTimer timer) {
        this.exchange = exchange;
        this.downstream = downstream;
        this.clock = loop.clock();
        this.stats = stats;
        this.selector = selector;
        this.log = log;
        this.deadlines = deadlines;
        this.grpc = grpc;
        this.attempt = new UpstreamAttempt(this, downstream, loop, clock);
        this.retries = new ExchangeRetries(attempt, selector, timer, log, loop, clock);
    }

    UpstreamAttempt attempt() {
        return attempt;
    }

    ExchangeRetries retries() {
        return retries;
    }

    /** A request head arrived: nothing of the previous request's tries holds. */
    void clear() {
        continueSent = false;
        retries.clear();
    }

    /** The try's connection is bound and the request written to it. */
    @Override
    public void onBound() {
        log.upstreamStart(clock.nanoTime());
        if (exchange.request().expectContinue() && !exchange.requestDone() && !exchange.responseStarted()
            && !continueSent) {
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
        if (retries.afterFailure(RetryPolicy.CONNECT_FAILURE, exchange.responseStarted(), exchange.request(),
            exchange.requestDone())) {
            return;
        }
        exchange.localReply(502, timedOut ? "upstream_connect_timeout" : "upstream_connect_failure");
        downstream.flush();
    }

    @Override
    public void onUpstreamHead(final HttpResponseHead head) {
        deadlines.activity();
        if (head.isInformational()) {
            if (head.status() == 100 || exchange.responseStarted()) {
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
        if (retries.afterResponse(head, exchange.request(), exchange.requestDone())) {
            downstream.flush();
            return;
        }
        exchange.responding();
        log.upstreamHead(head.status(), clock.nanoTime());
        exchange.route().applyResponseEdits(head);
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
        exchange.responseComplete(up);
    }

    @Override
    public void onUpstreamError(final HttpDecodeError error) {
        if (exchange.timedOutBefore()) {
            return;
        }
        final boolean reset = UPSTREAM_RESET.equals(error.reason());
        if (reset && retries.afterFailure(RetryPolicy.RESET, exchange.responseStarted(), exchange.request(),
            exchange.requestDone())) {
            return;   // the connection closed in the middle of a response head
        }
        log.flag(reset ? ResponseFlags.UC : ResponseFlags.UPE);
        exchange.releaseHost();
        if (exchange.responseStarted()) {
            downstream.reset();
        } else {
            exchange.localReply(502, error.reason());
        }
        downstream.flush();
    }

    @Override
    public void onUpstreamClosed() {
        if (exchange.timedOutBefore()) {
            return;
        }
        final HttpRequestHead request = exchange.request();
        final boolean requestDone = exchange.requestDone();
        if (!exchange.responseStarted() && retries.resendOnNewConnection(request, requestDone)) {
            exchange.acquire();   // a stale pooled connection, or a request the upstream never processed: again
            return;
        }
        final LoopStats<ClusterStat> cs = selector.clusterStats();
        cs.inc(ClusterStat.UPSTREAM_CX_DESTROY_REMOTE_WITH_ACTIVE_RQ);
        cs.inc(ClusterStat.UPSTREAM_RQ_RX_RESET);
        selector.cluster().reportGatewayFailure(attempt.host());
        if (retries.afterFailure(RetryPolicy.RESET, exchange.responseStarted(), request, requestDone)) {
            return;
        }
        log.flag(ResponseFlags.UC);
        exchange.releaseHost();
        if (exchange.responseStarted()) {
            // Never let the client take a truncated body for a complete one.
            downstream.reset();
        } else {
            exchange.localReply(502, "upstream_reset");
            downstream.flush();
        }
    }
}
