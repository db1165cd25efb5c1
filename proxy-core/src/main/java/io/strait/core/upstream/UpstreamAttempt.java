package io.strait.core.upstream;

import io.strait.core.time.NanoClock;
import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.cluster.Cluster;
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

import java.util.ArrayDeque;

/**
 * One try of an exchange against one host (Envoy's upstream request): takes the host's active-request count, has its
 * {@link ConnectionAcquirer} get a connection (pooled, new within the breaker's limits, or an HTTP/2 stream), binds
 * it and writes the request, queues body chunks that arrive while there is no connection yet, follows the flow
 * control between the two sides, and lets the connection go at the end (back to the pool after a complete exchange,
 * closed otherwise). Response events reach it through {@link UpstreamCallbacks} and go on to its exchange only while
 * they come from the connection it holds.
 *
 * <p>It also keeps its host's request counters ({@link HostStat}, this loop's slots): {@code rq_total} when a try
 * begins, and the try's outcome, noted as events come ({@link AttemptOutcome}) and charged once when the try lets its
 * host go ({@link #releaseHost()}), so a pooled connection found closed and replayed in the same try is no error.
 *
 * <p>Confined to its exchange's event loop; one per exchange, reused for each try and each request.
 */
public final class UpstreamAttempt implements UpstreamCallbacks {

    /** {@link #acquire}: a connection was bound, or is being made. */
    public static final int ACQUIRED = 0;
    /** {@link #acquire}: the breaker's max_pending_requests refused a new connection. */
    public static final int PENDING_OVERFLOW = 1;
    /** {@link #acquire}: the breaker's max_connections refused a new connection. */
    public static final int CONNECTION_OVERFLOW = 2;

    /** Resends of a request the upstream did not process, at most, per exchange (they are safe, but not endless). */
    static final int MAX_UNPROCESSED_RESENDS = 4;
    /** What the exchange hears when the upstream reset the stream: a reset, as a close before the response is. */
    private static final HttpDecodeError STREAM_RESET = new HttpDecodeError(502, "upstream_reset");

    private final AttemptListener exchange;
    private final DownstreamFlow downstream;
    /** Gets each try its connection. */
    private final ConnectionAcquirer acquirer;
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
    /** The upstream refused the try's stream unprocessed: resending it is safe whatever the method. */
    private boolean unprocessed;
    /** Unprocessed requests resent in this exchange. */
    private int unprocessedResends;
    private boolean reused;
    private boolean hostActive;
    private boolean upstreamDirty;

    /**
     * The attempt of one exchange: its events go to {@code exchange}, its flow control to {@code downstream}, its
     * connections come from {@code loop}.
     */
    public UpstreamAttempt(final AttemptListener exchange, final DownstreamFlow downstream, final UpstreamPools loop,
                           final NanoClock clock) {
        this.exchange = exchange;
        this.downstream = downstream;
        this.acquirer = new ConnectionAcquirer(this, downstream, loop, clock);
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

    /** The current try's cluster. */
    Cluster cluster() {
        return cluster;
    }

    /** The current try's cluster's position in its snapshot (which connector opens its connections). */
    int clusterIndex() {
        return clusterIndex;
    }

    /** The current try's cluster's counters on this loop. */
    LoopStats<ClusterStat> stats() {
        return stats;
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
        return acquirer.acquire();
    }

    /** The acquirer starts a new connection (or waits for an HTTP/2 one): request events queue until it binds. */
    void connecting() {
        phase = AttemptPhase.CONNECTING;
    }

    /** The acquirer got the try a connection: the request goes to it and the exchange hears of it. */
    void bound(final UpstreamStream up, final boolean fromPool) {
        bind(up, fromPool);
        exchange.onBound();
    }

    /** HTTP/2: the connection the try waited on has no stream for it: the exchange resends it elsewhere. */
    void refused() {
        phase = AttemptPhase.IDLE;
        unprocessed = true;
        exchange.onUpstreamClosed();
    }

    /** The try's connection (or its HTTP/2 stream) could not be made: an error of the host, told to the exchange. */
    void connectFailed(final boolean timedOut) {
        phase = AttemptPhase.IDLE;
        outcome = AttemptOutcome.ERROR;
        cluster.reportGatewayFailure(host);
        releasePending();
        exchange.onConnectFailure(timedOut);
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
        acquirer.forget();
        acquirer.releasePendingSlot();
        phase = AttemptPhase.IDLE;
    }

    /** The exchange is over: a connect still in progress is forgotten (it ends up in the pool). */
    public void dropConnecting() {
        if (phase == AttemptPhase.CONNECTING) {
            acquirer.forget();
            phase = AttemptPhase.IDLE;
        }
        acquirer.releasePendingSlot();
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
        if (error.reason().equals(STREAM_RESET.reason())) {
            // The connection closed in the middle of a response: a termination, not a protocol error. By the
            // upstream (counted as onUpstreamClosed counts one before any response byte), or by the proxy on an
            // error of its own: perf-tests/overload-memory.sh with a 96 MiB direct limit saw reads fail with
            // OutOfDirectMemoryError, each counted as a protocol error before.
            if (up.closedLocally()) {
                stats.inc(ClusterStat.UPSTREAM_CX_DESTROY_LOCAL_WITH_ACTIVE_RQ);
            } else {
                stats.inc(ClusterStat.UPSTREAM_CX_DESTROY_REMOTE_WITH_ACTIVE_RQ);
                stats.inc(ClusterStat.UPSTREAM_RQ_RX_RESET);
            }
        } else {
            stats.inc(ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR);
        }
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
