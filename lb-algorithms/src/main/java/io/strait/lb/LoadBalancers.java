package io.strait.lb;

import io.strait.lb.algorithm.Algorithms;

/**
 * Thread-safe: the factories are immutable and shared by all loops; each loop builds its own {@link LoadBalancer}.
 * The entry point to the load-balancing algorithms: one {@link LoadBalancerFactory} per {@link LbPolicy}.
 *
 * <ul>
 *   <li>{@link LbPolicy#ROUND_ROBIN}: hosts in turn, weights ignored, from a seed-derived start.</li>
 *   <li>{@link LbPolicy#WEIGHTED_ROUND_ROBIN}: smooth weighted round robin (earliest deadline first).</li>
 *   <li>{@link LbPolicy#LEAST_REQUEST}: power of two choices on active requests, or EDF over
 *   {@code weight / (active + 1)} when weights differ (see {@link #leastRequest}).</li>
 *   <li>{@link LbPolicy#RANDOM}: uniform, or weighted when weights differ.</li>
 *   <li>{@link LbPolicy#RING_HASH}: consistent hashing on a ring of xxHash64 points, as Envoy (see {@link #ringHash}).
 *   </li>
 *   <li>{@link LbPolicy#MAGLEV}: Maglev consistent hashing, a prime-sized lookup table, as Envoy (see {@link #maglev}).
 *   </li>
 * </ul>
 * All of them pick only healthy hosts of weight &gt; 0, unless fewer than the host set's panic threshold (default
 * 50%) of the hosts are healthy (panic: then every host of weight &gt; 0), and return null when no host can be
 * picked. The two hashing policies choose by the hash passed to {@link LoadBalancer#pick} and ignore the seed, so
 * every loop maps a hash to the same host.
 *
 * <p>Weights: round robin ignores them; weighted round robin, least request and random use each host's
 * {@link HostSet#effectiveWeight effective weight} (lower while a host ramps up in slow start); ring hash and Maglev
 * keep the configured weights, since changing them would move keys between hosts on every slow-start step.
 */
public final class LoadBalancers {

    private LoadBalancers() {
    }

    /** The factory for {@code policy}, with its default parameters. */
    public static LoadBalancerFactory factory(final LbPolicy policy) {
        return Algorithms.factory(policy);
    }

    /**
     * A least-request factory with Envoy's two parameters ({@link #factory} uses choice count 2 and bias 1.0).
     *
     * @param choiceCount       hosts drawn per pick when all weights are equal, &gt;= 1
     * @param activeRequestBias exponent in {@code weight / (active + 1)^bias} when weights differ, finite, &gt;= 0
     */
    public static LoadBalancerFactory leastRequest(final int choiceCount, final double activeRequestBias) {
        return Algorithms.leastRequest(choiceCount, activeRequestBias);
    }

    /**
     * A ring-hash factory with explicit bounds ({@link #factory} uses Envoy's defaults, 1024 and 8M).
     *
     * @param minRingSize at least this many points on the ring (the smallest-weight host gets at least one), in [1, 8M]
     * @param maxRingSize at most this many points, in [{@code minRingSize}, 8M]
     */
    public static LoadBalancerFactory ringHash(final long minRingSize, final long maxRingSize) {
        return Algorithms.ringHash(minRingSize, maxRingSize);
    }

    /**
     * A Maglev factory with an explicit lookup-table size ({@link #factory} uses Envoy's default, 65,537).
     *
     * @param tableSize a prime in [2, 5,000,011], best at least 100 times the host count
     */
    public static LoadBalancerFactory maglev(final int tableSize) {
        return Algorithms.maglev(tableSize);
    }

    /**
     * True when {@code lb} was built in panic ({@link LoadBalancer#inPanic()}): fewer than the panic threshold of
     * its host set's hosts (of weight &gt; 0) were healthy, so it chooses among all of them.
     */
    public static boolean inPanic(final LoadBalancer lb) {
        return Algorithms.inPanic(lb);
    }
}
