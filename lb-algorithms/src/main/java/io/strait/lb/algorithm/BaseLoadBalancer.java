package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LoadBalancer;

/**
 * Confined to its event loop (subclasses keep per-loop mutable state). What every algorithm shares: the eligible
 * hosts of one {@link HostSet} snapshot, their effective weights, and whether the balancer is in panic.
 *
 * <p>Eligible hosts are the healthy hosts of weight &gt; 0, unless fewer than the host set's
 * {@link HostSet#panicThresholdPercent() panic threshold} (Envoy's {@code healthy_panic_threshold}, default 50%) of
 * the hosts of weight &gt; 0 are healthy: then the balancer is in panic and every host of weight &gt; 0 is eligible,
 * since sending load to possibly-unhealthy hosts beats overloading the few healthy ones. A threshold of 0 disables
 * panic: with no healthy host the balancer picks null. Hosts of weight 0 are never picked and do not count towards
 * the threshold either.
 */
abstract class BaseLoadBalancer implements LoadBalancer {

    /** The default percentage of healthy hosts (of weight &gt; 0) below which the balancer ignores health. */
    static final int PANIC_THRESHOLD_PERCENT = HostSet.DEFAULT_PANIC_THRESHOLD_PERCENT;

    private static final Host[] NO_HOSTS = new Host[0];
    private static final int[] NO_WEIGHTS = new int[0];

    /** The hosts this balancer chooses from, in configuration order; never contains a host of weight 0. */
    final Host[] hosts;
    /** The effective weight of each of {@link #hosts} (the configured one unless the host is in slow start), &gt; 0. */
    final int[] weights;
    private final boolean panic;

    BaseLoadBalancer(final HostSet set) {
        final int n = set.all().size();
        int weighted = 0;
        int healthyWeighted = 0;
        for (int i = 0; i < n; i++) {
            if (set.effectiveWeight(i) > 0) {
                weighted++;
                if (set.isHealthy(i)) {
                    healthyWeighted++;
                }
            }
        }
        // healthy% < threshold, in integers: healthy * 100 < weighted * threshold.
        this.panic = (long) healthyWeighted * 100 < (long) weighted * set.panicThresholdPercent();
        final int count = panic ? weighted : healthyWeighted;
        if (count == 0) {
            this.hosts = NO_HOSTS;
            this.weights = NO_WEIGHTS;
            return;
        }
        this.hosts = new Host[count];
        this.weights = new int[count];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (set.effectiveWeight(i) > 0 && (panic || set.isHealthy(i))) {
                hosts[k] = set.all().get(i);
                weights[k] = set.effectiveWeight(i);
                k++;
            }
        }
    }

    /** True when too few hosts were healthy and this balancer chooses among all hosts of weight &gt; 0. */
    @Override
    public final boolean inPanic() {
        return panic;
    }

    /** True when every eligible host has the same effective weight (or there are none). */
    final boolean equalWeights() {
        final int[] ws = weights;
        for (int i = 1; i < ws.length; i++) {
            if (ws[i] != ws[0]) {
                return false;
            }
        }
        return true;
    }
}
