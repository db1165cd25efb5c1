package io.strait.core.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe: started and closed by the server's thread. Runs host health for every cluster that asks for it
 * (active checks, outlier ejections, slow start) on one event loop of its own, on the server's transport but never
 * one of the request-serving loops. Membership changes reach the loops through a {@link HostSetPublisher}.
 */
public final class HealthManager implements AutoCloseable {

    private final MultiThreadIoEventLoopGroup group;
    private final EventLoop loop;
    private final List<ClusterHealth> clusters;

    private HealthManager(final MultiThreadIoEventLoopGroup group, final List<ClusterHealth> clusters) {
        this.group = group;
        this.loop = group == null ? null : group.next();
        this.clusters = clusters;
    }

    /**
     * Starts health for {@code clusters}; with no cluster that needs it, starts no thread at all.
     *
     * @param clusters      the snapshot's clusters
     * @param ioHandler     the transport's IO handler factory
     * @param socketChannel the transport's client channel class
     * @param allocator     the buffer allocator
     * @param publisher     receives each new host set, on the health thread
     */
    public static HealthManager start(final Iterable<Cluster> clusters, final IoHandlerFactory ioHandler,
                                      final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator,
                                      final HostSetPublisher publisher) {
        final List<Cluster> needing = new ArrayList<>();
        for (final Cluster c : clusters) {
            if (ClusterHealth.needed(c.config())) {
                needing.add(c);
            }
        }
        if (needing.isEmpty()) {
            return new HealthManager(null, List.of());
        }
        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("strait-health", true), ioHandler);
        final EventLoop loop = group.next();
        final List<ClusterHealth> out = new ArrayList<>();
        for (final Cluster c : needing) {
            final int timeout = c.config().healthCheck() == null ? c.connectTimeoutMillis()
                : (int) Math.max(1, c.config().healthCheck().timeout().toMillis());
            // Never a name lookup on the health loop: host addresses are resolved before they get here.
            final Bootstrap bootstrap = new Bootstrap().group(loop).channel(socketChannel)
                .resolver(NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, allocator);
            out.add(new ClusterHealth(c, loop, bootstrap, publisher));
        }
        final HealthManager m = new HealthManager(group, List.copyOf(out));
        // Outlier detectors are installed before this returns, so before any listener accepts a request.
        loop.submit(() -> {
            for (final ClusterHealth h : m.clusters) {
                h.start();
            }
        }).syncUninterruptibly();
        return m;
    }

    /** True if a health thread runs. */
    public boolean running() {
        return group != null && !group.isShuttingDown();
    }

    /** Stops every check and the health thread. Blocks until done. */
    @Override
    public void close() throws InterruptedException {
        if (group == null) {
            return;
        }
        if (!group.isShuttingDown()) {
            loop.submit(() -> {
                for (final ClusterHealth h : clusters) {
                    h.stop();
                }
            }).await(1, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
