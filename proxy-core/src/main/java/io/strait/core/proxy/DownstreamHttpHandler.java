package io.strait.core.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.accesslog.AccessLogEntry;
import io.strait.core.accesslog.ResponseFlags;
import io.strait.core.cluster.Cluster;
import io.strait.core.flow.ReadGate;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.route.Hashing;
import io.strait.core.route.PathNormalizer;
import io.strait.core.route.RetryPolicy;
import io.strait.core.route.Route;
import io.strait.core.stats.AccessLogStat;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.LoadBalancer;
import io.strait.lb.resilience.CircuitBreaker;
import io.strait.lb.resilience.TokenBucket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's handling of one downstream connection: routes each request, picks a cluster and a
 * host, borrows an upstream connection from its loop's pool, and streams the request and the
 * response between the two with backpressure. Works on protocol-neutral events only
 * (io.strait.core.http); the codec before it in the pipeline owns framing, persistence and the
 * order of pipelined requests (it hands over the next request only once this one's response is written).
 *
 * <p>Confined to the connection's event loop, as are its upstream connections: no locks, no hand-offs.
 * Timeouts (request, idle, per try and retry backoff) share one lazily re-armed timer task per connection.
 *
 * <p>Retries (routes with a retry policy only; see {@link RetryState}): a try that fails before the final response
 * head went downstream (connect failure, reset, a retriable status, per-try timeout) is retried when the policy
 * matches, attempts remain, the cluster's breaker admits a retry and the request can be replayed. The failed
 * upstream is let go (aborted when it was answering), the backoff waits on the shared timer, a host not tried yet is
 * preferred, and the retained head plus the kept body are sent again through the {@code pending} queue.
 */
final class DownstreamHttpHandler extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DownstreamHttpHandler.class);

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** The codec's reason for a connection that closed in the middle of a response head. */
    private static final String UPSTREAM_RESET = "upstream_reset";
    /** Picks a retry makes at most while the pick is a host already tried. */
    private static final int RETRY_PICKS = 3;

    private static final HttpStat[] DOWNSTREAM_BY_CLASS = {HttpStat.DOWNSTREAM_RQ_1XX, HttpStat.DOWNSTREAM_RQ_2XX,
        HttpStat.DOWNSTREAM_RQ_3XX, HttpStat.DOWNSTREAM_RQ_4XX, HttpStat.DOWNSTREAM_RQ_5XX};
    /** Final responses only: informational heads are never counted, so the 1xx slot is never used. */
    private static final ClusterStat[] UPSTREAM_BY_CLASS = {ClusterStat.UPSTREAM_RQ_5XX, ClusterStat.UPSTREAM_RQ_2XX,
        ClusterStat.UPSTREAM_RQ_3XX, ClusterStat.UPSTREAM_RQ_4XX, ClusterStat.UPSTREAM_RQ_5XX};

    private final ListenerRuntime listener;
    private final ProxyServer server;
    private final Runnable timerTask = this::onTimer;
    private final ChannelFutureListener connectListener = this::connectDone;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    // The generated x-request-id is written into one array per connection: the header block refers to it only
    // until the head is forwarded (copied into the upstream's buffer), and it is rewritten for the next request.
    private final byte[] requestIdBytes = new byte[36];
    private final AsciiString requestIdValue = new AsciiString(requestIdBytes, false);

    private ChannelHandlerContext ctx;
    private LoopState loop;
    private LoopStats<HttpStat> stats;
    private AsciiString clientIp;
    /** XXH64 of the client address bytes, computed once per connection for source_ip hash policies. */
    private long sourceIpHash;

    // The exchange in progress (one at a time: the codec serializes pipelined requests).
    private boolean exchangeActive;
    private HttpRequestHead request;
    private Route route;
    private Cluster cluster;
    private Host host;
    private LoopStats<ClusterStat> clusterStats;
    private UpstreamHttpHandler upstream;
    private UpstreamHttpHandler connecting;
    private boolean upstreamReused;
    private boolean retriedStale;
    /** True once this exchange answered Expect: 100-continue itself (a retried try must not answer again). */
    private boolean continueSent;
    /** The current exchange's retry state, or null when its route has no retry policy (the hot path's one check). */
    private RetryState retry;
    /** This connection's retry state, created on first use and reused by every exchange with a retry policy. */
    private RetryState retryState;
    private boolean hostActive;
    /** The breaker whose request slot this exchange holds (null: none held). */
    private CircuitBreaker requestSlot;
    /** The breaker whose pending slot this exchange holds while its new upstream connection opens (null: none). */
    private CircuitBreaker pendingSlot;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean responseDone;
    private boolean upstreamDirty;
    private boolean downstreamDirty;
    private long startNanos;
    // A local reply decided while the request's end marker is still to come (it follows at once for a
    // bodyless request): sent when it arrives, so the codec sees a fully read request and keeps the connection.
    private int deferredStatus;
    private String deferredReason;
    /** The flag header of the deferred reply (x-strait-overloaded, x-strait-ratelimited) or null. */
    private AsciiString deferredFlag;

    // Timers: deadlines in System.nanoTime() terms (0: none); timerAt is when the armed task fires.
    private long requestDeadline;
    private long idleDeadline;
    private long timerAt = Long.MAX_VALUE;
    /**
     * The one armed timer task (null: none). Arming an earlier deadline cancels the later task, and the connection's
     * close cancels the armed one: a task left behind would keep this handler, its channel and their buffers in the
     * loop's scheduled-task queue until its deadline (the 60 s idle timeout by default), which under connection
     * churn grew the queue by every connection of the last minute (perf-tests churn scenario: 300 MiB RSS, 55 µs of
     * CPU per request, then a collapse).
     */
    private ScheduledFuture<?> timerFuture;
    private boolean draining;
    /** True between a downstream channelRead and its channelReadComplete: upstream flushes can wait for it. */
    private boolean reading;
    /** The exchange's access-log facts, reused per request (null: the listener keeps no access log). */
    private AccessLogEntry logEntry;
    private LoopStats<AccessLogStat> logStats;

    DownstreamHttpHandler(final ListenerRuntime listener, final ProxyServer server) {
        this.listener = listener;
        this.server = server;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.loop = server.loopState(ctx.channel().eventLoop());
        this.stats = listener.stats().loop(loop.index());
        if (listener.accessLog() != null) {
            logEntry = new AccessLogEntry();
            logStats = listener.accessLog().stats().loop(loop.index());
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        stats.inc(HttpStat.DOWNSTREAM_CX_TOTAL);
        stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, 1);
        final SocketAddress remote = ctx.channel().remoteAddress();
        clientIp = remote instanceof InetSocketAddress
            ? new AsciiString(((InetSocketAddress) remote).getAddress().getHostAddress())
            : AsciiString.of("unknown");
        final byte[] ipBytes = remote instanceof InetSocketAddress
            ? ((InetSocketAddress) remote).getAddress().getAddress()
            : clientIp.toByteArray();
        sourceIpHash = Hashing.xxh64(ipBytes, 0, ipBytes.length);
        if (logEntry != null) {
            logEntry.clientIp = clientIp;
        }
        armIdle(System.nanoTime());
        if (server.isDraining()) {
            ctx.close();
        }
        ctx.fireChannelActive();
    }

    // ------------------------------------------------------------------ downstream events

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        reading = true;
        if (msg instanceof ByteBuf) {
            onRequestBody((ByteBuf) msg);
        } else if (msg instanceof HttpRequestHead) {
            onRequestHead((HttpRequestHead) msg);
        } else if (msg == HttpEnd.INSTANCE) {
            onRequestEnd();
        } else if (msg instanceof HttpDecodeError) {
            onDownstreamError((HttpDecodeError) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        reading = false;
        if (upstreamDirty) {
            upstreamDirty = false;
            if (upstream != null) {
                upstream.flush();
            }
        }
        flushDownstream();
    }

    private void onRequestHead(final HttpRequestHead head) {
        exchangeActive = true;
        request = head;
        requestDone = false;
        responseStarted = false;
        responseDone = false;
        retriedStale = false;
        continueSent = false;
        retry = null;
        deferredStatus = 0;
        startNanos = System.nanoTime();
        idleDeadline = 0;
        if (logEntry != null) {
            logEntry.begin(head, startNanos);
        }
        stats.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
        stats.add(HttpStat.DOWNSTREAM_RQ_ACTIVE, 1);

        final int pathResult = listener.routes().normalizePath(head);   // route on, and forward, the normal path
        if (pathResult != PathNormalizer.OK) {
            localReply(PathNormalizer.status(pathResult), PathNormalizer.reason(pathResult));
            return;
        }
        final Route r = listener.routes().match(head);
        if (r == null) {
            stats.inc(HttpStat.NO_ROUTE);
            localReply(404, "no_route");
            return;
        }
        route = r;
        final TokenBucket bucket = r.rateLimit();
        if (bucket != null && !bucket.tryAcquire(startNanos)) {
            stats.inc(HttpStat.RATELIMIT_OVER_LIMIT);
            localReply(429, "rate_limited", false, LocalReply.X_STRAIT_RATELIMITED);
            return;   // no cluster or host picked; channelReadComplete flushes the reply
        }
        final ProxySnapshot snapshot = loop.snapshot();
        final SplittableRandom random = loop.random();
        final Cluster c = snapshot.cluster(r.pickCluster(random.nextLong()));
        cluster = c;
        clusterStats = loop.clusterStats(c.index());
        final CircuitBreaker breaker = c.circuitBreaker();
        if (!breaker.tryAcquireRequest()) {
            // Envoy counts a max_requests overflow as a pending overflow too.
            clusterStats.inc(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
            overloaded("upstream_rq_overflow");
            return;
        }
        requestSlot = breaker;
        final long hash = c.hashing() ? r.hash(head, sourceIpHash, random.nextLong()) : 0;
        final LoadBalancer lb = loop.balancer(c.index());
        final Host h = lb.pick(hash);
        if (h == null) {
            clusterStats.inc(ClusterStat.UPSTREAM_CX_NONE_HEALTHY);
            localReply(503, "no_healthy_upstream");
            return;
        }
        if (lb.inPanic()) {
            clusterStats.inc(ClusterStat.LB_HEALTHY_PANIC);
        }
        host = h;
        h.incrementActive();
        hostActive = true;
        clusterStats.inc(ClusterStat.UPSTREAM_RQ_TOTAL);
        clusterStats.add(ClusterStat.UPSTREAM_RQ_ACTIVE, 1);

        r.applyRequestEdits(head);
        addForwardingHeaders(head.headers(), random);
        if (logEntry != null) {
            logEntry.forwarded = true;
        }
        final long timeout = r.timeoutMillis();
        if (timeout > 0) {
            requestDeadline = startNanos + TimeUnit.MILLISECONDS.toNanos(timeout);
            arm(requestDeadline);
        }
        final RetryPolicy policy = r.retryPolicy();
        if (policy != null) {
            beginRetries(policy, hash, h);
        }
        acquireUpstream();
    }

    private void onRequestBody(final ByteBuf buf) {
        if (logEntry != null) {
            logEntry.bytesReceived += buf.readableBytes();
        }
        if (!exchangeActive || responseDone || (responseStarted && upstream == null && connecting == null)) {
            buf.release();  // the exchange was answered locally: the rest of the body goes nowhere
            return;
        }
        final RetryState rs = retry;
        if (rs != null) {
            rs.keep(buf);
        }
        if (upstream != null) {
            upstream.write(buf);
            upstreamDirty = true;
            if (!upstream.channel().isWritable()) {
                ReadGate.of(ctx.channel()).close(ReadGate.PEER_UNWRITABLE);
            }
        } else if (connecting != null || rs != null && rs.backoffDeadline != 0) {
            pending.add(buf);
        } else {
            buf.release();
        }
    }

    private void onRequestEnd() {
        if (!exchangeActive) {
            return;
        }
        requestDone = true;
        if (deferredStatus != 0) {
            final int status = deferredStatus;
            deferredStatus = 0;
            localReply(status, deferredReason, false, deferredFlag);
            return;
        }
        if (upstream != null) {
            upstream.write(HttpEnd.INSTANCE);
            upstreamDirty = true;
        } else if (connecting != null || retry != null && retry.backoffDeadline != 0) {
            pending.add(HttpEnd.INSTANCE);
        }
        if (responseDone) {
            finishExchange();
        }
    }

    private void onDownstreamError(final HttpDecodeError error) {
        switch (error.status()) {
            case 408:
                stats.inc(HttpStat.DOWNSTREAM_RQ_HEADER_TIMEOUT);
                break;
            case 413:
                stats.inc(HttpStat.DOWNSTREAM_RQ_TOO_LARGE);
                break;
            case 414:
            case 431:
                stats.inc(HttpStat.DOWNSTREAM_RQ_HEADERS_TOO_LARGE);
                break;
            default:
                stats.inc(HttpStat.DOWNSTREAM_CX_PROTOCOL_ERROR);
                break;
        }
        if (!exchangeActive) {
            // An error in a request head: there is no exchange yet; answer and close.
            exchangeActive = true;
            requestDone = true;
            stats.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
            stats.add(HttpStat.DOWNSTREAM_RQ_ACTIVE, 1);
            startNanos = System.nanoTime();
            final AccessLogEntry le = logEntry;
            if (le != null) {
                le.begin(null, startNanos);   // no head: the request line, if the codec read one, is in the error
                le.method = error.method();
                le.path = error.target();
                le.version = error.version();
            }
        }
        if (logEntry != null && error.status() != 408) {
            logEntry.flags |= ResponseFlags.DPE;
        }
        abortUpstream();
        if (responseStarted) {
            ctx.close();
            return;
        }
        localReply(error.status(), error.reason(), true);
    }

    // ------------------------------------------------------------------ upstream connection

    private void acquireUpstream() {
        if (logEntry != null) {
            logEntry.host = host;
        }
        final UpstreamHttpHandler pooled = loop.pool(host).acquire();
        if (pooled != null) {
            clusterStats.inc(ClusterStat.UPSTREAM_CX_POOL_REUSE);
            bind(pooled, true);
            return;
        }
        final CircuitBreaker breaker = cluster.circuitBreaker();
        if (!breaker.tryAcquirePending()) {
            clusterStats.inc(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
            overloaded("upstream_rq_pending_overflow");
            return;
        }
        if (!breaker.tryAcquireConnection()) {
            breaker.releasePending();
            clusterStats.inc(ClusterStat.UPSTREAM_CX_OVERFLOW);
            overloaded("upstream_cx_overflow");
            return;
        }
        pendingSlot = breaker;
        // The connection slot now belongs to the new connection: it gives it back when its channel closes.
        final UpstreamHttpHandler fresh = new UpstreamHttpHandler(cluster, host, loop.pool(host), clusterStats);
        connecting = fresh;
        ReadGate.of(ctx.channel()).close(ReadGate.PROXY_WAIT);
        clusterStats.inc(ClusterStat.UPSTREAM_CX_TOTAL);
        final ChannelFuture connect = loop.connector(cluster.index()).handler(fresh).connect(host.address());
        connect.channel().closeFuture().addListener(fresh);
        connect.addListener(connectListener);
    }

    /** Answers 503 at once for a circuit-breaker overflow (never queued). */
    private void overloaded(final String reason) {
        releasePending();   // a retried try may have queued its replay
        localReply(503, reason, false, LocalReply.X_STRAIT_OVERLOADED);
        flushDownstream();
    }

    private void releasePendingSlot() {
        final CircuitBreaker b = pendingSlot;
        if (b != null) {
            pendingSlot = null;
            b.releasePending();
        }
    }

    private void releaseRequestSlot() {
        final CircuitBreaker b = requestSlot;
        if (b != null) {
            requestSlot = null;
            b.releaseRequest();
        }
    }

    private void connectDone(final ChannelFuture future) {
        final UpstreamHttpHandler c = connecting;
        if (c == null || c.channel() != future.channel()) {
            // The exchange ended while this connection was being made: keep it for the next one.
            if (future.isSuccess()) {
                final UpstreamHttpHandler orphan = future.channel().pipeline().get(UpstreamHttpHandler.class);
                if (orphan != null) {
                    orphan.release(System.nanoTime());
                }
            }
            return;
        }
        connecting = null;
        releasePendingSlot();
        ReadGate.of(ctx.channel()).open(ReadGate.PROXY_WAIT);
        if (!future.isSuccess()) {
            final Throwable cause = future.cause();
            clusterStats.inc(ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
            final String reason;
            if (cause instanceof ConnectTimeoutException) {
                clusterStats.inc(ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT);
                reason = "upstream_connect_timeout";
            } else {
                reason = "upstream_connect_failure";
            }
            LOG.debug("connect to {} failed: {}", host, cause.toString());
            cluster.reportGatewayFailure(host);
            releasePending();
            if (retry != null && retryAfterFailure(RetryPolicy.CONNECT_FAILURE)) {
                return;
            }
            localReply(502, reason);
            flushDownstream();
            return;
        }
        bind(c, false);
        flushDownstream();
    }

    private void bind(final UpstreamHttpHandler up, final boolean reused) {
        upstream = up;
        upstreamReused = reused;
        if (logEntry != null) {
            logEntry.upstreamStartNanos = System.nanoTime();
        }
        up.attach(this);
        up.write(request);
        Object msg;
        while ((msg = pending.poll()) != null) {
            up.write(msg);
        }
        if (reading) {
            upstreamDirty = true;   // flushed once at this read batch's channelReadComplete
        } else {
            up.flush();
            upstreamDirty = false;
        }
        if (request.expectContinue() && !requestDone && !responseStarted && !continueSent) {
            continueSent = true;
            ctx.write(HttpResponseHead.of(100), ctx.voidPromise());
            downstreamDirty = true;
        }
        if (!up.channel().isWritable()) {
            ReadGate.of(ctx.channel()).close(ReadGate.PEER_UNWRITABLE);
        }
    }

    void onUpstreamHead(final HttpResponseHead head) {
        if (head.isInformational()) {
            if (head.status() == 100 || responseStarted) {
                head.release();   // we answered Expect ourselves; a 100 from upstream is redundant
                return;
            }
            ctx.write(head, ctx.voidPromise());
            head.release();
            downstreamDirty = true;
            return;
        }
        // Outlier detection sees every try's outcome, a retried 5xx included.
        cluster.reportStatus(host, head.status());
        final RetryState rs = retry;
        if (rs != null && retryAfterResponse(rs, head)) {
            return;
        }
        responseStarted = true;
        final AccessLogEntry le = logEntry;
        if (le != null) {
            le.status = head.status();
            le.upstreamServiceNanos = System.nanoTime() - le.upstreamStartNanos;
        }
        route.applyResponseEdits(head);
        if (draining || server.isDraining()) {
            head.close(true);
        }
        countStatus(head.status());
        countUpstreamStatus(head.status());
        ctx.write(head, ctx.voidPromise());
        head.release();
        downstreamDirty = true;
    }

    void onUpstreamBody(final ByteBuf buf) {
        if (logEntry != null) {
            logEntry.bytesSent += buf.readableBytes();
        }
        ctx.write(buf, ctx.voidPromise());
        downstreamDirty = true;
        if (!ctx.channel().isWritable() && upstream != null) {
            ReadGate.of(upstream.channel()).close(ReadGate.PEER_UNWRITABLE);
        }
    }

    void onUpstreamEnd(final UpstreamHttpHandler up) {
        ctx.write(HttpEnd.INSTANCE, ctx.voidPromise());
        downstreamDirty = true;
        responseDone = true;
        final long now = System.nanoTime();   // one clock read serves the stats, the pool and the idle timer
        clusterStats.record(ClusterStat.UPSTREAM_RQ_TIME, micros(now));
        releaseHost();
        upstream = null;
        // The upstream's read-complete will not reach this exchange any more: flush now.
        flushDownstream();
        if (requestDone) {
            up.release(now);
            finishExchange(now);
        } else {
            // The upstream answered before the whole request body was sent: the connection's state is unknown, so
            // it is not reused. The codec reads and drops the rest of the request (bounded) or closes the downstream;
            // the exchange ends when the request does. Reads must not wait on the aborted upstream's writability.
            up.abort();
            ReadGate.of(ctx.channel()).open(ReadGate.PEER_UNWRITABLE);
        }
    }

    void onUpstreamError(final UpstreamHttpHandler up, final HttpDecodeError error) {
        clusterStats.inc(ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR);
        cluster.reportGatewayFailure(host);
        up.abort();
        upstream = null;
        if (retry != null && !responseStarted && UPSTREAM_RESET.equals(error.reason())
            && retryAfterFailure(RetryPolicy.RESET)) {
            return;   // the connection closed in the middle of a response head
        }
        if (logEntry != null) {
            logEntry.flags |= UPSTREAM_RESET.equals(error.reason()) ? ResponseFlags.UC : ResponseFlags.UPE;
        }
        releaseHost();
        if (responseStarted) {
            ctx.close();
        } else {
            localReply(502, error.reason());
        }
        flushDownstream();
    }

    void onUpstreamClosed(final UpstreamHttpHandler up) {
        if (up != upstream) {
            return;
        }
        upstream = null;
        if (!responseStarted && upstreamReused && !retriedStale && replayable()) {
            // A pooled connection the upstream had already closed: send the request again, once, on a new one
            // to the same host (not a policy retry: nothing reached the upstream's application).
            retriedStale = true;
            prepareReplay();
            acquireUpstream();
            return;
        }
        clusterStats.inc(ClusterStat.UPSTREAM_CX_DESTROY_REMOTE_WITH_ACTIVE_RQ);
        clusterStats.inc(ClusterStat.UPSTREAM_RQ_RX_RESET);
        cluster.reportGatewayFailure(host);
        if (retry != null && !responseStarted && retryAfterFailure(RetryPolicy.RESET)) {
            return;
        }
        if (logEntry != null) {
            logEntry.flags |= ResponseFlags.UC;
        }
        releaseHost();
        if (responseStarted) {
            // Never let the client take a truncated body for a complete one.
            ctx.close();
        } else {
            localReply(502, "upstream_reset");
            flushDownstream();
        }
    }

    void onUpstreamWritabilityChanged(final boolean writable) {
        if (writable) {
            ReadGate.of(ctx.channel()).open(ReadGate.PEER_UNWRITABLE);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        final UpstreamHttpHandler up = upstream;
        if (up != null) {
            if (ctx.channel().isWritable()) {
                ReadGate.of(up.channel()).open(ReadGate.PEER_UNWRITABLE);
            } else {
                ReadGate.of(up.channel()).close(ReadGate.PEER_UNWRITABLE);
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    void flushDownstream() {
        if (downstreamDirty) {
            downstreamDirty = false;
            ctx.flush();
        }
    }

    // ------------------------------------------------------------------ exchange end

    /** Answers the current request locally; keeps the connection if the request was read whole. */
    private void localReply(final int status, final String reason) {
        localReply(status, reason, false, null);
    }

    private void localReply(final int status, final String reason, final boolean close) {
        localReply(status, reason, close, null);
    }

    /** {@code flag}: a header to set to {@code true} on the reply (see {@link LocalReply#head}), or null. */
    private void localReply(final int status, final String reason, final boolean close, final AsciiString flag) {
        endRetries();   // answered here: no try is retried any more
        if (responseStarted) {
            ctx.close();
            return;
        }
        if (!requestDone && !close && request != null && request.bodyLength() == 0) {
            deferredStatus = status;
            deferredReason = reason;
            deferredFlag = flag;
            releaseHost();
            return;
        }
        responseStarted = true;
        responseDone = true;
        releaseHost();
        countStatus(status);
        final AccessLogEntry le = logEntry;
        if (le != null) {
            le.status = status;
            le.bytesSent += reason.length() + 1;   // LocalReply.body
            le.flags |= ResponseFlags.ofLocalReply(reason);
        }
        final HttpResponseHead head = LocalReply.head(status, reason, close || draining || server.isDraining(),
            flag);
        ctx.write(head, ctx.voidPromise());
        ctx.write(LocalReply.body(ctx.alloc(), reason), ctx.voidPromise());
        ctx.write(HttpEnd.INSTANCE, ctx.voidPromise());
        downstreamDirty = true;
        if (requestDone) {
            finishExchange();
        }
    }

    private void finishExchange() {
        finishExchange(System.nanoTime());
    }

    private void finishExchange(final long now) {
        logExchange(now);
        stats.record(HttpStat.DOWNSTREAM_RQ_TIME, micros(now));
        stats.add(HttpStat.DOWNSTREAM_RQ_ACTIVE, -1);
        exchangeActive = false;
        final HttpRequestHead r = request;
        if (r != null) {
            r.release();
            request = null;
        }
        route = null;
        cluster = null;
        requestDeadline = 0;
        endRetries();
        releasePendingSlot();
        releaseRequestSlot();
        if (draining || server.isDraining()) {
            closeAfterFlush();
            return;
        }
        armIdle(now);
    }

    /**
     * Offers the exchange's access-log record, if the listener keeps a log: once per request, at its end (response
     * written, local reply, or the connection gone), while the request head's bytes are still held. A request
     * answered before it was forwarded gets a generated request id here, as a forwarded one would have.
     */
    private void logExchange(final long now) {
        final AccessLogEntry le = logEntry;
        if (le == null) {
            return;
        }
        final HttpRequestHead r = le.request;
        if (r != null && !le.forwarded && !r.headers().contains(X_REQUEST_ID)) {
            writeRequestId(requestIdBytes, loop.random());
            le.requestId = requestIdValue;
        }
        listener.accessLog().offer(le, listener.accessLogFormat(), now, logStats);
        le.request = null;
    }

    /** The exchange no longer needs its host: gives back the host's active count and the request slot, once. */
    private void releaseHost() {
        releaseTryHost();
        releaseRequestSlot();
    }

    /** The current try is over: gives back its host's active count, once (the request slot stays). */
    private void releaseTryHost() {
        if (hostActive) {
            hostActive = false;
            host.decrementActive();
            clusterStats.add(ClusterStat.UPSTREAM_RQ_ACTIVE, -1);
        }
    }

    private void abortUpstream() {
        final UpstreamHttpHandler up = upstream;
        if (up != null) {
            upstream = null;
            up.abort();
        }
        connecting = null;
        releasePendingSlot();
        releasePending();
        releaseHost();
    }

    private void releasePending() {
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        ReadGate.of(ctx.channel()).open(ReadGate.PROXY_WAIT);
    }

    private void closeAfterFlush() {
        downstreamDirty = false;
        ctx.pipeline().firstContext().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, -1);
        cancelTimer();
        if (exchangeActive) {
            if (!responseDone) {
                stats.inc(HttpStat.DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ);
                if (logEntry != null && (logEntry.flags & ResponseFlags.PROXY_CLOSE) == 0) {
                    logEntry.flags |= ResponseFlags.DC;
                }
            }
            logExchange(System.nanoTime());
            abortUpstream();
            endRetries();
            stats.add(HttpStat.DOWNSTREAM_RQ_ACTIVE, -1);
            exchangeActive = false;
            final HttpRequestHead r = request;
            if (r != null) {
                r.release();
                request = null;
            }
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("downstream {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Starts draining: an idle connection closes now, a busy one after its response. Call on the loop. */
    void drain() {
        draining = true;
        if (!exchangeActive) {
            closeAfterFlush();
        }
    }

    // ------------------------------------------------------------------ timers

    private void armIdle(final long now) {
        final long idle = listener.idleTimeoutNanos();
        if (idle > 0) {
            idleDeadline = now + idle;
            arm(idleDeadline);
        }
    }

    private void arm(final long deadline) {
        if (deadline < timerAt) {
            timerAt = deadline;
            final ScheduledFuture<?> later = timerFuture;
            timerFuture = loop.loop().schedule(timerTask, Math.max(0, deadline - System.nanoTime()),
                TimeUnit.NANOSECONDS);
            if (later != null) {
                later.cancel(false);
            }
        }
    }

    private void cancelTimer() {
        final ScheduledFuture<?> f = timerFuture;
        if (f != null) {
            timerFuture = null;
            f.cancel(false);
        }
        timerAt = Long.MAX_VALUE;
    }

    private void onTimer() {
        timerFuture = null;   // this task: the only one armed
        timerAt = Long.MAX_VALUE;
        if (!ctx.channel().isActive()) {
            return;
        }
        final long now = System.nanoTime();
        if (exchangeActive && requestDeadline != 0 && now - requestDeadline >= 0) {
            requestDeadline = 0;
            onRequestTimeout();
        } else if (exchangeActive && retry != null) {
            onRetryTimer(now);
        } else if (!exchangeActive && idleDeadline != 0 && now - idleDeadline >= 0) {
            idleDeadline = 0;
            stats.inc(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT);
            ctx.close();
            return;
        }
        long next = Long.MAX_VALUE;
        if (exchangeActive) {
            if (requestDeadline != 0) {
                next = requestDeadline;
            }
            final RetryState rs = retry;
            if (rs != null) {
                next = earliest(earliest(next, rs.perTryDeadline), rs.backoffDeadline);
            }
        } else if (idleDeadline != 0) {
            next = idleDeadline;
        }
        if (next != Long.MAX_VALUE) {
            arm(next);
        }
    }

    private void onRequestTimeout() {
        stats.inc(HttpStat.DOWNSTREAM_RQ_TIMEOUT);
        if (logEntry != null) {
            logEntry.flags |= ResponseFlags.UT;
        }
        if (clusterStats != null) {
            clusterStats.inc(ClusterStat.UPSTREAM_RQ_TIMEOUT);
        }
        abortUpstream();
        if (responseStarted) {
            ctx.close();
        } else {
            localReply(504, "request_timeout", !requestDone);
            flushDownstream();
        }
    }

    /** The earlier of a deadline ({@code Long.MAX_VALUE}: none) and {@code d} (0: none), in nanoTime order. */
    private static long earliest(final long next, final long d) {
        if (d == 0) {
            return next;
        }
        return next == Long.MAX_VALUE || d - next < 0 ? d : next;
    }

    // ------------------------------------------------------------------ retries

    /** The exchange's route has a retry policy: starts its retry state (reused per connection). */
    private void beginRetries(final RetryPolicy policy, final long hash, final Host first) {
        RetryState rs = retryState;
        if (rs == null) {
            rs = new RetryState();
            retryState = rs;
        }
        rs.begin(policy, hash, first);
        retry = rs;
        armPerTry(rs, startNanos);
    }

    private void armPerTry(final RetryState rs, final long now) {
        final long perTry = rs.policy.perTryTimeoutNanos();
        if (perTry > 0) {
            rs.perTryDeadline = now + perTry;
            arm(rs.perTryDeadline);
        }
    }

    /** Retries are over for this exchange (it is answered or gone): releases the kept body and the retry slot. */
    private void endRetries() {
        final RetryState rs = retry;
        if (rs != null) {
            retry = null;
            rs.end();
        }
    }

    /** True if the request can be sent again: it has no body, or all of it so far is kept. */
    private boolean replayable() {
        return request.bodyLength() == 0 || retry != null && retry.buffering;
    }

    /**
     * Queues the request's replay in {@code pending} (which {@link #bind} drains after writing the head): what the
     * failed try had not taken yet is dropped, since the kept body holds it too.
     */
    private void prepareReplay() {
        releasePending();
        final RetryState rs = retry;
        if (rs != null) {
            rs.replayInto(pending);
        }
        if (requestDone) {
            pending.add(HttpEnd.INSTANCE);
        }
    }

    /**
     * The current try failed without a response (connect failure, reset, per-try timeout; its upstream is already
     * let go). Starts the backoff before a retry and returns true when the policy and limits allow one; false when
     * the caller must answer the failure itself.
     *
     * <p>The first retry after a connect failure goes out at once, without backoff: the request reached no upstream,
     * the retry prefers a host not tried yet, and a host that refuses connections (killed, restarting) makes every
     * request that picks it fail within microseconds. Backing those off would hold each one's retry slot for the
     * backoff (25 ms by default) and, at a few thousand requests per second, overflow {@code max_retries} until
     * outlier detection or the health check takes the host out (perf-tests/fault.sh measured 19 lost requests at
     * 5,000 req/s that way); at once, a slot is held only for the retried try.
     */
    private boolean retryAfterFailure(final int kind) {
        final RetryState rs = retry;
        if (responseStarted || !rs.policy.retriesFailure(kind)
            || !admitRetry(rs, kind != RetryPolicy.CONNECT_FAILURE)) {
            return false;
        }
        startBackoff(rs, kind == RetryPolicy.CONNECT_FAILURE && rs.retries == 1);
        return true;
    }

    /**
     * A final response head arrived on a try of an exchange with a retry policy. A retriable status is retried when
     * the limits allow it (the head is dropped and its connection aborted, its body never forwarded); otherwise the
     * head is the response, retries end, and false tells the caller to forward it.
     */
    private boolean retryAfterResponse(final RetryState rs, final HttpResponseHead head) {
        final int status = head.status();
        if (rs.policy.retriesStatus(status)) {
            if (admitRetry(rs, true)) {
                countUpstreamStatus(status);
                head.release();
                final UpstreamHttpHandler up = upstream;
                upstream = null;
                if (up != null) {
                    up.abort();
                }
                startBackoff(rs, false);
                flushDownstream();
                return true;
            }
        } else if (rs.retries > 0) {
            clusterStats.inc(ClusterStat.UPSTREAM_RQ_RETRY_SUCCESS);
        }
        rs.settle();
        return false;
    }

    /**
     * Whether a retry may start now: the request is replayable, attempts remain (else retry_limit_exceeded) and, when
     * {@code needsSlot}, the breaker admits one more retry (else retry_overflow). On true the retry is counted and its
     * slot, if any, held.
     *
     * <p>A retry after a connect failure takes no slot of {@code max_retries} / the retry budget (Envoy's would): the
     * request reached no upstream, so sending it to another host adds no load to any upstream's application, which is
     * what those limits protect. It is still bounded by the policy's attempts and by the connection limits. Counting
     * it let a burst of requests picking a host that had just died (connection refused within microseconds, many in
     * one event-loop batch) overflow the default 3 and fail (perf-tests/fault.sh).
     */
    private boolean admitRetry(final RetryState rs, final boolean needsSlot) {
        if (!replayable()) {
            return false;
        }
        rs.releaseRetrySlot();   // the failed try, if it was a retry, no longer counts as one in flight
        if (rs.retries >= rs.policy.attempts()) {
            clusterStats.inc(ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED);
            if (logEntry != null) {
                logEntry.flags |= ResponseFlags.URX;
            }
            return false;
        }
        if (needsSlot && !rs.tryAcquireRetrySlot(cluster.circuitBreaker())) {
            clusterStats.inc(ClusterStat.UPSTREAM_RQ_RETRY_OVERFLOW);
            return false;
        }
        rs.retries++;
        clusterStats.inc(ClusterStat.UPSTREAM_RQ_RETRY);
        return true;
    }

    /** Lets the failed try's host go, queues the replay, pauses downstream reads and waits the backoff. */
    private void startBackoff(final RetryState rs, final boolean immediate) {
        releaseTryHost();
        rs.perTryDeadline = 0;
        prepareReplay();
        final ReadGate gate = ReadGate.of(ctx.channel());
        gate.open(ReadGate.PEER_UNWRITABLE);   // the failed upstream will never report that it drained
        gate.close(ReadGate.PROXY_WAIT);
        final long delay = immediate ? 1 : Math.max(1, rs.policy.backoff().delayNanos(rs.retries - 1, loop.random()));
        rs.backoffDeadline = System.nanoTime() + delay;
        arm(rs.backoffDeadline);
    }

    /** A per-try or backoff deadline of the exchange may have passed. */
    private void onRetryTimer(final long now) {
        final RetryState rs = retry;
        if (rs.perTryDeadline != 0 && now - rs.perTryDeadline >= 0) {
            rs.perTryDeadline = 0;
            onPerTryTimeout();
        } else if (rs.backoffDeadline != 0 && now - rs.backoffDeadline >= 0) {
            rs.backoffDeadline = 0;
            retryNow(rs, now);
        }
    }

    /** The current try ran past per_try_timeout: it is dropped and retried if allowed, else answered 504. */
    private void onPerTryTimeout() {
        clusterStats.inc(ClusterStat.UPSTREAM_RQ_PER_TRY_TIMEOUT);
        final UpstreamHttpHandler up = upstream;
        if (up != null) {
            upstream = null;
            up.abort();
        }
        connecting = null;   // a connect still in progress ends up in the pool (connectDone)
        releasePendingSlot();
        if (retryAfterFailure(RetryPolicy.PER_TRY_TIMEOUT)) {
            return;
        }
        abortUpstream();
        localReply(504, "upstream_per_try_timeout", !requestDone);
        flushDownstream();
    }

    /** The backoff is over: picks a host (preferring one not tried yet) and sends the request again. */
    private void retryNow(final RetryState rs, final long now) {
        ReadGate.of(ctx.channel()).open(ReadGate.PROXY_WAIT);
        final Host h = pickRetryHost(rs);
        if (h == null) {
            clusterStats.inc(ClusterStat.UPSTREAM_CX_NONE_HEALTHY);
            releasePending();
            localReply(503, "no_healthy_upstream");
            flushDownstream();
            return;
        }
        host = h;
        rs.addTried(h);
        h.incrementActive();
        hostActive = true;
        clusterStats.inc(ClusterStat.UPSTREAM_RQ_TOTAL);
        clusterStats.add(ClusterStat.UPSTREAM_RQ_ACTIVE, 1);
        armPerTry(rs, now);
        acquireUpstream();
        flushDownstream();
    }

    /**
     * Picks again, up to {@link #RETRY_PICKS} times while the pick is a host this exchange already tried; the last
     * pick stands if all were tried. A hashing balancer (ring hash, Maglev) would give the same host for the same
     * hash, so each re-pick perturbs the request hash ({@link RetryState#perturb}).
     */
    private Host pickRetryHost(final RetryState rs) {
        final LoadBalancer lb = loop.balancer(cluster.index());
        final boolean hashing = cluster.hashing();
        Host h = null;
        for (int i = 0; i < RETRY_PICKS; i++) {
            h = lb.pick(hashing ? RetryState.perturb(rs.hash, rs.retries, i) : 0);
            if (h == null || !rs.tried(h)) {
                return h;
            }
        }
        return h;
    }

    // ------------------------------------------------------------------ helpers

    /** Microseconds since the request's head arrived (the stats' histogram unit). */
    private long micros(final long now) {
        return (now - startNanos) / 1000;
    }

    private void addForwardingHeaders(final HttpHeaderBlock headers, final SplittableRandom random) {
        final int xff = headers.indexOf(X_FORWARDED_FOR);
        if (xff < 0) {
            headers.add(X_FORWARDED_FOR, clientIp);
        } else {
            final StringBuilder joined = new StringBuilder(64);
            for (int i = xff; i >= 0; i = headers.indexOf(X_FORWARDED_FOR, i + 1)) {
                joined.append(headers.value(i)).append(", ");
                headers.remove(i);
            }
            joined.append(clientIp);
            headers.add(X_FORWARDED_FOR, new AsciiString(joined));
        }
        if (!headers.contains(X_FORWARDED_PROTO)) {
            headers.add(X_FORWARDED_PROTO, listener.config().tls() != null ? HTTPS : HTTP);
        }
        if (!headers.contains(X_REQUEST_ID)) {
            writeRequestId(requestIdBytes, random);
            headers.add(X_REQUEST_ID, requestIdValue);
        }
    }

    /** Writes a random version-4 UUID in its text form into {@code out} (36 bytes). */
    static void writeRequestId(final byte[] out, final SplittableRandom random) {
        final long hi = (random.nextLong() & ~0xF000L) | 0x4000L;
        final long lo = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        int p = 0;
        for (int i = 15; i >= 0; i--) {
            out[p++] = HEX[(int) (hi >>> (i * 4)) & 0xF];
            if (p == 8 || p == 13) {
                out[p++] = '-';
            }
        }
        out[p++] = '-';
        for (int i = 15; i >= 0; i--) {
            out[p++] = HEX[(int) (lo >>> (i * 4)) & 0xF];
            if (p == 23) {
                out[p++] = '-';
            }
        }
    }

    private void countStatus(final int status) {
        stats.inc(DOWNSTREAM_BY_CLASS[statusClass(status)]);
    }

    private void countUpstreamStatus(final int status) {
        clusterStats.inc(UPSTREAM_BY_CLASS[statusClass(status)]);
    }

    /** 0 for 1xx ... 4 for 5xx; anything out of range counts as 5xx. */
    private static int statusClass(final int status) {
        final int c = status / 100 - 1;
        return c >= 0 && c <= 4 ? c : 4;
    }
}
