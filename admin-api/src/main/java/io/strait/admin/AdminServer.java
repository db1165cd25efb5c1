package io.strait.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe. The admin HTTP server: one thread of its own ({@code strait-admin}, a single-thread NIO event loop
 * group, never one of the proxy's worker loops), on which it accepts, parses, renders and calls the {@link
 * AdminTarget}. It also rolls the histogram interval of {@code /stats} on that thread every {@link
 * AdminOptions#statsInterval()}. See the package documentation for the endpoints.
 *
 * <pre>
 *   try (AdminServer admin = AdminServer.start(AdminOptions.from(config.admin()), target)) {
 *       admin.localAddress();    // the bound address (port 0 picks one)
 *   }
 * </pre>
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    /** The admin thread's name. */
    public static final String THREAD_NAME = "strait-admin";

    private final EventLoopGroup group;
    private final Channel channel;
    private final StatsReader stats;
    private final ConnectionCap cap;

    private AdminServer(final EventLoopGroup group, final Channel channel, final StatsReader stats,
                        final ConnectionCap cap) {
        this.group = group;
        this.channel = channel;
        this.stats = stats;
        this.cap = cap;
    }

    /**
     * Binds and starts the admin server.
     *
     * @throws IOException if the address cannot be bound (in use, not local, ...)
     */
    public static AdminServer start(final AdminOptions options, final AdminTarget target)
        throws IOException, InterruptedException {
        final StatsReader stats = new StatsReader(target);
        final AdminState state = new AdminState();
        final Endpoints endpoints = new Endpoints(new ReadEndpoints(target, stats, state, options.clock()),
            new ActionEndpoints(target, stats, state));
        final ConnectionCap cap = new ConnectionCap(options.maxConnections());
        final AdminHandler handler = new AdminHandler(endpoints, new BearerAuth(options.authToken()));
        final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory(THREAD_NAME, true), NioIoHandler.newFactory());
        final ChannelFuture bound = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new AdminInitializer(options, cap, handler))
            .bind(options.address())
            .await();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).await();
            throw new IOException("cannot listen for the admin API on " + options.address() + ": "
                + bound.cause().getMessage(), bound.cause());
        }
        final long period = options.statsInterval().toNanos();
        group.next().scheduleAtFixedRate(() -> roll(stats), period, period, TimeUnit.NANOSECONDS);
        return new AdminServer(group, bound.channel(), stats, cap);
    }

    /** One roll; a failure is logged and the next period tries again (an exception would end the schedule). */
    private static void roll(final StatsReader stats) {
        try {
            stats.roll();
        } catch (final RuntimeException e) {
            LOG.warn("admin: rolling the stats interval failed", e);
        }
    }

    /** The address the admin server listens on. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Ends the current histogram interval now (on the admin thread), as the periodic roll does. For tests. */
    void rollInterval() throws InterruptedException {
        group.submit(stats::roll).sync();
    }

    /** Admin connections open now, read on the admin thread. For tests. */
    int openConnections() throws InterruptedException {
        final Future<Integer> n = group.submit(cap::open);
        return n.sync().getNow();
    }

    /** Closes the listening socket and every admin connection, and stops the admin thread. */
    @Override
    public void close() throws InterruptedException {
        channel.close().await();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await();
    }
}
