package io.strait.core.snapshot;

import io.strait.core.accesslog.AccessLogs;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.Clusters;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.ListenerProtocol;
import io.strait.core.config.StraitConfig;
import io.strait.core.route.RouteTable;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.StatsRegistry;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One configuration compiled for the data plane: clusters with their hosts, and each listener's
 * route table. Built once per config off the event loops; immutable and shared by all loops.
 */
public final class ProxySnapshot {

    private final StraitConfig config;
    private final Cluster[] clusters;
    private final Map<String, ListenerRuntime> listeners;

    private ProxySnapshot(final StraitConfig config, final Cluster[] clusters,
                          final Map<String, ListenerRuntime> listeners) {
        this.config = config;
        this.clusters = clusters;
        this.listeners = listeners;
    }

    /** Compiles a validated configuration, without access logs. */
    public static ProxySnapshot compile(final StraitConfig config, final StatsRegistry stats) {
        return compile(config, stats, null);
    }

    /** Compiles a validated configuration; each listener's access log comes from {@code accessLogs} (may be null). */
    public static ProxySnapshot compile(final StraitConfig config, final StatsRegistry stats,
                                        final AccessLogs accessLogs) {
        return compile(config, stats, accessLogs, null);
    }

    /**
     * Compiles a validated configuration that follows {@code previous} (a reload; null at start): a cluster whose
     * configuration is equal to one of {@code previous}'s is that same {@link Cluster} (its hosts, health, outlier
     * state and breaker counts go on); any other cluster is made new. Listeners and routes are always compiled anew.
     */
    public static ProxySnapshot compile(final StraitConfig config, final StatsRegistry stats,
                                        final AccessLogs accessLogs, final ProxySnapshot previous) {
        final List<ClusterConfig> cc = config.clusters();
        final Cluster[] clusters = new Cluster[cc.size()];
        final Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < clusters.length; i++) {
            final ClusterConfig c = cc.get(i);
            final Cluster same = previous == null ? null : previous.unchanged(c);
            clusters[i] = same != null ? same
                : Clusters.create(c, stats.scope("cluster." + c.name() + ".", ClusterStat.class), stats.loops());
            index.put(c.name(), i);
        }
        final Map<String, ListenerRuntime> listeners = new LinkedHashMap<>();
        for (final ListenerConfig l : config.listeners()) {
            if (l.protocol() != ListenerProtocol.HTTP) {
                throw new IllegalArgumentException("listener " + l.name() + ": only http listeners are supported");
            }
            final RouteTable table = RouteTable.compile(l, name -> {
                final Integer i = index.get(name);
                if (i == null) {
                    throw new IllegalArgumentException("unknown cluster " + name);
                }
                return i;
            });
            listeners.put(l.name(), new ListenerRuntime(l, table, stats.scope("http." + l.name() + ".", HttpStat.class),
                accessLogs == null ? null : accessLogs.forListener(l), AccessLogs.formatOf(l)));
        }
        return new ProxySnapshot(config, clusters, listeners);
    }

    /** The configuration this snapshot was compiled from. */
    public StraitConfig config() {
        return config;
    }

    /** Cluster {@code index}. */
    public Cluster cluster(final int index) {
        return clusters[index];
    }

    /** The cluster of this snapshot whose configuration equals {@code config}, or null. */
    private Cluster unchanged(final ClusterConfig config) {
        for (final Cluster c : clusters) {
            if (c.config().equals(config)) {
                return c;
            }
        }
        return null;
    }

    /** The cluster named {@code name}, or null. */
    public Cluster cluster(final String name) {
        for (final Cluster c : clusters) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** The position of {@code cluster} in this snapshot (identity), or -1 when it is not one of its clusters. */
    public int indexOf(final Cluster cluster) {
        for (int i = 0; i < clusters.length; i++) {
            if (clusters[i] == cluster) {
                return i;
            }
        }
        return -1;
    }

    /** Every cluster, in configuration order. */
    public List<Cluster> clusters() {
        return List.of(clusters);
    }

    /** Number of clusters. */
    public int clusterCount() {
        return clusters.length;
    }

    /** The runtime of the named listener, or null. */
    public ListenerRuntime listener(final String name) {
        return listeners.get(name);
    }

    /** Every listener runtime, in configuration order. */
    public Iterable<ListenerRuntime> listeners() {
        return listeners.values();
    }
}
