package io.strait.lb.algorithm;

import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancerFactory;

/**
 * Thread-safe: every factory is immutable and may be shared by all loops. The factories of this package's
 * algorithms; applications use {@link io.strait.lb.LoadBalancers}.
 */
public final class Algorithms {

    private static final LoadBalancerFactory ROUND_ROBIN = RoundRobinLoadBalancer::new;
    private static final LoadBalancerFactory WEIGHTED_ROUND_ROBIN = WeightedRoundRobinLoadBalancer::new;
    private static final LoadBalancerFactory RANDOM = RandomLoadBalancer::new;
    private static final LoadBalancerFactory LEAST_REQUEST = leastRequest(
        LeastRequestLoadBalancer.DEFAULT_CHOICE_COUNT, LeastRequestLoadBalancer.DEFAULT_ACTIVE_REQUEST_BIAS);
    private static final LoadBalancerFactory RING_HASH =
        ringHash(RingHashLoadBalancer.DEFAULT_MIN_RING_SIZE, RingHashLoadBalancer.DEFAULT_MAX_RING_SIZE);
    private static final LoadBalancerFactory MAGLEV = maglev(MaglevLoadBalancer.DEFAULT_TABLE_SIZE);

    private Algorithms() {
    }

    /** The factory for {@code policy}, with its default parameters. */
    public static LoadBalancerFactory factory(final LbPolicy policy) {
        switch (policy) {
            case ROUND_ROBIN:
                return ROUND_ROBIN;
            case WEIGHTED_ROUND_ROBIN:
                return WEIGHTED_ROUND_ROBIN;
            case LEAST_REQUEST:
                return LEAST_REQUEST;
            case RANDOM:
                return RANDOM;
            case RING_HASH:
                return RING_HASH;
            case MAGLEV:
                return MAGLEV;
            default:
                throw new IllegalArgumentException("load-balancing policy not implemented yet: " + policy.configName());
        }
    }

    /**
     * A least-request factory with explicit parameters.
     *
     * @param choiceCount       hosts drawn per pick when weights are equal, &gt;= 1 (Envoy's default and minimum: 2;
     *                          1 is plain random)
     * @param activeRequestBias exponent of {@code (active + 1)} dividing the weight when weights differ, finite and
     *                          &gt;= 0 (default 1.0)
     */
    public static LoadBalancerFactory leastRequest(final int choiceCount, final double activeRequestBias) {
        if (choiceCount < 1) {
            throw new IllegalArgumentException("choice count must be >= 1: " + choiceCount);
        }
        if (!(activeRequestBias >= 0.0) || Double.isInfinite(activeRequestBias)) {
            throw new IllegalArgumentException("active request bias must be finite and >= 0: " + activeRequestBias);
        }
        return (final HostSet hosts, final long seed) ->
            new LeastRequestLoadBalancer(hosts, seed, choiceCount, activeRequestBias);
    }

    /**
     * A ring-hash factory (Envoy's {@code ring_hash}) with explicit ring bounds. The factory keeps the last ring it
     * built, keyed by the {@link HostSet} instance, so the loops of one update share it.
     *
     * @param minRingSize at least this many points (unless {@code maxRingSize} caps it), in [1, 8M]; default 1024
     * @param maxRingSize at most this many points, in [{@code minRingSize}, 8M]; default 8M (8,388,608)
     */
    public static LoadBalancerFactory ringHash(final long minRingSize, final long maxRingSize) {
        return RingHashLoadBalancer.factory(minRingSize, maxRingSize);
    }

    /**
     * A Maglev factory (Envoy's {@code maglev}) with an explicit lookup-table size. The factory keeps the last table it
     * built, keyed by the {@link HostSet} instance, so the loops of one update share it.
     *
     * @param tableSize a prime in [2, 5,000,011]; default 65,537. Each host should hold many slots: at least 100 per
     *                  host ({@code tableSize >= 100 n}) keeps every host's share within 1% of its weight's
     */
    public static LoadBalancerFactory maglev(final int tableSize) {
        return MaglevLoadBalancer.factory(tableSize);
    }

    /**
     * True when {@code lb} is one of this package's balancers and was built in panic (too few healthy hosts, so it
     * chooses among all hosts); false otherwise. For the {@code lb_healthy_panic} counter.
     */
    public static boolean inPanic(final LoadBalancer lb) {
        return lb.inPanic();
    }
}
