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
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe: started, updated (reload) and closed by the server's thread. Runs host health for every cluster that
 * asks for it (active checks, outlier ejections, slow start) on one event loop of its own, on the server's transport
 * but never one of the request-serving loops. Membership changes reach the loops through a {@link HostSetPublisher}.
 */
public final class HealthManager implements AutoCloseable {

    private final IoHandlerFactory ioHandler;
    private final Class<? extends Channel> socketChannel;
    private final ByteBufAllocator allocator;
    private final HostSetPublisher publisher;
    /** Made on first need; guarded by this. */
    private MultiThreadIoEventLoopGroup group;
    private EventLoop loop;
    /** The health of each cluster that has one, by cluster identity; guarded by this. */
    private final Map<Cluster, ClusterHealth> running = new IdentityHashMap<>();
    private boolean closed;

    private HealthManager(final IoHandlerFactory ioHandler, final Class<? extends Channel> socketChannel,
                          final ByteBufAllocator allocator, final HostSetPublisher publisher) {
        this.ioHandler = ioHandler;
        this.socketChannel = socketChannel;
        this.allocator = allocator;
        this.publisher = publisher;
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
        final HealthManager m = new HealthManager(ioHandler, socketChannel, allocator, publisher);
        m.update(clusters);
        return m;
    }

    /**
     * Makes health follow a new snapshot's {@code clusters} (a reload): a cluster it already runs for (the same
     * object: its configuration did not change) keeps its checks and ejections; a new one that needs health gets it,
     * its outlier detector installed before this returns; the checks of a cluster that left are stopped. Blocks
     * until done.
     */
    public synchronized void update(final Iterable<Cluster> clusters) {
        if (closed) {
            return;
        }
        final Map<Cluster, Boolean> wanted = new IdentityHashMap<>();
        final List<ClusterHealth> added = new ArrayList<>();
        for (final Cluster c : clusters) {
            if (!ClusterHealth.needed(c.config())) {
                continue;
            }
            wanted.put(c, Boolean.TRUE);
            if (!running.containsKey(c)) {
                final ClusterHealth h = new ClusterHealth(c, loop(), bootstrap(c), publisher);
                running.put(c, h);
                added.add(h);
            }
        }
        final List<ClusterHealth> removed = new ArrayList<>();
        for (final Iterator<Map.Entry<Cluster, ClusterHealth>> it = running.entrySet().iterator(); it.hasNext();) {
            final Map.Entry<Cluster, ClusterHealth> e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                removed.add(e.getValue());
                it.remove();
            }
        }
        if (added.isEmpty() && removed.isEmpty()) {
            return;
        }
        // Outlier detectors are installed before this returns, so before any request reaches a new cluster.
        loop.submit(() -> {
            for (final ClusterHealth h : removed) {
                h.stop();
            }
            for (final ClusterHealth h : added) {
                h.start();
            }
        }).syncUninterruptibly();
    }

    private EventLoop loop() {
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("strait-health", true), ioHandler);
            loop = group.next();
        }
        return loop;
    }

    private Bootstrap bootstrap(final Cluster c) {
        final int timeout = c.config().healthCheck() == null ? c.connectTimeoutMillis()
            : (int) Math.max(1, c.config().healthCheck().timeout().toMillis());
        // Never a name lookup on the health loop: host addresses are resolved before they get here.
        return new Bootstrap().group(loop).channel(socketChannel)
            .resolver(NoopAddressResolverGroup.INSTANCE)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, allocator);
    }

    /** True if a health thread runs. */
    public synchronized boolean running() {
        return group != null && !group.isShuttingDown();
    }

    /** Stops every check and the health thread. Blocks until done. */
    @Override
    public synchronized void close() throws InterruptedException {
        closed = true;
        if (group == null) {
            return;
        }
        if (!group.isShuttingDown()) {
            final List<ClusterHealth> all = List.copyOf(running.values());
            loop.submit(() -> {
                for (final ClusterHealth h : all) {
                    h.stop();
                }
            }).await(1, TimeUnit.SECONDS);
        }
        running.clear();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
}
