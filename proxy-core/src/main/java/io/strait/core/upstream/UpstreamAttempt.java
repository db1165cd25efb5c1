package io.strait.core.upstream;

import io.strait.core.time.NanoClock;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.UpstreamStreamPool;
import io.strait.core.cluster.UpstreamTls;
import io.strait.core.flow.ReadGate;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.HostStat;
import io.strait.lb.resilience.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One try of an exchange against one host (Envoy's upstream request): takes the host's active-request count, gets a
 * connection (an idle pooled one, or a new one within the breaker's pending and connection limits), binds it and
 * writes the request, queues body chunks that arrive while there is no connection yet, and lets the connection go
 * at the end (back to the pool after a complete exchange, closed otherwise). Response events reach it through
 * {@link UpstreamCallbacks} and go on to its exchange only while they come from the connection it holds.
 *
 * <p>It also keeps its host's request counters ({@link HostStat}, this loop's slots): {@code rq_total} when a try
 * begins, and the try's outcome, noted as events come ({@link AttemptOutcome}) and charged once when the try lets its
 * host go ({@link #releaseHost()}), so a pooled connection found closed and replayed in the same try is no error.
 *
 * <p>Confined to its exchange's event loop; one per exchange, reused for each try and each request.
 */
public final class UpstreamAttempt implements UpstreamCallbacks, ChannelFutureListener, Http2StreamWaiter {

    /** {@link #acquire}: a connection was bound, or is being made. */
    public static final int ACQUIRED = 0;
    /** {@link #acquire}: the breaker's max_pending_requests refused a new connection. */
    public static final int PENDING_OVERFLOW = 1;
    /** {@link #acquire}: the breaker's max_connections refused a new connection. */
    public static final int CONNECTION_OVERFLOW = 2;

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamAttempt.class);
    /** Resends of a request the upstream did not process, at most, per exchange (they are safe, but not endless). */
    static final int MAX_UNPROCESSED_RESENDS = 4;
    /** What the exchange hears when the upstream reset the stream: a reset, as a close before the response is. */
    private static final HttpDecodeError STREAM_RESET = new HttpDecodeError(502, "upstream_reset");

    private final AttemptListener exchange;
    private final DownstreamFlow downstream;
    private final UpstreamPools loop;
    private final NanoClock clock;
    /** This loop's slot in each host's counters. */
    private final int loopIndex;
    /** Request events that arrived while no connection was bound, written once one is. */
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);

    private AttemptPhase phase = AttemptPhase.IDLE;
    private AttemptOutcome outcome = AttemptOutcome.NONE;
    private Cluster cluster;
    /** The cluster's position in its snapshot (which connector opens its connections). */
    private int clusterIndex;
    private Host host;
    private LoopStats<ClusterStat> stats;
    private HttpRequestHead request;
    private UpstreamStream upstream;
    /** The future of the connect in progress, so a late completion of an abandoned one is recognised. */
    private ChannelFuture connectFuture;
    private UpstreamHttpHandler connecting;
    /** HTTP/2: the connection still connecting on which this try reserved a stream (null: none). */
    private UpstreamHttp2Connection waitingOn;
    /** The upstream refused the try's stream unprocessed: resending it is safe whatever the method. */
    private boolean unprocessed;
    /** Unprocessed requests resent in this exchange. */
    private int unprocessedResends;
    private boolean reused;
    private boolean hostActive;
    private boolean upstreamDirty;
    /** When the connect in progress started (for upstream_cx_connect_ms). */
    private long connectStartNanos;
    /** The breaker whose pending slot this try holds while its new connection opens (null: none). */
    private CircuitBreaker pendingSlot;

    /**
     * The attempt of one exchange: its events go to {@code exchange}, its flow control to {@code downstream}, its
     * connections come from {@code loop}.
     */
    public UpstreamAttempt(final AttemptListener exchange, final DownstreamFlow downstream, final UpstreamPools loop,
                           final NanoClock clock) {
        this.exchange = exchange;
        this.downstream = downstream;
        this.loop = loop;
        this.clock = clock;
        this.loopIndex = loop.index();
    }

    /**
     * Starts a try of {@code req} on {@code h} of cluster {@code c} (at {@code clusterIndex} of its snapshot): takes
     * the host's active count and counts the upstream request.
     */
    public void begin(final Cluster c, final int clusterIndex, final LoopStats<ClusterStat> clusterStats,
                      final Host h, final HttpRequestHead req) {
        cluster = c;
        this.clusterIndex = clusterIndex;
        stats = clusterStats;
        host = h;
        request = req;
        h.incrementActive();
        hostActive = true;
        outcome = AttemptOutcome.NONE;
        unprocessed = false;
        h.stats().inc(loopIndex, HostStat.RQ_TOTAL);
        clusterStats.inc(ClusterStat.UPSTREAM_RQ_TOTAL);
        clusterStats.add(ClusterStat.UPSTREAM_RQ_ACTIVE, 1);
    }

    public Host host() {
        return host;
    }

    /** True if the bound connection came from the pool (it may have been closed by the upstream meanwhile). */
    public boolean reused() {
        return reused;
    }

    /**
     * True if the upstream refused the try's HTTP/2 stream unprocessed: it may be resent whatever its method, up to
     * {@link #MAX_UNPROCESSED_RESENDS} times per exchange.
     */
    public boolean unprocessed() {
        return unprocessed && unprocessedResends < MAX_UNPROCESSED_RESENDS;
    }

    /**
     * Gets a connection for the try: binds an idle pooled one at once, or starts a new one (the exchange hears of
     * it through {@link AttemptListener#onBound} or {@link AttemptListener#onConnectFailure}).
     */
    public int acquire() {
        if (cluster.multiplexes() && (cluster.http2() || loop.streamPool(host).alpnH2())) {
            return acquireStream();   // the one protocol branch: HTTP/1.1 goes on below as it always did
        }
        final UpstreamHttpHandler pooled = loop.pool(host).acquire();
        if (pooled != null) {
            stats.inc(ClusterStat.UPSTREAM_CX_POOL_REUSE);
            bind(pooled, true);
            exchange.onBound();
            return ACQUIRED;
        }
        final CircuitBreaker breaker = cluster.circuitBreaker();
        if (!breaker.tryAcquirePending()) {
            stats.inc(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
            return PENDING_OVERFLOW;
        }
        if (!breaker.tryAcquireConnection()) {
            breaker.releasePending();
            stats.inc(ClusterStat.UPSTREAM_CX_OVERFLOW);
            return CONNECTION_OVERFLOW;
        }
        pendingSlot = breaker;
        // The connection slot now belongs to the new connection: it gives it back when its channel closes.
        final UpstreamHttpHandler fresh = new UpstreamHttpHandler(cluster, host, loop.pool(host), stats, loopIndex);
        connecting = fresh;
        phase = AttemptPhase.CONNECTING;
        downstream.pauseReading(ReadGate.PROXY_WAIT);
        stats.inc(ClusterStat.UPSTREAM_CX_TOTAL);
        host.stats().inc(loopIndex, HostStat.CX_TOTAL);
        connectStartNanos = clock.nanoTime();
        final ChannelFuture connect = loop.connector().connect(clusterIndex, host, fresh);
        connectFuture = connect;
        if (connect.isDone() && !connect.channel().isRegistered()) {
            // The channel could not even be made (no file descriptor left, say): Netty completed the future on a
            // placeholder channel whose listeners would run on its global executor, off this loop, and whose close
            // never comes, so the connection slot is given back here and the failure handled now, on the loop.
            fresh.releaseConnectionSlot();
            operationComplete(connect);
            return ACQUIRED;
        }
        connect.channel().closeFuture().addListener(fresh);
        connect.addListener(this);
        return ACQUIRED;
    }

    /** The new connection's connect completed (on the loop). */
    @Override
    public void operationComplete(final ChannelFuture future) {
        if (future != connectFuture) {
            // The try ended while this connection was being made: keep it for the next one, or count its failure.
            final UpstreamHttpHandler orphan = future.channel().pipeline().get(UpstreamHttpHandler.class);
            if (orphan != null) {
                if (future.isSuccess() && orphan.cluster().alpnAuto()
                    && UpstreamTls.negotiatedH2(future.channel())) {
                    orphan.closeConnection();   // ALPN picked h2 for a connection nobody waits for: not kept
                } else if (future.isSuccess()) {
                    orphan.release(clock.nanoTime());
                } else {
                    orphan.connectFailed(future.cause());
                }
            }
            return;
        }
        final UpstreamHttpHandler c = connecting;
        connecting = null;
        connectFuture = null;
        if (future.isSuccess() && cluster.alpnAuto() && switchedToHttp2(c, future)) {
            return;
        }
        releasePendingSlot();
        downstream.resumeReading(ReadGate.PROXY_WAIT);
        if (!future.isSuccess()) {
            final Throwable cause = future.cause();
            LOG.debug("connect to {} failed: {}", host, String.valueOf(cause));
            connectFailed(c.connectFailed(cause));
            return;
        }
        stats.record(ClusterStat.UPSTREAM_CX_CONNECT_MS, (clock.nanoTime() - connectStartNanos) / 1000);
        bind(c, false);
        exchange.onBound();
    }

    /**
     * Protocol auto over TLS: the new connection's handshake is done; if ALPN picked h2 it becomes an HTTP/2
     * connection of the host's stream pool and the try waits for its SETTINGS, as on any new HTTP/2 connection (its
     * pending slot and paused reads go on until then). Either way the pool learns what the host picked.
     *
     * @return true if the connection became HTTP/2
     */
    private boolean switchedToHttp2(final UpstreamHttpHandler c, final ChannelFuture future) {
        final UpstreamStreamPool<UpstreamHttp2Connection> pool = loop.streamPool(host);
        final boolean h2 = UpstreamTls.negotiatedH2(future.channel());
        pool.alpnH2(h2);
        if (!h2) {
            return false;
        }
        stats.record(ClusterStat.UPSTREAM_CX_CONNECT_MS, (clock.nanoTime() - connectStartNanos) / 1000);
        final UpstreamHttp2Connection h2c = c.toHttp2(pool, clock.nanoTime());
        waitingOn = h2c;
        h2c.reserve();
        h2c.await(this);
        return true;
    }

    /**
     * HTTP/2: a stream on a pooled connection with room for one, else on a connection still connecting (the try
     * waits for it, holding a pending slot), else on a new connection within the breaker's limits.
     */
    private int acquireStream() {
        final UpstreamStreamPool<UpstreamHttp2Connection> pool = loop.streamPool(host);
        final UpstreamHttp2Connection found = pool.acquire();
        if (found != null && found.isOpen()) {
            stats.inc(ClusterStat.UPSTREAM_CX_POOL_REUSE);
            found.reserve();
            bindStream(found, true);
            return ACQUIRED;
        }
        final CircuitBreaker breaker = cluster.circuitBreaker();
        if (!breaker.tryAcquirePending()) {
            stats.inc(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
            return PENDING_OVERFLOW;
        }
        UpstreamHttp2Connection c = found;
        if (c == null) {
            if (!breaker.tryAcquireConnection()) {
                breaker.releasePending();
                stats.inc(ClusterStat.UPSTREAM_CX_OVERFLOW);
                return CONNECTION_OVERFLOW;
            }
            // The connection slot now belongs to the new connection: it gives it back when its channel closes.
            c = UpstreamHttp2Connection.create(cluster, host, pool, stats, loopIndex, clock.nanoTime());
        } else {
            stats.inc(ClusterStat.UPSTREAM_CX_POOL_REUSE);
        }
        pendingSlot = breaker;
        phase = AttemptPhase.CONNECTING;
        waitingOn = c;
        c.reserve();
        c.await(this);
        downstream.pauseReading(ReadGate.PROXY_WAIT);
        if (c != found) {
            c.connect(loop.connector(), clusterIndex);   // a failure on the spot reaches this try already waiting
        }
        return ACQUIRED;
    }

    /** HTTP/2: the connection this try waits on is open: its stream is opened and bound. */
    @Override
    public void onConnectionReady(final UpstreamHttp2Connection c) {
        waitingOn = null;
        releasePendingSlot();
        downstream.resumeReading(ReadGate.PROXY_WAIT);
        bindStream(c, false);
    }

    /** HTTP/2: the connection this try waited on has no stream for it: the exchange resends it elsewhere. */
    @Override
    public void onConnectionRefused(final UpstreamHttp2Connection c) {
        waitingOn = null;
        releasePendingSlot();
        downstream.resumeReading(ReadGate.PROXY_WAIT);
        phase = AttemptPhase.IDLE;
        unprocessed = true;
        exchange.onUpstreamClosed();
    }

    /** HTTP/2: the connection this try waited on could not be made (counted by the connection). */
    @Override
    public void onConnectionFailed(final UpstreamHttp2Connection c, final boolean timedOut) {
        waitingOn = null;
        releasePendingSlot();
        downstream.resumeReading(ReadGate.PROXY_WAIT);
        connectFailed(timedOut);
    }

    /** The try's connection (or its HTTP/2 stream) could not be made: an error of the host, told to the exchange. */
    private void connectFailed(final boolean timedOut) {
        phase = AttemptPhase.IDLE;
        outcome = AttemptOutcome.ERROR;
        cluster.reportGatewayFailure(host);
        releasePending();
        exchange.onConnectFailure(timedOut);
    }

    /** Opens the stream reserved on {@code c} and binds it; one that cannot open is a connect failure. */
    private void bindStream(final UpstreamHttp2Connection c, final boolean fromPool) {
        final UpstreamHttp2Stream s = c.openStream();
        if (s == null) {
            connectFailed(false);
            return;
        }
        bind(s, fromPool);
        exchange.onBound();
    }

    /** HTTP/2: stops waiting for a connection still connecting, giving its reserved stream back. */
    private void stopWaiting() {
        final UpstreamHttp2Connection c = waitingOn;
        if (c != null) {
            waitingOn = null;
            c.cancel(this);
        }
    }

    private void bind(final UpstreamStream up, final boolean fromPool) {
        upstream = up;
        reused = fromPool;
        phase = AttemptPhase.BOUND;
        up.attach(this);
        up.write(request);
        Object msg;
        while ((msg = pending.poll()) != null) {
            up.write(msg);
        }
        if (downstream.inReadBatch()) {
            upstreamDirty = true;   // flushed once at this read batch's end
        } else {
            up.flush();
            upstreamDirty = false;
        }
        if (!up.channel().isWritable()) {
            downstream.pauseReading(ReadGate.PEER_UNWRITABLE);
        }
    }

    /** Sends a request body chunk or the end marker: to the connection, queued while there is none, else dropped. */
    public void send(final Object msg) {
        final UpstreamStream up = upstream;
        if (up != null) {
            up.write(msg);
            upstreamDirty = true;
            if (msg != HttpEnd.INSTANCE && !up.channel().isWritable()) {
                downstream.pauseReading(ReadGate.PEER_UNWRITABLE);
            }
        } else if (phase == AttemptPhase.CONNECTING || phase == AttemptPhase.WAITING) {
            pending.add(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Flushes what {@link #send} wrote, if anything. */
    public void flush() {
        if (upstreamDirty) {
            upstreamDirty = false;
            final UpstreamStream up = upstream;
            if (up != null) {
                up.flush();
            }
        }
    }

    /**
     * Readies a retry: the failed try's connection is already let go; the host's active count is given back, and
     * the replay (head written on bind, then the kept body and, if the request is complete, its end) is queued.
     */
    public void waitForRetry(final RequestReplay retry, final boolean requestDone) {
        releaseHost();
        replay(retry, requestDone);
        final DownstreamFlow d = downstream;
        d.resumeReading(ReadGate.PEER_UNWRITABLE);   // the failed upstream will never report that it drained
        d.pauseReading(ReadGate.PROXY_WAIT);
    }

    /** The backoff is over: reads may resume while the next try connects. */
    public void backoffOver() {
        downstream.resumeReading(ReadGate.PROXY_WAIT);
    }

    /**
     * Lets the connection go without a response: aborts a bound one, forgets a connect in progress (it ends up in
     * the pool) and gives back the pending slot. The host's count and the queue are left to the caller.
     */
    public void dropConnection() {
        final UpstreamStream up = upstream;
        if (up != null) {
            upstream = null;
            up.abort();
        }
        stopWaiting();
        connecting = null;
        connectFuture = null;
        releasePendingSlot();
        phase = AttemptPhase.IDLE;
    }

    /** The exchange is over: a connect still in progress is forgotten (it ends up in the pool). */
    public void dropConnecting() {
        if (phase == AttemptPhase.CONNECTING) {
            stopWaiting();
            connecting = null;
            connectFuture = null;
            phase = AttemptPhase.IDLE;
        }
        releasePendingSlot();
    }

    /**
     * Queues the request again for a new connection to the same host, in the same try (the pooled connection it
     * went to was closed by the upstream): the head is written on bind, then the kept body and the end if it came.
     */
    public void replay(final RequestReplay retry, final boolean requestDone) {
        outcome = AttemptOutcome.NONE;   // a stale pooled connection is not the host failing this try
        if (unprocessed) {
            unprocessed = false;
            unprocessedResends++;
        }
        releasePending();
        if (retry != null) {
            retry.replayInto(pending);
        }
        if (requestDone) {
            pending.add(HttpEnd.INSTANCE);
        }
        phase = AttemptPhase.WAITING;
    }

    /** Ends the try at once, whatever its phase: connection, queue, pending slot and host count all let go. */
    public void abort() {
        dropConnection();
        releasePending();
        releaseHost();
    }

    /**
     * The response is complete: the connection goes back to the pool when the whole request was sent too; if the
     * upstream answered before the request's end, the connection's state is unknown and it is closed.
     */
    public void complete(final UpstreamStream up, final boolean requestDone, final long now) {
        upstream = null;
        phase = AttemptPhase.IDLE;
        releaseHost();
        if (requestDone) {
            up.release(now);
        } else {
            up.abort();
            // The codec reads and drops the rest of the request; reads must not wait on the aborted upstream.
            downstream.resumeReading(ReadGate.PEER_UNWRITABLE);
        }
    }

    /** The try no longer needs its host: gives back the host's active count and charges the try's outcome, once. */
    public void releaseHost() {
        if (hostActive) {
            hostActive = false;
            host.decrementActive();
            stats.add(ClusterStat.UPSTREAM_RQ_ACTIVE, -1);
            final AttemptOutcome o = outcome;
            if (o != AttemptOutcome.NONE) {
                outcome = AttemptOutcome.NONE;
                host.stats().inc(loopIndex, o == AttemptOutcome.SUCCESS ? HostStat.RQ_SUCCESS : HostStat.RQ_ERROR);
            }
        }
    }

    /**
     * The route's timeout or the per-try timeout fired: counts {@code rq_timeout} for the try's host if a try is on
     * it, and makes the try an error unless its final response head already came.
     */
    public void timedOut() {
        if (hostActive) {
            host.stats().inc(loopIndex, HostStat.RQ_TIMEOUT);
            if (outcome == AttemptOutcome.NONE) {
                outcome = AttemptOutcome.ERROR;
            }
        }
    }

    private void releasePendingSlot() {
        final CircuitBreaker b = pendingSlot;
        if (b != null) {
            pendingSlot = null;
            b.releasePending();
        }
    }

    /** Releases queued request events and lets reads resume if they waited for a connection. */
    public void releasePending() {
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        downstream.resumeReading(ReadGate.PROXY_WAIT);
    }

    // ------------------------------------------------------------------ from the connection

    @Override
    public void onUpstreamHead(final UpstreamStream up, final HttpResponseHead head) {
        if (outcome == AttemptOutcome.NONE && !head.isInformational()) {
            outcome = head.status() >= 500 ? AttemptOutcome.ERROR : AttemptOutcome.SUCCESS;
        }
        exchange.onUpstreamHead(head);
    }

    @Override
    public void onUpstreamBody(final UpstreamStream up, final ByteBuf buf) {
        exchange.onUpstreamBody(buf);
        if (!downstream.isWritable()) {
            ReadGate.of(up.channel()).close(ReadGate.PEER_UNWRITABLE);
        }
    }

    @Override
    public void onUpstreamTrailers(final UpstreamStream up, final HttpTrailers trailers) {
        exchange.onUpstreamTrailers(trailers);
    }

    @Override
    public void onUpstreamEnd(final UpstreamStream up) {
        exchange.onUpstreamEnd(up);
    }

    @Override
    public void onUpstreamError(final UpstreamStream up, final HttpDecodeError error) {
        stats.inc(ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR);
        if (outcome == AttemptOutcome.NONE) {
            outcome = AttemptOutcome.ERROR;   // before the final head; after it the try stays a success, as in Envoy
        }
        cluster.reportGatewayFailure(host);
        up.abort();
        upstream = null;
        phase = AttemptPhase.IDLE;
        exchange.onUpstreamError(error);
    }

    @Override
    public void onUpstreamClosed(final UpstreamStream up) {
        if (up != upstream) {
            return;
        }
        if (outcome == AttemptOutcome.NONE) {
            outcome = AttemptOutcome.ERROR;   // undone by replay() when the exchange resends on a new connection
        }
        upstream = null;
        phase = AttemptPhase.IDLE;
        exchange.onUpstreamClosed();
    }

    @Override
    public void onUpstreamReset(final UpstreamStream up, final boolean refused) {
        if (up != upstream) {
            return;
        }
        upstream = null;
        phase = AttemptPhase.IDLE;
        if (outcome == AttemptOutcome.NONE) {
            outcome = AttemptOutcome.ERROR;   // undone by replay() when the exchange resends an unprocessed stream
        }
        if (refused) {
            // Not processed: the exchange resends it as it resends on a stale pooled connection, method regardless.
            unprocessed = true;
            exchange.onUpstreamClosed();
            return;
        }
        stats.inc(ClusterStat.UPSTREAM_RQ_RX_RESET);
        cluster.reportGatewayFailure(host);
        exchange.onUpstreamError(STREAM_RESET);
    }

    @Override
    public void onUpstreamWritabilityChanged(final UpstreamStream up, final boolean writable) {
        if (writable) {
            downstream.resumeReading(ReadGate.PEER_UNWRITABLE);
        }
    }

    @Override
    public void onUpstreamReadComplete(final UpstreamStream up) {
        downstream.flush();
    }

    /** The downstream's writability changed: pauses or resumes reading the bound connection. */
    public void onDownstreamWritabilityChanged(final boolean writable) {
        final UpstreamStream up = upstream;
        if (up != null) {
            if (writable) {
                ReadGate.of(up.channel()).open(ReadGate.PEER_UNWRITABLE);
            } else {
                ReadGate.of(up.channel()).close(ReadGate.PEER_UNWRITABLE);
            }
        }
    }

    /** The exchange is over: forgets its request (the exchange releases it). */
    public void clear() {
        request = null;
        unprocessedResends = 0;
    }
}
