package io.strait.core.snapshot;

import io.strait.core.overload.OverloadState;
import io.strait.core.time.NanoClock;
import io.strait.core.upstream.UpstreamConnector;
import io.strait.core.upstream.UpstreamHttp2Connection;
import io.strait.core.upstream.UpstreamHttpHandler;
import io.strait.core.upstream.UpstreamPools;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.ClusterConnector;
import io.strait.core.cluster.UpstreamPool;
import io.strait.core.cluster.UpstreamStreamPool;
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
    /** Per host, indexed as {@link #pools}: the HTTP/2 connections of hosts whose cluster speaks HTTP/2, else null. */
    private UpstreamStreamPool<UpstreamHttp2Connection>[] streamPools;
    private int hostIdBase;
    /** Per cluster: the host set its balancer was built from (to see which hosts a new one drops). */
    private final HostSet[] sets;
    private final SplittableRandom random;
    private final NanoClock clock;
    /** The server's overload state: the actions the overload manager has in force. */
    private final OverloadState overload;
    private final UpstreamConnector connector;
    /** Set factories, kept so that the next snapshot's state on this loop is built the same way. */
    private final Class<? extends Channel> socketChannel;
    private final ByteBufAllocator allocator;
    /** Null for tests' own connectors: each state connects with its own {@link ClusterConnector}s. */
    private final UpstreamConnector fixedConnector;
    /** The state of the next snapshot on this loop, once a reload installed one (null: this one is in force). */
    private LoopState successor;

    /** The state of {@code snapshot} on {@code loop}, on the system clock, connecting through Netty. */
    public LoopState(final int index, final EventLoop loop, final ProxySnapshot snapshot,
                     final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator, final long seed) {
        this(index, loop, snapshot, socketChannel, allocator, seed, OverloadState.OFF);
    }

    /** The state of {@code snapshot} on {@code loop}, reading the server's {@code overload} state. */
    public LoopState(final int index, final EventLoop loop, final ProxySnapshot snapshot,
                     final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator, final long seed,
                     final OverloadState overload) {
        this(index, loop, snapshot, socketChannel, allocator, new SplittableRandom(seed), NanoClock.SYSTEM, null,
            overload, null);
    }

    /**
     * A loop's state with its own clock and connector (tests); a null {@code connector} connects with a
     * {@link ClusterConnector} per cluster on {@code loop}.
     */
    public LoopState(final int index, final EventLoop loop, final ProxySnapshot snapshot,
                     final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator, final long seed,
                     final NanoClock clock, final UpstreamConnector connector) {
        this(index, loop, snapshot, socketChannel, allocator, new SplittableRandom(seed), clock, connector,
            OverloadState.OFF, null);
    }

    /**
     * The state of {@code snapshot} on {@code loop}. With a {@code previous} state (a reload, built on the loop), the
     * pools of hosts both snapshots share are carried over (their idle keep-alive connections with them) and the
     * random source continues; the pools of hosts that left are retired by {@link #supersede}.
     */
    @SuppressWarnings("unchecked")
    private LoopState(final int index, final EventLoop loop, final ProxySnapshot snapshot,
                      final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator,
                      final SplittableRandom random, final NanoClock clock, final UpstreamConnector connector,
                      final OverloadState overload, final LoopState previous) {
        this.clock = clock;
        this.overload = overload;
        this.index = index;
        this.loop = loop;
        this.snapshot = snapshot;
        this.random = random;
        this.socketChannel = socketChannel;
        this.allocator = allocator;
        this.fixedConnector = connector;
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
            clusterStats[i] = c.stats().loop(index);
            connectors[i] = new ClusterConnector(loop, socketChannel, c, allocator, c.stats().loop(index));
            for (final Host h : c.hostSet().all()) {
                minId = Math.min(minId, h.id());
                maxId = Math.max(maxId, h.id());
            }
        }
        this.hostIdBase = maxId < 0 ? 0 : minId;
        this.pools = new UpstreamPool[maxId < 0 ? 0 : maxId - minId + 1];
        this.streamPools = new UpstreamStreamPool[pools.length];
        for (int i = 0; i < n; i++) {
            for (final Host h : sets[i].all()) {
                final UpstreamPool<UpstreamHttpHandler> kept = previous == null ? null : previous.poolOrNull(h);
                pools[h.id() - hostIdBase] = kept != null ? kept : newPool(i);
                final UpstreamStreamPool<UpstreamHttp2Connection> keptStreams =
                    previous == null ? null : previous.streamPoolOrNull(h);
                streamPools[h.id() - hostIdBase] = keptStreams != null ? keptStreams : newStreamPool(i);
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

    /** The HTTP/2 connection pool of a host of {@code cluster}; null unless the cluster may speak HTTP/2. */
    private UpstreamStreamPool<UpstreamHttp2Connection> newStreamPool(final int cluster) {
        final Cluster c = snapshot.cluster(cluster);
        if (!c.multiplexes()) {
            return null;
        }
        final LoopStats<ClusterStat> stats = clusterStats(cluster);
        return new UpstreamStreamPool<>(loop, c.maxIdlePerHost(), c.idleTimeoutNanos(),
            () -> stats.inc(ClusterStat.UPSTREAM_CX_IDLE_TIMEOUT));
    }

    /**
     * Builds the state of {@code next} on this loop from this one and puts it in force: this state's successor is
     * set (connections holding this state move to it at their next request) and the pools of hosts {@code next}
     * no longer has are retired (idle connections closed; an exchange still running on this state finds its pool,
     * and its connection is closed when released). Call on the loop.
     *
     * @return the new state
     */
    public LoopState supersede(final ProxySnapshot next) {
        final LoopState n = new LoopState(index, loop, next, socketChannel, allocator, random, clock, fixedConnector,
            overload, this);
        for (final UpstreamPool<UpstreamHttpHandler> p : pools) {
            if (p != null && !n.holds(p)) {
                p.retire();
            }
        }
        for (final UpstreamStreamPool<UpstreamHttp2Connection> p : streamPools) {
            if (p != null && !n.holdsStreams(p)) {
                p.retire();
            }
        }
        successor = n;
        return n;
    }

    private boolean holds(final UpstreamPool<UpstreamHttpHandler> pool) {
        for (final UpstreamPool<UpstreamHttpHandler> p : pools) {
            if (p == pool) {
                return true;
            }
        }
        return false;
    }

    private boolean holdsStreams(final UpstreamStreamPool<UpstreamHttp2Connection> pool) {
        for (final UpstreamStreamPool<UpstreamHttp2Connection> p : streamPools) {
            if (p == pool) {
                return true;
            }
        }
        return false;
    }

    /** True when a reload put a newer state in force on this loop. A plain read: call on the loop. */
    public boolean superseded() {
        return successor != null;
    }

    /** The state in force on this loop: this one, or the newest of its successors. Call on the loop. */
    public LoopState latest() {
        LoopState s = this;
        while (s.successor != null) {
            s = s.successor;
        }
        return s;
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
                putPool(h, newPool(cluster), newStreamPool(cluster));
            } else {
                p.reinstate();
                final UpstreamStreamPool<UpstreamHttp2Connection> sp = streamPoolOrNull(h);
                if (sp != null) {
                    sp.reinstate();
                }
            }
        }
        for (final Host h : old.all()) {
            if (!set.all().contains(h)) {
                pool(h).retire();
                final UpstreamStreamPool<UpstreamHttp2Connection> sp = streamPoolOrNull(h);
                if (sp != null) {
                    sp.retire();
                }
            }
        }
    }

    private UpstreamPool<UpstreamHttpHandler> poolOrNull(final Host host) {
        final int i = host.id() - hostIdBase;
        return i >= 0 && i < pools.length ? pools[i] : null;
    }

    private UpstreamStreamPool<UpstreamHttp2Connection> streamPoolOrNull(final Host host) {
        final int i = host.id() - hostIdBase;
        return i >= 0 && i < streamPools.length ? streamPools[i] : null;
    }

    /**
     * Stores a host's pools, growing the id-indexed tables to take the host's id (ids only grow: hosts are made in
     * order).
     */
    @SuppressWarnings("unchecked")
    private void putPool(final Host host, final UpstreamPool<UpstreamHttpHandler> pool,
                         final UpstreamStreamPool<UpstreamHttp2Connection> streamPool) {
        if (pools.length == 0) {
            hostIdBase = host.id();
        }
        int i = host.id() - hostIdBase;
        if (i < 0) {
            final UpstreamPool<UpstreamHttpHandler>[] grown = new UpstreamPool[pools.length - i];
            System.arraycopy(pools, 0, grown, -i, pools.length);
            pools = grown;
            final UpstreamStreamPool<UpstreamHttp2Connection>[] grownStreams = new UpstreamStreamPool[grown.length];
            System.arraycopy(streamPools, 0, grownStreams, -i, streamPools.length);
            streamPools = grownStreams;
            hostIdBase = host.id();
            i = 0;
        } else if (i >= pools.length) {
            pools = Arrays.copyOf(pools, Math.max(i + 1, pools.length * 2));
            streamPools = Arrays.copyOf(streamPools, pools.length);
        }
        pools[i] = pool;
        streamPools[i] = streamPool;
    }

    /** Opens new upstream connections on this loop. */
    public UpstreamConnector connector() {
        return connector;
    }

    /** The server's overload state: the actions in force (one volatile read per check). */
    public OverloadState overload() {
        return overload;
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

    @Override
    public UpstreamStreamPool<UpstreamHttp2Connection> streamPool(final Host host) {
        return streamPools[host.id() - hostIdBase];
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
        for (final UpstreamStreamPool<UpstreamHttp2Connection> p : streamPools) {
            if (p != null) {
                p.closeAll();
            }
        }
    }
}
