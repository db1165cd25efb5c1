package io.strait.core.snapshot;

import io.strait.core.time.NanoClock;
import io.strait.core.upstream.UpstreamConnector;
import io.strait.core.upstream.UpstreamHttpHandler;
import io.strait.core.upstream.UpstreamPools;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.ClusterConnector;
import io.strait.core.cluster.UpstreamPool;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LoadBalancer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Everything one event loop owns for one snapshot: its load balancer per cluster, its upstream
 * connection pools per host, its connectors and its stats views. Confined to that loop: the
 * request path reads and writes it with no synchronization.
 */
public final class LoopState implements UpstreamPools {

    private final int index;
    private final EventLoop loop;
    private final ProxySnapshot snapshot;
    private final LoadBalancer[] balancers;
    private final ClusterConnector[] connectors;
    @SuppressWarnings("rawtypes")
    private final LoopStats[] clusterStats;
    private UpstreamPool<UpstreamHttpHandler>[] pools;
    private int hostIdBase;
    /** Per cluster: the host set its balancer was built from (to see which hosts a new one drops). */
    private final HostSet[] sets;
    private final SplittableRandom random;
    private final NanoClock clock;
    private final UpstreamConnector connector;

    public LoopState(final int index, final EventLoop loop, final ProxySnapshot snapshot,
              final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator, final long seed) {
        this(index, loop, snapshot, socketChannel, allocator, seed, NanoClock.SYSTEM, null);
    }

    /**
     * A loop's state with its own clock and connector (tests); a null {@code connector} connects with a
     * {@link ClusterConnector} per cluster on {@code loop}.
     */
    @SuppressWarnings("unchecked")
    public LoopState(final int index, final EventLoop loop, final ProxySnapshot snapshot,
              final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator, final long seed,
              final NanoClock clock, final UpstreamConnector connector) {
        this.clock = clock;
        this.index = index;
        this.loop = loop;
        this.snapshot = snapshot;
        this.random = new SplittableRandom(seed);
        final int n = snapshot.clusterCount();
        this.balancers = new LoadBalancer[n];
        this.connectors = new ClusterConnector[n];
        this.clusterStats = new LoopStats[n];
        this.sets = new HostSet[n];
        int minId = Integer.MAX_VALUE;
        int maxId = -1;
        for (int i = 0; i < n; i++) {
            final Cluster c = snapshot.cluster(i);
            sets[i] = c.hostSet();
            balancers[i] = c.lbFactory().create(sets[i], random.nextLong());
            connectors[i] = new ClusterConnector(loop, socketChannel, c.connectTimeoutMillis(), allocator);
            clusterStats[i] = c.stats().loop(index);
            for (final Host h : c.hostSet().all()) {
                minId = Math.min(minId, h.id());
                maxId = Math.max(maxId, h.id());
            }
        }
        this.hostIdBase = maxId < 0 ? 0 : minId;
        this.pools = new UpstreamPool[maxId < 0 ? 0 : maxId - minId + 1];
        for (int i = 0; i < n; i++) {
            for (final Host h : sets[i].all()) {
                pools[h.id() - hostIdBase] = newPool(i);
            }
        }
        // The default never resolves a name on the loop (hosts carry resolved addresses; see ClusterConnector).
        final ClusterConnector[] perCluster = this.connectors;
        this.connector = connector != null ? connector
            : (cluster, host, handler) -> perCluster[cluster].connect(handler, host.address());
    }

    private UpstreamPool<UpstreamHttpHandler> newPool(final int cluster) {
        final Cluster c = snapshot.cluster(cluster);
        final LoopStats<ClusterStat> stats = clusterStats(cluster);
        return new UpstreamPool<>(loop, c.maxIdlePerHost(), c.idleTimeoutNanos(),
            () -> stats.inc(ClusterStat.UPSTREAM_CX_IDLE_TIMEOUT));
    }

    public int index() {
        return index;
    }

    public EventLoop loop() {
        return loop;
    }

    public ProxySnapshot snapshot() {
        return snapshot;
    }

    public LoadBalancer balancer(final int cluster) {
        return balancers[cluster];
    }

    /**
     * Rebuilds cluster {@code cluster}'s balancer from a new host snapshot (posted by the health thread when
     * membership changes). Call on the loop.
     */
    public void rebuild(final int cluster, final HostSet set) {
        final HostSet old = sets[cluster];
        if (old.all() != set.all() && !old.all().equals(set.all())) {
            membershipChanged(cluster, old, set);
        }
        sets[cluster] = set;
        balancers[cluster] = snapshot.cluster(cluster).lbFactory().create(set, random.nextLong());
    }

    /**
     * Service discovery changed the cluster's hosts: a pool for each new host (or the old pool of a host that came
     * back), and the pools of hosts that left are retired (idle connections closed; an exchange that picked such a
     * host before finds its pool still there).
     */
    private void membershipChanged(final int cluster, final HostSet old, final HostSet set) {
        for (final Host h : set.all()) {
            final UpstreamPool<UpstreamHttpHandler> p = poolOrNull(h);
            if (p == null) {
                putPool(h, newPool(cluster));
            } else {
                p.reinstate();
            }
        }
        for (final Host h : old.all()) {
            if (!set.all().contains(h)) {
                pool(h).retire();
            }
        }
    }

    private UpstreamPool<UpstreamHttpHandler> poolOrNull(final Host host) {
        final int i = host.id() - hostIdBase;
        return i >= 0 && i < pools.length ? pools[i] : null;
    }

    /** Stores a pool, growing the id-indexed table to take the host's id (ids only grow: hosts are made in order). */
    @SuppressWarnings("unchecked")
    private void putPool(final Host host, final UpstreamPool<UpstreamHttpHandler> pool) {
        if (pools.length == 0) {
            hostIdBase = host.id();
        }
        int i = host.id() - hostIdBase;
        if (i < 0) {
            final UpstreamPool<UpstreamHttpHandler>[] grown = new UpstreamPool[pools.length - i];
            System.arraycopy(pools, 0, grown, -i, pools.length);
            pools = grown;
            hostIdBase = host.id();
            i = 0;
        } else if (i >= pools.length) {
            pools = Arrays.copyOf(pools, Math.max(i + 1, pools.length * 2));
        }
        pools[i] = pool;
    }

    /** Opens new upstream connections on this loop. */
    public UpstreamConnector connector() {
        return connector;
    }

    /** The request path's clock on this loop. */
    public NanoClock clock() {
        return clock;
    }

    @SuppressWarnings("unchecked")
    public LoopStats<ClusterStat> clusterStats(final int cluster) {
        return clusterStats[cluster];
    }

    public UpstreamPool<UpstreamHttpHandler> pool(final Host host) {
        return pools[host.id() - hostIdBase];
    }

    public SplittableRandom random() {
        return random;
    }

    /** Closes every idle pooled connection (shutdown). Call on the loop. */
    public void closePools() {
        for (final UpstreamPool<UpstreamHttpHandler> p : pools) {
            if (p != null) {
                p.closeAll();
            }
        }
    }
}
