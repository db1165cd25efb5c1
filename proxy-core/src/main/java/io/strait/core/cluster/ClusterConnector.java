package io.strait.core.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.resolver.NoopAddressResolverGroup;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * Confined to its event loop: both {@code connect}s are called on that loop, and every listener the four-argument one
 * is given runs on that loop, in a later task, never inline. Opens upstream connections of one cluster on one loop
 * (the proxy's default {@code UpstreamConnector} uses the two-argument one). For a cluster with {@code tls} each
 * connection gets an SslHandler first ({@link TlsConnection}) and its connect future completes only once the
 * handshake verified the upstream, so nothing is written to an upstream that is not the one configured.
 *
 * <p>Two things a bare {@link Bootstrap#connect} does that this does not:
 * <ul>
 *   <li><b>It never resolves a name.</b> The bootstrap's resolver is {@link NoopAddressResolverGroup}: an unresolved
 *   address fails the connect at once instead of a blocking lookup on the loop (Netty's default resolver calls
 *   {@code InetAddress.getByName} on the channel's loop). Names are resolved off the loops ({@link DnsRefresher}).
 *   <li><b>A channel that was never created still gives a normal failure.</b> When the socket cannot be made (file
 *   descriptors exhausted: {@code socket()} fails with EMFILE) Netty returns a failed future on a placeholder channel
 *   whose executor is the global executor, so listeners would run off the loop, and that channel's close future never
 *   completes, so whatever waited for the close (a circuit breaker's connection slot) would never be given back. Here
 *   the failure is re-delivered on the loop, on a future of the same placeholder channel, and {@code onClose} is run
 *   as for any connection that failed.
 * </ul>
 */
public final class ClusterConnector {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterConnector.class);

    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final ByteBufAllocator allocator;
    /** The cluster's upstream TLS, or null for plaintext. */
    private final UpstreamTls tls;
    /** This loop's counters of the cluster (the TLS handshake outcomes); null for plaintext. */
    private final LoopStats<ClusterStat> stats;

    /**
     * A connector for sockets of {@code channelClass} (the transport's client channel).
     *
     * @param loop                 the loop every connection lives on
     * @param channelClass         the transport's socket channel class
     * @param connectTimeoutMillis connect timeout
     * @param allocator            the connections' buffer allocator
     */
    public ClusterConnector(final EventLoop loop, final Class<? extends Channel> channelClass,
                            final int connectTimeoutMillis, final ByteBufAllocator allocator) {
        this(loop, new Bootstrap().channel(channelClass), connectTimeoutMillis, allocator, null, null);
    }

    /**
     * A connector for the connections of {@code cluster} on {@code loop}: over TLS when the cluster has {@code tls}
     * (then a connect completes when the handshake did), its handshakes counted in {@code stats}.
     */
    public ClusterConnector(final EventLoop loop, final Class<? extends Channel> channelClass, final Cluster cluster,
                            final ByteBufAllocator allocator, final LoopStats<ClusterStat> stats) {
        this(loop, new Bootstrap().channel(channelClass), cluster.connectTimeoutMillis(), allocator, cluster.tls(),
            stats);
    }

    /** A connector whose channels come from {@code factory} (tests: a factory that fails like socket() would). */
    ClusterConnector(final EventLoop loop, final ChannelFactory<? extends Channel> factory,
                     final int connectTimeoutMillis, final ByteBufAllocator allocator) {
        this(loop, new Bootstrap().channelFactory(factory), connectTimeoutMillis, allocator, null, null);
    }

    private ClusterConnector(final EventLoop loop, final Bootstrap b, final int connectTimeoutMillis,
                              final ByteBufAllocator allocator, final UpstreamTls tls,
                              final LoopStats<ClusterStat> stats) {
        this.loop = loop;
        this.allocator = allocator;
        this.tls = tls;
        this.stats = stats;
        this.bootstrap = b.group(loop)
            .resolver(NoopAddressResolverGroup.INSTANCE)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, allocator);
    }

    /** The loop this connector's connections live on. */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Starts a connection to {@code address} with {@code handler} as its pipeline's handler, as a bare
     * {@code Bootstrap.connect} would but without any name lookup. Call on the loop. When the socket cannot be
     * created the future is already failed, on a placeholder channel that is not registered (its listeners would run
     * off the loop and its close future never completes): the caller checks {@code isDone() &&
     * !channel().isRegistered()}, or uses {@link #connect(ChannelHandler, InetSocketAddress, ChannelFutureListener,
     * ChannelFutureListener)}, which does that itself.
     */
    public ChannelFuture connect(final ChannelHandler handler, final InetSocketAddress address) {
        if (tls != null) {
            return connectTls(handler, address);
        }
        // The bootstrap is this loop's alone: setting its handler per connect needs no copy.
        return bootstrap.handler(handler).connect(address);
    }

    /**
     * A TLS connection: the SslHandler goes in front of {@code handler}, and the future returned completes when the
     * handshake did (a placeholder's failed future is returned as it is, as for plaintext).
     */
    private ChannelFuture connectTls(final ChannelHandler handler, final InetSocketAddress address) {
        final TlsConnection c = new TlsConnection(tls.newHandler(allocator, address), handler, stats);
        final ChannelFuture f = bootstrap.handler(c).connect(address);
        if (f.isDone() && !f.isSuccess() && !f.channel().isRegistered()) {
            return f;
        }
        return c.start(f);
    }

    /**
     * Opens a connection to {@code address} with {@code handler} as its pipeline's handler. Call on the loop.
     *
     * <p>{@code onConnect} runs once, on the loop, with the connect's outcome; {@code onClose} runs once, on the loop,
     * when the connection is gone: after it closes, after a failed connect, and after a channel that could not even
     * be created (then before {@code onConnect}). A failure is never thrown.
     *
     * @param handler   the connection's handler (added when the channel registers; never added when the channel
     *                  could not be created)
     * @param address   a resolved address; an unresolved one fails the connect without a lookup
     * @param onConnect the connect's outcome; its future's {@code channel()} is the connection's channel, or on a
     *                  creation failure a placeholder that was never registered
     * @param onClose   given the channel's close future (on a creation failure: the failed future)
     * @return the future {@code onConnect} will be given (the caller may keep it to recognise its own attempt)
     */
    public ChannelFuture connect(final ChannelHandler handler, final InetSocketAddress address,
                                 final ChannelFutureListener onConnect, final ChannelFutureListener onClose) {
        final ChannelFuture f = connect(handler, address);
        final Channel ch = f.channel();
        if (f.isDone() && !f.isSuccess() && !ch.isRegistered()) {
            // The socket was never created (or never registered): the placeholder's close future never completes
            // and its listeners would run on the global executor. Re-deliver the failure on the loop.
            final ChannelPromise p = new DefaultChannelPromise(ch, loop);
            final Throwable cause = f.cause();
            loop.execute(() -> {
                p.setFailure(cause);
                notify(onClose, p);
                notify(onConnect, p);
            });
            return p;
        }
        ch.closeFuture().addListener(onClose);
        f.addListener(onConnect);
        return f;
    }

    /** Runs a listener as a promise would: its exception is logged, not thrown into the loop's task. */
    private static void notify(final ChannelFutureListener l, final ChannelFuture f) {
        try {
            l.operationComplete(f);
        } catch (final Exception e) {
            LOG.warn("connect listener {} failed", l, e);
        }
    }
}
