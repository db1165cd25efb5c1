package io.strait.core.upstream;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.UpstreamStreamPool;
import io.strait.core.cluster.UpstreamTls;
import io.strait.core.codec.http2.Http2ClientCodecs;
import io.strait.core.config.UpstreamHttp2Config;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.HostStat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * The proxy's end of one upstream HTTP/2 connection (prior knowledge, h2c), shared by the tries of its event loop:
 * counts the streams it carries against its limit (our cap, lowered by the upstream's SETTINGS_MAX_CONCURRENT_STREAMS)
 * and the pool's request limit, opens each try's stream as a child channel ({@link UpstreamHttp2Stream}), keeps the
 * tries that took a stream while it was still connecting ({@link Http2StreamWaiter}), and leaves its pool when it
 * stops taking streams: the upstream's GOAWAY (drain: the streams it still processes finish, then it closes), the
 * request limit, or its close.
 *
 * <p>Confined to the event loop it was opened on. Like {@link UpstreamHttpHandler} it holds one of its cluster's
 * circuit-breaker connection slots from before the connect until its channel closes, and counts itself in the
 * cluster's and host's {@code cx_active} while active.
 */
public final class UpstreamHttp2Connection extends ChannelInboundHandlerAdapter
    implements UpstreamStreamPool.Multiplexed, ChannelFutureListener {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHttp2Connection.class);

    /** Where the connection stands. */
    enum State {
        /** The TCP connect is in progress: streams may be reserved, tries wait. */
        CONNECTING,
        /** Open and taking streams. */
        OPEN,
        /** Takes no new stream (GOAWAY received, request limit reached, retired); closes when its streams end. */
        DRAINING,
        /** Closed, or its connect failed. */
        CLOSED
    }

    private final Cluster cluster;
    private final Host host;
    private final UpstreamStreamPool<UpstreamHttp2Connection> pool;
    private final LoopStats<ClusterStat> stats;
    private final int loopIndex;
    private final UpstreamHttp2Config config;
    private final int maxRequests;
    private final ArrayDeque<Http2StreamWaiter> waiters = new ArrayDeque<>(4);
    /** Gives the breaker's connection slot back when the channel closes (or a connect fails). */
    private final ChannelFutureListener onClose = f -> releaseConnectionSlot();
    private ChannelHandlerContext ctx;
    private Http2StreamChannelBootstrap streams;
    private State state = State.CONNECTING;
    /** Streams reserved: open ones and those of waiting tries. */
    private int active;
    /** Streams this connection may carry at once. */
    private int maxStreams;
    /** Streams ever reserved on it (for max_requests_per_connection). */
    private int requests;
    private long idleSince;
    private long connectStartNanos;
    private boolean connectionSlot = true;
    /** A connection that reached its request limit while connecting drains once open. */
    private boolean drainAfterConnect;

    /**
     * A connection to {@code host} that has already taken a connection slot of {@code cluster}'s breaker; it joins
     * {@code pool} when the caller adds it.
     */
    UpstreamHttp2Connection(final Cluster cluster, final Host host,
                            final UpstreamStreamPool<UpstreamHttp2Connection> pool,
                            final LoopStats<ClusterStat> stats, final int loopIndex, final long connectStartNanos) {
        this.cluster = cluster;
        this.host = host;
        this.pool = pool;
        this.stats = stats;
        this.loopIndex = loopIndex;
        this.config = cluster.http2Config();
        this.maxRequests = cluster.maxRequestsPerConnection();
        // Until its own SETTINGS come, a connection expects what the host's last ones allowed.
        this.maxStreams = (int) Math.min(config.maxConcurrentStreams(), pool.peerMaxStreams());
        this.connectStartNanos = connectStartNanos;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.pipeline().addBefore(ctx.name(), "h2-frames",
            Http2ClientCodecs.frameCodec(config.initialStreamWindowSize()));
        ctx.pipeline().addBefore(ctx.name(), "h2-streams", Http2ClientCodecs.multiplexer());
        streams = new Http2StreamChannelBootstrap(ctx.channel());
    }

    /**
     * A new connection to {@code host}, counted ({@code upstream_cx_total}, {@code upstream_cx_http2_total}, the host's
     * {@code cx_total}) and in {@code pool} at once, so tries that come while it connects wait for it. The caller has
     * taken the breaker's connection slot, which the connection holds from now on; {@link #connect} starts it.
     */
    static UpstreamHttp2Connection create(final Cluster cluster, final Host host,
                                          final UpstreamStreamPool<UpstreamHttp2Connection> pool,
                                          final LoopStats<ClusterStat> stats, final int loopIndex, final long now) {
        final UpstreamHttp2Connection c = new UpstreamHttp2Connection(cluster, host, pool, stats, loopIndex, now);
        pool.add(c);
        stats.inc(ClusterStat.UPSTREAM_CX_TOTAL);
        stats.inc(ClusterStat.UPSTREAM_CX_HTTP2_TOTAL);
        host.stats().inc(loopIndex, HostStat.CX_TOTAL);
        return c;
    }

    /**
     * Protocol auto over TLS: an HTTP/1.1 connection whose handshake picked h2 becomes this one (counted as an HTTP/2
     * connection, in {@code pool} at once; its connect was already counted). {@link #adopted} follows once it is in
     * the pipeline.
     */
    static UpstreamHttp2Connection adopt(final Cluster cluster, final Host host,
                                         final UpstreamStreamPool<UpstreamHttp2Connection> pool,
                                         final LoopStats<ClusterStat> stats, final int loopIndex, final long now) {
        final UpstreamHttp2Connection c = new UpstreamHttp2Connection(cluster, host, pool, stats, loopIndex, now);
        pool.add(c);
        stats.inc(ClusterStat.UPSTREAM_CX_HTTP2_TOTAL);
        return c;
    }

    /**
     * Took over the open channel {@code ch} (see {@link #adopt}): does what {@link #channelActive} does besides the
     * counting the HTTP/1.1 handler already did, and flushes the preface the frame codec wrote when it was added.
     */
    void adopted(final io.netty.channel.Channel ch) {
        ch.closeFuture().addListener(onClose);
        final int grow = config.initialConnectionWindowSize() - UpstreamHttp2Config.MIN_WINDOW_SIZE;
        if (grow > 0) {
            ctx.write(new DefaultHttp2WindowUpdateFrame(grow), ctx.voidPromise());
        }
        ctx.flush();
    }

    /**
     * Starts the connect through {@code connector}. When no channel could even be made (no file descriptor left) the
     * failure is handled now, on the loop, as {@code UpstreamAttempt} does for HTTP/1.1: waiters hear of it at once.
     */
    void connect(final UpstreamConnector connector, final int clusterIndex) {
        final ChannelFuture f = connector.connect(clusterIndex, host, this);
        if (f.isDone() && !f.channel().isRegistered()) {
            releaseConnectionSlot();
            connectFailed(f.cause());
            return;
        }
        f.channel().closeFuture().addListener(onClose);
        f.addListener(this);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        stats.add(ClusterStat.UPSTREAM_CX_ACTIVE, 1);
        host.stats().add(loopIndex, HostStat.CX_ACTIVE, 1);
        // The connection window starts at 65,535 whatever SETTINGS say; widen it so one slow stream cannot use it up.
        final int grow = config.initialConnectionWindowSize() - UpstreamHttp2Config.MIN_WINDOW_SIZE;
        if (grow > 0) {
            ctx.write(new DefaultHttp2WindowUpdateFrame(grow), ctx.voidPromise());
        }
        stats.record(ClusterStat.UPSTREAM_CX_CONNECT_MS, (System.nanoTime() - connectStartNanos) / 1000);
        ctx.fireChannelActive();
    }

    // ------------------------------------------------------------------ streams

    /** True while the connection can take one more stream. */
    @Override
    public boolean hasCapacity() {
        return (state == State.OPEN || state == State.CONNECTING) && active < maxStreams;
    }

    @Override
    public boolean isIdle() {
        return active == 0 && state == State.OPEN;
    }

    @Override
    public long idleSinceNanos() {
        return idleSince;
    }

    /** True once the upstream's SETTINGS came and until the connection stops taking streams. */
    boolean isOpen() {
        return state == State.OPEN;
    }

    /** Counts one more stream against the limits; at the request limit the connection stops taking more. */
    void reserve() {
        active++;
        requests++;
        if (maxRequests > 0 && requests >= maxRequests && (state == State.OPEN || state == State.CONNECTING)) {
            stats.inc(ClusterStat.UPSTREAM_CX_MAX_REQUESTS);
            pool.remove(this);
            if (state == State.OPEN) {
                state = State.DRAINING;
            }
            drainAfterConnect = true;
        }
    }

    /** A try waits for the connect with a reserved stream. */
    void await(final Http2StreamWaiter w) {
        waiters.add(w);
    }

    /** A waiting try gave up: its reserved stream is given back. */
    void cancel(final Http2StreamWaiter w) {
        if (waiters.remove(w)) {
            streamEnded(false);
        }
    }

    /**
     * Opens a reserved stream as a child channel. Returns null when the channel could not be opened (the connection
     * closed meanwhile): the reservation is given back and nothing was sent.
     */
    UpstreamHttp2Stream openStream() {
        final UpstreamHttp2Stream stream = new UpstreamHttp2Stream(this);
        final Future<Http2StreamChannel> f = streams.handler(stream).open();
        if (!f.isDone() || !f.isSuccess()) {
            // Child channels register on the caller's loop at once; anything else means the connection is going.
            streamEnded(false);
            return null;
        }
        stats.add(ClusterStat.HTTP2_STREAMS_ACTIVE, 1);
        return stream;
    }

    /** A stream ended ({@code opened}: its channel had been opened): the connection may fall idle or drain. */
    void streamEnded(final boolean opened) {
        if (opened) {
            stats.add(ClusterStat.HTTP2_STREAMS_ACTIVE, -1);
        }
        if (--active > 0) {
            return;
        }
        idleSince = System.nanoTime();
        if (state == State.DRAINING) {
            closeConnection();
        } else if (state == State.OPEN) {
            pool.idle(this);
        }
    }

    // ------------------------------------------------------------------ connect

    /**
     * The connect completed (on the loop): a failure is told to the waiting tries here; a success waits for the
     * upstream's first SETTINGS ({@link #ready}), which come after our preface and say how many streams it takes.
     */
    @Override
    public void operationComplete(final ChannelFuture future) {
        if (!future.isSuccess()) {
            connectFailed(future.cause());
        } else if (cluster.alpnAuto() && !UpstreamTls.negotiatedH2(future.channel())) {
            notHttp2();
        }
    }

    /**
     * Protocol auto over TLS, and the upstream's ALPN did not pick h2 this time: the pool learns it (new tries go the
     * HTTP/1.1 way), the waiting tries are refused unprocessed (they look again), and the connection closes.
     */
    private void notHttp2() {
        pool.alpnH2(false);
        state = State.CLOSED;
        pool.remove(this);
        Http2StreamWaiter w;
        while ((w = waiters.poll()) != null) {
            active--;
            w.onConnectionRefused(this);
        }
        ctx.close();
    }

    /**
     * The upstream's first SETTINGS arrived: the connection is open and its stream limit known. The waiting tries open
     * their streams, as many as the limit allows; the others (more tries joined the connection while it connected
     * than the upstream takes) are told to look again, as for a stream the upstream refused unprocessed.
     */
    private void ready() {
        LOG.debug("{} ready, {} waiting", this, waiters.size());
        state = drainAfterConnect ? State.DRAINING : State.OPEN;
        int room = maxStreams;
        Http2StreamWaiter w;
        while ((w = waiters.poll()) != null) {
            if (room-- > 0) {
                w.onConnectionReady(this);
            } else {
                active--;
                w.onConnectionRefused(this);
            }
        }
        flush();
        if (active == 0) {
            idleSince = System.nanoTime();
            if (state == State.DRAINING) {
                closeConnection();
            } else {
                pool.idle(this);
            }
        }
    }

    /** The connect failed: counted, the pool forgets the connection, each waiting try hears of it. */
    void connectFailed(final Throwable cause) {
        state = State.CLOSED;
        pool.remove(this);
        stats.inc(ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
        host.stats().inc(loopIndex, HostStat.CX_CONNECT_FAIL);
        final boolean timedOut = cause instanceof ConnectTimeoutException;
        if (timedOut) {
            stats.inc(ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT);
        }
        LOG.debug("h2 connect to {} failed: {}", host, String.valueOf(cause));
        failWaiters(timedOut);
    }

    /** Tells each waiting try that no stream will open here, giving its reservation back. */
    private void failWaiters(final boolean timedOut) {
        Http2StreamWaiter w;
        while ((w = waiters.poll()) != null) {
            active--;
            w.onConnectionFailed(this, timedOut);
        }
    }

    /** Gives the breaker's connection slot back, once. */
    void releaseConnectionSlot() {
        if (connectionSlot) {
            connectionSlot = false;
            cluster.circuitBreaker().releaseConnection();
        }
    }

    void flush() {
        if (ctx != null) {
            ctx.flush();
        }
    }

    // ------------------------------------------------------------------ connection events

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame) {
                final Long peerMax = ((Http2SettingsFrame) msg).settings().maxConcurrentStreams();
                if (peerMax != null) {
                    maxStreams = (int) Math.min(config.maxConcurrentStreams(), peerMax);
                    pool.peerMaxStreams(peerMax);
                }
                if (state == State.CONNECTING && ctx.channel().isActive()) {
                    ready();
                }
            } else if (msg instanceof Http2GoAwayFrame) {
                goAway();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * The upstream's GOAWAY: no new stream goes here. Netty has already told the streams above its last stream id
     * (they were not processed: their tries resend elsewhere); the others finish, then the connection closes.
     */
    private void goAway() {
        if (state == State.OPEN || state == State.CONNECTING) {
            stats.inc(ClusterStat.UPSTREAM_CX_CLOSE_NOTIFY);
            pool.remove(this);
            state = State.DRAINING;
            if (active == 0) {
                closeConnection();
            }
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        LOG.debug("{} closed", this);
        releaseConnectionSlot();
        stats.add(ClusterStat.UPSTREAM_CX_ACTIVE, -1);
        host.stats().add(loopIndex, HostStat.CX_ACTIVE, -1);
        if (state == State.CONNECTING) {
            // Closed before the upstream's SETTINGS: the HTTP/2 connection was never established.
            stats.inc(ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
            host.stats().inc(loopIndex, HostStat.CX_CONNECT_FAIL);
        }
        state = State.CLOSED;
        pool.remove(this);
        failWaiters(false);   // no stream will open here
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("h2 upstream {} of cluster {}: {}", host, cluster.name(), cause.toString());
        ctx.close();
    }

    /** Closes the connection: a GOAWAY, then the close once the streams it still carries end (Netty's drain). */
    @Override
    public void closeConnection() {
        if (state == State.CLOSED) {
            return;
        }
        pool.remove(this);
        state = State.DRAINING;
        if (ctx != null) {
            ctx.close();
        }
    }

    Host host() {
        return host;
    }

    LoopStats<ClusterStat> stats() {
        return stats;
    }

    @Override
    public String toString() {
        return "h2 " + host + " " + state + " streams " + active + "/" + maxStreams;
    }
}
