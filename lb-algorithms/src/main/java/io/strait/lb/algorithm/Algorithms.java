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

    private Algorithms() {
    }

    /**
     * The factory for {@code policy}.
     *
     * @throws IllegalArgumentException for a policy not implemented yet ({@code RING_HASH}, {@code MAGLEV})
     */
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
     * True when {@code lb} is one of this package's balancers and was built in panic (too few healthy hosts, so it
     * chooses among all hosts); false otherwise. For the {@code lb_healthy_panic} counter.
     */
    public static boolean inPanic(final LoadBalancer lb) {
        return lb instanceof BaseLoadBalancer && ((BaseLoadBalancer) lb).inPanic();
    }
}
