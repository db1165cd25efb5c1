package io.strait.core.cluster;

import io.strait.core.config.ClusterConfig;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.StatsScope;

/** Builds {@link Cluster}s from configuration. Stateless. */
public final class Clusters {

    private Clusters() {
    }

    /** A cluster at position {@code index} of its snapshot. Resolves endpoint names: call off the event loops. */
    public static Cluster create(final int index, final ClusterConfig config, final StatsScope<ClusterStat> stats) {
        final Cluster c = new Cluster(index, config, stats);
        stats.control().set(ClusterStat.MEMBERSHIP_TOTAL, c.hosts().size());
        stats.control().set(ClusterStat.MEMBERSHIP_HEALTHY, c.hostSet().healthy().size());
        return c;
    }
}
