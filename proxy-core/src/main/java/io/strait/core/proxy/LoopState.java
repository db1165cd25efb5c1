package io.strait.core.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.UpstreamPool;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LoadBalancer;

import java.util.SplittableRandom;

/**
 * Everything one event loop owns for one snapshot: its load balancer per cluster, its upstream
 * connection pools per host, its connectors and its stats views. Confined to that loop: the
 * request path reads and writes it with no synchronization.
 */
final class LoopState {

    private final int index;
    private final EventLoop loop;
    private final ProxySnapshot snapshot;
    private final LoadBalancer[] balancers;
    private final Bootstrap[] connectors;
    @SuppressWarnings("rawtypes")
    private final LoopStats[] clusterStats;
    private final UpstreamPool<UpstreamHttpHandler>[] pools;
    private final int hostIdBase;
    private final SplittableRandom random;
    private final NanoClock clock;
    private final UpstreamConnector connector;

    LoopState(final int index, final EventLoop loop, final ProxySnapshot snapshot,
              final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator, final long seed) {
        this(index, loop, snapshot, socketChannel, allocator, seed, NanoClock.SYSTEM, null);
    }

    /**
     * A loop's state with its own clock and connector (tests); a null {@code connector} connects with a
     * {@code Bootstrap} per cluster on {@code loop}.
     */
    @SuppressWarnings("unchecked")
    LoopState(final int index, final EventLoop loop, final ProxySnapshot snapshot,
              final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator, final long seed,
              final NanoClock clock, final UpstreamConnector connector) {
        this.clock = clock;
        this.index = index;
        this.loop = loop;
        this.snapshot = snapshot;
        this.random = new SplittableRandom(seed);
        final int n = snapshot.clusterCount();
        this.balancers = new LoadBalancer[n];
        this.connectors = new Bootstrap[n];
        this.clusterStats = new LoopStats[n];
        int minId = Integer.MAX_VALUE;
        int maxId = -1;
        for (int i = 0; i < n; i++) {
            final Cluster c = snapshot.cluster(i);
            balancers[i] = c.lbFactory().create(c.hostSet(), random.nextLong());
            connectors[i] = new Bootstrap().group(loop).channel(socketChannel)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, c.connectTimeoutMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, allocator);
            clusterStats[i] = c.stats().loop(index);
            for (final Host h : c.hosts()) {
                minId = Math.min(minId, h.id());
                maxId = Math.max(maxId, h.id());
            }
        }
        this.hostIdBase = maxId < 0 ? 0 : minId;
        this.pools = new UpstreamPool[maxId < 0 ? 0 : maxId - minId + 1];
        for (int i = 0; i < n; i++) {
            final Cluster c = snapshot.cluster(i);
            for (final Host h : c.hosts()) {
                final LoopStats<ClusterStat> stats = clusterStats(i);
                pools[h.id() - hostIdBase] = new UpstreamPool<>(loop, c.maxIdlePerHost(), c.idleTimeoutNanos(),
                    () -> stats.inc(ClusterStat.UPSTREAM_CX_IDLE_TIMEOUT));
            }
        }
        final Bootstrap[] bootstraps = this.connectors;
        this.connector = connector != null ? connector
            : (cluster, host, handler) -> bootstraps[cluster].handler(handler).connect(host.address());
    }

    int index() {
        return index;
    }

    EventLoop loop() {
        return loop;
    }

    ProxySnapshot snapshot() {
        return snapshot;
    }

    LoadBalancer balancer(final int cluster) {
        return balancers[cluster];
    }

    /**
     * Rebuilds cluster {@code cluster}'s balancer from a new host snapshot (posted by the health thread when
     * membership changes). Call on the loop.
     */
    void rebuild(final int cluster, final HostSet set) {
        balancers[cluster] = snapshot.cluster(cluster).lbFactory().create(set, random.nextLong());
    }

    /** Opens new upstream connections on this loop. */
    UpstreamConnector connector() {
        return connector;
    }

    /** The request path's clock on this loop. */
    NanoClock clock() {
        return clock;
    }

    @SuppressWarnings("unchecked")
    LoopStats<ClusterStat> clusterStats(final int cluster) {
        return clusterStats[cluster];
    }

    UpstreamPool<UpstreamHttpHandler> pool(final Host host) {
        return pools[host.id() - hostIdBase];
    }

    SplittableRandom random() {
        return random;
    }

    /** Closes every idle pooled connection (shutdown). Call on the loop. */
    void closePools() {
        for (final UpstreamPool<UpstreamHttpHandler> p : pools) {
            if (p != null) {
                p.closeAll();
            }
        }
    }
}
