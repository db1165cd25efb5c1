package io.strait.core.upstream;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.UpstreamStreamPool;
import io.strait.core.cluster.UpstreamTls;
import io.strait.core.flow.ReadGate;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.time.NanoClock;
import io.strait.lb.Host;
import io.strait.lb.HostStat;
import io.strait.lb.resilience.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets one try of an {@link UpstreamAttempt} a connection (Envoy's connection-pool request of an upstream request):
 * an idle pooled HTTP/1.1 connection, or a new one within the breaker's pending and connection limits; on HTTP/2 a
 * stream of a pooled connection, of one still connecting (the try waits for its SETTINGS) or of a new one; with
 * protocol auto over TLS, a new connection whose ALPN picked h2 becomes an HTTP/2 one. While a connection is being
 * made it holds the breaker's pending slot and pauses the downstream's reads; it hands the try the bound connection
 * ({@link UpstreamAttempt#bound}) or its failure ({@link UpstreamAttempt#connectFailed},
 * {@link UpstreamAttempt#refused}). It knows nothing of the request: writing it is the attempt's job.
 *
 * <p>Confined to its attempt's event loop; one per attempt, created with it and reused for each try.
 */
final class ConnectionAcquirer implements ChannelFutureListener, Http2StreamWaiter {

    /** Under the attempt's name: logging configured for the try's failures keeps working. */
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamAttempt.class);

    private final UpstreamAttempt attempt;
    private final DownstreamFlow downstream;
    private final UpstreamPools loop;
    private final NanoClock clock;
    /** This loop's slot in each host's counters. */
    private final int loopIndex;

    /** The future of the connect in progress, so a late completion of an abandoned one is recognised. */
    private ChannelFuture connectFuture;
    private UpstreamHttpHandler connecting;
    /** HTTP/2: the connection still connecting on which this try reserved a stream (null: none). */
    private UpstreamHttp2Connection waitingOn;
    /** When the connect in progress started (for upstream_cx_connect_ms). */
    private long connectStartNanos;
    /** The breaker whose pending slot this try holds while its new connection opens (null: none). */
    private CircuitBreaker pendingSlot;

    ConnectionAcquirer(final UpstreamAttempt attempt, final DownstreamFlow downstream, final UpstreamPools loop,
                       final NanoClock clock) {
        this.attempt = attempt;
        this.downstream = downstream;
        this.loop = loop;
        this.clock = clock;
        this.loopIndex = loop.index();
    }

    /**
     * Gets a connection for the attempt's current try: binds an idle pooled one at once, or starts a new one (the
     * attempt hears of it later). Returns {@link UpstreamAttempt#ACQUIRED} or the breaker's refusal.
     */
    int acquire() {
        final Cluster cluster = attempt.cluster();
        final Host host = attempt.host();
        final LoopStats<ClusterStat> stats = attempt.stats();
        if (cluster.multiplexes() && (cluster.http2() || loop.streamPool(host).alpnH2())) {
            return acquireStream(cluster, host, stats);   // the one protocol branch: HTTP/1.1 goes on below
        }
        final UpstreamHttpHandler pooled = loop.pool(host).acquire();
        if (pooled != null) {
            stats.inc(ClusterStat.UPSTREAM_CX_POOL_REUSE);
            attempt.bound(pooled, true);
            return UpstreamAttempt.ACQUIRED;
        }
        final CircuitBreaker breaker = cluster.circuitBreaker();
        if (!breaker.tryAcquirePending()) {
            stats.inc(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
            return UpstreamAttempt.PENDING_OVERFLOW;
        }
        if (!breaker.tryAcquireConnection()) {
            breaker.releasePending();
            stats.inc(ClusterStat.UPSTREAM_CX_OVERFLOW);
            return UpstreamAttempt.CONNECTION_OVERFLOW;
        }
        pendingSlot = breaker;
        // The connection slot now belongs to the new connection: it gives it back when its channel closes.
        final UpstreamHttpHandler fresh = new UpstreamHttpHandler(cluster, host, loop.pool(host), stats, loopIndex);
        connecting = fresh;
        attempt.connecting();
        downstream.pauseReading(ReadGate.PROXY_WAIT);
        stats.inc(ClusterStat.UPSTREAM_CX_TOTAL);
        host.stats().inc(loopIndex, HostStat.CX_TOTAL);
        connectStartNanos = clock.nanoTime();
        final ChannelFuture connect = loop.connector().connect(attempt.clusterIndex(), host, fresh);
        connectFuture = connect;
        if (connect.isDone() && !connect.channel().isRegistered()) {
            // The channel could not even be made (no file descriptor left, say): Netty completed the future on a
            // placeholder channel whose listeners would run on its global executor, off this loop, and whose close
            // never comes, so the connection slot is given back here and the failure handled now, on the loop.
            fresh.releaseConnectionSlot();
            operationComplete(connect);
            return UpstreamAttempt.ACQUIRED;
        }
        connect.channel().closeFuture().addListener(fresh);
        connect.addListener(this);
        return UpstreamAttempt.ACQUIRED;
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
        if (future.isSuccess() && attempt.cluster().alpnAuto() && switchedToHttp2(c, future)) {
            return;
        }
        releasePendingSlot();
        downstream.resumeReading(ReadGate.PROXY_WAIT);
        if (!future.isSuccess()) {
            final Throwable cause = future.cause();
            LOG.debug("connect to {} failed: {}", attempt.host(), String.valueOf(cause));
            attempt.connectFailed(c.connectFailed(cause));
            return;
        }
        attempt.stats().record(ClusterStat.UPSTREAM_CX_CONNECT_MS, (clock.nanoTime() - connectStartNanos) / 1000);
        attempt.bound(c, false);
    }

    /**
     * Protocol auto over TLS: the new connection's handshake is done; if ALPN picked h2 it becomes an HTTP/2
     * connection of the host's stream pool and the try waits for its SETTINGS, as on any new HTTP/2 connection (its
     * pending slot and paused reads go on until then). Either way the pool learns what the host picked.
     *
     * @return true if the connection became HTTP/2
     */
    private boolean switchedToHttp2(final UpstreamHttpHandler c, final ChannelFuture future) {
        final UpstreamStreamPool<UpstreamHttp2Connection> pool = loop.streamPool(attempt.host());
        final boolean h2 = UpstreamTls.negotiatedH2(future.channel());
        pool.alpnH2(h2);
        if (!h2) {
            return false;
        }
        attempt.stats().record(ClusterStat.UPSTREAM_CX_CONNECT_MS, (clock.nanoTime() - connectStartNanos) / 1000);
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
    private int acquireStream(final Cluster cluster, final Host host, final LoopStats<ClusterStat> stats) {
        final UpstreamStreamPool<UpstreamHttp2Connection> pool = loop.streamPool(host);
        final UpstreamHttp2Connection found = pool.acquire();
        if (found != null && found.isOpen()) {
            stats.inc(ClusterStat.UPSTREAM_CX_POOL_REUSE);
            found.reserve();
            bindStream(found, true);
            return UpstreamAttempt.ACQUIRED;
        }
        final CircuitBreaker breaker = cluster.circuitBreaker();
        if (!breaker.tryAcquirePending()) {
            stats.inc(ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
            return UpstreamAttempt.PENDING_OVERFLOW;
        }
        UpstreamHttp2Connection c = found;
        if (c == null) {
            if (!breaker.tryAcquireConnection()) {
                breaker.releasePending();
                stats.inc(ClusterStat.UPSTREAM_CX_OVERFLOW);
                return UpstreamAttempt.CONNECTION_OVERFLOW;
            }
            // The connection slot now belongs to the new connection: it gives it back when its channel closes.
            c = UpstreamHttp2Connection.create(cluster, host, pool, stats, loopIndex, clock.nanoTime());
        } else {
            stats.inc(ClusterStat.UPSTREAM_CX_POOL_REUSE);
        }
        pendingSlot = breaker;
        attempt.connecting();
        waitingOn = c;
        c.reserve();
        c.await(this);
        downstream.pauseReading(ReadGate.PROXY_WAIT);
        if (c != found) {
            c.connect(loop.connector(), attempt.clusterIndex());   // a failure on the spot reaches this try waiting
        }
        return UpstreamAttempt.ACQUIRED;
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
        attempt.refused();
    }

    /** HTTP/2: the connection this try waited on could not be made (counted by the connection). */
    @Override
    public void onConnectionFailed(final UpstreamHttp2Connection c, final boolean timedOut) {
        waitingOn = null;
        releasePendingSlot();
        downstream.resumeReading(ReadGate.PROXY_WAIT);
        attempt.connectFailed(timedOut);
    }

    /** Opens the stream reserved on {@code c} and binds it; one that cannot open is a connect failure. */
    private void bindStream(final UpstreamHttp2Connection c, final boolean fromPool) {
        final UpstreamHttp2Stream s = c.openStream();
        if (s == null) {
            attempt.connectFailed(false);
            return;
        }
        attempt.bound(s, fromPool);
    }

    /**
     * Forgets a connect in progress (its connection ends up in the pool) and, on HTTP/2, stops waiting for a
     * connection still connecting, giving its reserved stream back. The pending slot is left to the caller.
     */
    void forget() {
        final UpstreamHttp2Connection c = waitingOn;
        if (c != null) {
            waitingOn = null;
            c.cancel(this);
        }
        connecting = null;
        connectFuture = null;
    }

    /** Gives back the breaker's pending slot, if this try holds one. */
    void releasePendingSlot() {
        final CircuitBreaker b = pendingSlot;
        if (b != null) {
            pendingSlot = null;
            b.releasePending();
        }
    }
}
