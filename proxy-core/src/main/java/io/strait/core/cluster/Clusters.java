package io.strait.core.cluster;

import io.strait.core.config.ClusterConfig;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.StatsScope;

/** Builds {@link Cluster}s from configuration. Stateless. */
public final class Clusters {

    private Clusters() {
    }

    /**
     * A cluster of {@code config}. A snapshot refers to it by its position in the snapshot's cluster array; a cluster
     * whose configuration did not change is carried into the next snapshot whole (hosts, health, breakers), maybe at
     * another position. Resolves endpoint names: call off the event loops. {@code loops}: the event loops that will
     * count requests to its hosts ({@link io.strait.lb.HostStats}), the registry's loop count.
     */
    public static Cluster create(final ClusterConfig config, final StatsScope<ClusterStat> stats, final int loops) {
        final Cluster c = new Cluster(config, stats, loops);
        stats.control().set(ClusterStat.MEMBERSHIP_TOTAL, c.hosts().size());
        stats.control().set(ClusterStat.MEMBERSHIP_HEALTHY, c.hostSet().healthy().size());
        return c;
    }
}
