package io.strait.core.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.UpstreamPool;
import io.strait.core.cluster.UpstreamStreamPool;
import io.strait.core.codec.http1.Http1ClientCodec;
import io.strait.core.flow.ReadGate;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.HostStat;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's end of one upstream connection: hands the response events its codec decodes to the try
 * ({@link UpstreamCallbacks}) that holds the connection now, and is pooled between exchanges. Confined to
 * the event loop the connection was opened on, which is its downstream connection's loop.
 *
 * <p>Holds one of its cluster's circuit-breaker connection slots from before the connect until the channel
 * closes (or the connect fails); it listens to its own channel's close future for the latter. Counts itself in its
 * host's {@code cx_active} (this loop's slot) while its channel is active, and in {@code cx_connect_fail} when it
 * could not be opened.
 */
public final class UpstreamHttpHandler extends ChannelDuplexHandler
    implements UpstreamPool.Pooled, ChannelFutureListener, UpstreamStream {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHttpHandler.class);

    private final Cluster cluster;
    private final Host host;
    private final UpstreamPool<UpstreamHttpHandler> pool;
    private final LoopStats<ClusterStat> stats;
    /** The loop's slot in the host's counters. */
    private final int loopIndex;
    private ChannelHandlerContext ctx;
    private UpstreamCallbacks owner;
    private boolean broken;
    private long idleSince;
    /** True while this connection holds a max_connections slot of its cluster's breaker. */
    private boolean connectionSlot;
    /** Requests this connection has carried (for the pool's max_requests_per_connection). */
    private int requests;
    /** Set when the proxy closes the connection on an error of its own ({@link #exceptionCaught}). */
    private boolean closedLocally;

    /** A connection that has already taken a connection slot of {@code cluster}'s circuit breaker. */
    UpstreamHttpHandler(final Cluster cluster, final Host host, final UpstreamPool<UpstreamHttpHandler> pool,
                        final LoopStats<ClusterStat> stats, final int loopIndex) {
        this.connectionSlot = true;
        this.cluster = cluster;
        this.host = host;
        this.pool = pool;
        this.stats = stats;
        this.loopIndex = loopIndex;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.pipeline().addBefore(ctx.name(), "http1-client", new Http1ClientCodec());
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        stats.add(ClusterStat.UPSTREAM_CX_ACTIVE, 1);
        host.stats().add(loopIndex, HostStat.CX_ACTIVE, 1);
        ctx.fireChannelActive();
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    Host host() {
        return host;
    }

    Cluster cluster() {
        return cluster;
    }

    /** Gives the connection to a try of an exchange. */
    @Override
    public void attach(final UpstreamCallbacks owner) {
        this.owner = owner;
        requests++;
    }

    /** Takes the connection back from its exchange; it is then idle (pooled) or closing. */
    void detach() {
        this.owner = null;
        ReadGate.of(ctx.channel()).open(ReadGate.PEER_UNWRITABLE);
    }

    /** Writes one request event (no flush). */
    @Override
    public void write(final Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    /** Closes the connection and keeps it out of the pool. */
    @Override
    public void abort() {
        broken = true;
        owner = null;
        ctx.close();
    }

    /** Returns the connection to its pool after a complete exchange. */
    @Override
    public void release(final long nowNanos) {
        detach();
        final int max = cluster.maxRequestsPerConnection();
        if (max > 0 && requests >= max) {
            stats.inc(ClusterStat.UPSTREAM_CX_MAX_REQUESTS);
            closeConnection();
            return;
        }
        pool.release(this, nowNanos);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final UpstreamCallbacks o = owner;
        if (o == null) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof HttpResponseHead) {
                ((HttpResponseHead) msg).release();
            }
            if (!broken) {
                // Bytes on an idle connection: the upstream broke the protocol. Nothing to tell anyone.
                stats.inc(ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR);
                abort();
            }
            // else: the rest of a response its exchange dropped (aborted: a retried 5xx, a timeout), decoded in
            // the same read before the close takes effect.
            return;
        }
        UpstreamCallbacks.dispatch(o, this, msg);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        final UpstreamCallbacks o = owner;
        if (o != null) {
            o.onUpstreamReadComplete(this);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        final UpstreamCallbacks o = owner;
        if (o != null) {
            o.onUpstreamWritabilityChanged(this, ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * The connect failed (for the try waiting on it, or after that try moved on): counted for the cluster and the
     * host. Returns true if it timed out.
     */
    boolean connectFailed(final Throwable cause) {
        stats.inc(ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
        host.stats().inc(loopIndex, HostStat.CX_CONNECT_FAIL);
        final boolean timedOut = cause instanceof ConnectTimeoutException;
        if (timedOut) {
            stats.inc(ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT);
        }
        return timedOut;
    }

    /**
     * Protocol auto over TLS, ALPN picked h2: this connection becomes the HTTP/2 connection returned (in
     * {@code streams} and counted as one), which takes over the channel and the breaker's connection slot. Its
     * HTTP/1.1 codec and this handler leave the pipeline. Call on the loop, before anything was written.
     */
    UpstreamHttp2Connection toHttp2(final UpstreamStreamPool<UpstreamHttp2Connection> streams, final long now) {
        final UpstreamHttp2Connection h2 = UpstreamHttp2Connection.adopt(cluster, host, streams, stats, loopIndex,
            now);
        connectionSlot = false;   // the HTTP/2 connection gives it back when the channel closes
        broken = true;
        final Channel ch = ctx.channel();
        ctx.pipeline().remove("http1-client");
        ctx.pipeline().replace(this, "upstream-h2", h2);
        h2.adopted(ch);
        return h2;
    }

    /** Gives the connection slot back, once. */
    void releaseConnectionSlot() {
        if (connectionSlot) {
            connectionSlot = false;
            cluster.circuitBreaker().releaseConnection();
        }
    }

    /** The channel's close future completed: covers a connect that failed before the channel was ever active. */
    @Override
    public void operationComplete(final ChannelFuture future) {
        releaseConnectionSlot();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        releaseConnectionSlot();
        stats.add(ClusterStat.UPSTREAM_CX_ACTIVE, -1);
        host.stats().add(loopIndex, HostStat.CX_ACTIVE, -1);
        broken = true;
        final UpstreamCallbacks o = owner;
        if (o != null) {
            owner = null;
            o.onUpstreamClosed(this);
        } else {
            pool.remove(this);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("upstream {} of cluster {}: {}", host, cluster.name(), cause.toString());
        // an IOException is the network's news (a reset by the peer); anything else (OutOfDirectMemoryError on a
        // read, say) is the proxy's own failure, and the close that follows is the proxy's
        closedLocally = !(cause instanceof IOException);
        ctx.close();
    }

    @Override
    public boolean closedLocally() {
        return closedLocally;
    }

    @Override
    public boolean isReusable() {
        return !broken && ctx.channel().isActive();
    }

    @Override
    public void closeConnection() {
        broken = true;
        ctx.close();
    }

    @Override
    public long idleSinceNanos() {
        return idleSince;
    }

    @Override
    public void idleSinceNanos(final long nanos) {
        this.idleSince = nanos;
    }
}
