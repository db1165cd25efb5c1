package io.strait.core.cluster;

import io.strait.core.config.EndpointConfig;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Thread-safe: started and closed by the server's thread; everything else runs on its own thread, {@code strait-dns},
 * never on an event loop. Resolves the endpoint names of every {@code type: strict_dns} cluster (Envoy's STRICT_DNS):
 * once at start, before any listener accepts, then every {@code dns_refresh_rate}. Each address of a name is one host
 * (weight and port from the endpoint); when the addresses change, the cluster gets a new host list and
 * {@link HostSet}, which go to the loops through the {@link HostSetPublisher} as a health change does.
 *
 * <ul>
 *   <li>A name that has never resolved has no host. A name that fails to resolve later keeps its last answer (as
 *   Envoy's STRICT_DNS does) and the refresh counts {@code update_failure}; a refresh where every name resolved
 *   counts {@code update_success}, and {@code update_no_rebuild} when nothing changed.
 *   <li>An address that stays keeps its {@link Host} object, so its active-request count, health flag and the loops'
 *   pooled connections to it stay too; an address that comes back later gets its old host again.
 *   <li>The lookup blocks ({@link EndpointResolver}): that is why it has a thread of its own rather than the health
 *   loop or a worker loop.
 * </ul>
 */
public final class DnsRefresher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DnsRefresher.class);

    private final EndpointResolver resolver;
    private final HostSetPublisher publisher;
    private final long startTimeoutMillis;
    /** Made on first need; guarded by this. */
    private ScheduledExecutorService thread;
    /** Each strict_dns cluster's target and its refresh schedule, by cluster identity; guarded by this. */
    private final Map<Cluster, Scheduled> targets = new IdentityHashMap<>();
    private boolean closed;

    private DnsRefresher(final EndpointResolver resolver, final HostSetPublisher publisher,
                         final long startTimeoutMillis) {
        this.resolver = resolver;
        this.publisher = publisher;
        this.startTimeoutMillis = startTimeoutMillis;
    }

    /**
     * Resolves every {@code strict_dns} cluster of {@code clusters} once (blocks until done, or until
     * {@code startTimeout} passed: then the clusters that are not resolved yet start empty and fill in when their
     * lookup returns), then refreshes each every {@code dns_refresh_rate}. With no such cluster, starts no thread.
     *
     * @param clusters  the snapshot's clusters
     * @param resolver  the name lookup (blocking; runs on the DNS thread only)
     * @param publisher receives each cluster's new host set, on the DNS thread
     * @param startTimeoutMillis how long the first resolution may hold up the start
     */
    public static DnsRefresher start(final Iterable<Cluster> clusters, final EndpointResolver resolver,
                                     final HostSetPublisher publisher, final long startTimeoutMillis)
        throws InterruptedException {
        final DnsRefresher d = new DnsRefresher(resolver, publisher, startTimeoutMillis);
        d.update(clusters);
        return d;
    }

    /**
     * Makes refreshes follow a new snapshot's {@code clusters} (a reload): a strict_dns cluster already refreshed
     * (the same object) keeps its schedule and hosts; a new one is resolved as at start (waiting up to the start
     * timeout) and scheduled; the refreshes of a cluster that left stop.
     */
    public synchronized void update(final Iterable<Cluster> clusters) throws InterruptedException {
        if (closed) {
            return;
        }
        final Map<Cluster, Boolean> wanted = new IdentityHashMap<>();
        final List<Target> added = new ArrayList<>();
        for (final Cluster c : clusters) {
            if (Cluster.dynamic(c.config())) {
                wanted.put(c, Boolean.TRUE);
                if (!targets.containsKey(c)) {
                    added.add(new Target(c, resolver, publisher));
                }
            }
        }
        for (final Iterator<Map.Entry<Cluster, Scheduled>> it = targets.entrySet().iterator(); it.hasNext();) {
            final Map.Entry<Cluster, Scheduled> e = it.next();
            if (!wanted.containsKey(e.getKey())) {
                e.getValue().future.cancel(false);
                it.remove();
            }
        }
        if (added.isEmpty()) {
            return;
        }
        if (thread == null) {
            thread = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("strait-dns", true));
        }
        try {
            thread.submit(() -> {
                for (final Target t : added) {
                    t.refresh();
                }
            }).get(startTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            LOG.warn("first DNS resolution failed", e.getCause());
        } catch (final TimeoutException e) {
            LOG.warn("first DNS resolution still running after {} ms; starting with what is resolved",
                startTimeoutMillis);
        }
        for (final Target t : added) {
            final long every = t.cluster.config().discovery().dnsRefreshRate().toNanos();
            targets.put(t.cluster, new Scheduled(t,
                thread.scheduleWithFixedDelay(t::refresh, every, every, TimeUnit.NANOSECONDS)));
        }
    }

    /** True if a DNS thread runs. */
    public synchronized boolean running() {
        return thread != null && !thread.isShutdown();
    }

    /** Runs one refresh of every strict_dns cluster on the DNS thread now and waits for it (tests). */
    public void refreshNow() throws Exception {
        final ScheduledExecutorService t;
        final List<Target> all = new ArrayList<>();
        synchronized (this) {
            t = thread;
            for (final Scheduled s : targets.values()) {
                all.add(s.target);
            }
        }
        if (t != null) {
            t.submit(() -> {
                for (final Target x : all) {
                    x.refresh();
                }
            }).get(30, TimeUnit.SECONDS);
        }
    }

    /** Stops refreshing. Blocks until the thread ends (a lookup in progress is interrupted). */
    @Override
    public synchronized void close() throws InterruptedException {
        closed = true;
        if (thread != null) {
            thread.shutdownNow();
            thread.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A target and its refresh schedule. */
    private record Scheduled(Target target, ScheduledFuture<?> future) {
    }

    /** One strict_dns cluster: its endpoints' last answers and every host it has made. Confined to the DNS thread. */
    private static final class Target {
        private final Cluster cluster;
        private final EndpointResolver resolver;
        private final HostSetPublisher publisher;
        private final LoopStats<ClusterStat> stats;
        private final List<EndpointConfig> endpoints;
        /** Per endpoint: the addresses last resolved (null: never resolved). */
        private final InetAddress[][] answers;
        /** Every host made so far by address, so an address that stays or comes back keeps its host. */
        private final Map<InetSocketAddress, Host> known = new HashMap<>();

        Target(final Cluster cluster, final EndpointResolver resolver, final HostSetPublisher publisher) {
            this.cluster = cluster;
            this.resolver = resolver;
            this.publisher = publisher;
            this.stats = cluster.stats().control();
            this.endpoints = cluster.config().endpoints();
            this.answers = new InetAddress[endpoints.size()][];
        }

        void refresh() {
            try {
                refresh0();
            } catch (final RuntimeException e) {   // keep the schedule alive whatever a resolver throws
                stats.inc(ClusterStat.UPDATE_FAILURE);
                LOG.warn("cluster {}: DNS refresh failed", cluster.name(), e);
            }
        }

        private void refresh0() {
            stats.inc(ClusterStat.UPDATE_ATTEMPT);
            boolean allResolved = true;
            for (int i = 0; i < endpoints.size(); i++) {
                final String name = endpoints.get(i).address().host();
                try {
                    final InetAddress[] a = resolver.resolve(name);
                    if (a == null || a.length == 0) {
                        throw new UnknownHostException(name + ": no addresses");
                    }
                    answers[i] = a;
                } catch (final UnknownHostException e) {
                    allResolved = false;
                    LOG.debug("cluster {}: {} did not resolve: {}", cluster.name(), name, e.getMessage());
                }
            }
            stats.inc(allResolved ? ClusterStat.UPDATE_SUCCESS : ClusterStat.UPDATE_FAILURE);
            final List<Host> hosts = hosts();
            if (hosts.equals(cluster.hosts())) {   // Host has identity equality: same hosts, same order
                if (allResolved) {
                    stats.inc(ClusterStat.UPDATE_NO_REBUILD);
                }
                return;
            }
            final HostSet set = HostSet.of(hosts, null, cluster.config().panicThreshold());
            cluster.membership(hosts, set);
            stats.inc(ClusterStat.MEMBERSHIP_CHANGE);
            stats.set(ClusterStat.MEMBERSHIP_TOTAL, hosts.size());
            stats.set(ClusterStat.MEMBERSHIP_HEALTHY, set.healthy().size());
            LOG.info("cluster {}: hosts now {}", cluster.name(), hosts);
            publisher.publish(cluster, set);
        }

        /** The hosts of the current answers: endpoint order, then answer order, each address once. */
        private List<Host> hosts() {
            final List<Host> out = new ArrayList<>();
            for (int i = 0; i < endpoints.size(); i++) {
                final InetAddress[] a = answers[i];
                if (a == null) {
                    continue;
                }
                final EndpointConfig e = endpoints.get(i);
                for (final InetAddress address : a) {
                    final InetSocketAddress key = literal(address, e.address().port());
                    Host h = known.get(key);
                    if (h == null) {
                        h = new Host(key, e.weight(), cluster.loops());
                        known.put(key, h);
                    }
                    if (!out.contains(h)) {
                        out.add(h);
                    }
                }
            }
            return List.copyOf(out);
        }

        /**
         * The address without the name it was looked up by, so the host's label ({@code ip:port}), which ring hash
         * and Maglev hash, differs per address.
         */
        private static InetSocketAddress literal(final InetAddress address, final int port) {
            try {
                return new InetSocketAddress(InetAddress.getByAddress(address.getAddress()), port);
            } catch (final UnknownHostException e) {
                throw new IllegalStateException(e);   // getByAddress only throws for a bad length: not from a lookup
            }
        }
    }
}
