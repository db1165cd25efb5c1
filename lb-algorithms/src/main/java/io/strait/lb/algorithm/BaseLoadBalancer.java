package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LoadBalancer;
import java.util.List;

/**
 * Confined to its event loop (subclasses keep per-loop mutable state). What every algorithm shares: the eligible
 * hosts of one {@link HostSet} snapshot and whether the balancer is in panic.
 *
 * <p>Eligible hosts are the healthy hosts of weight &gt; 0, unless fewer than {@link #PANIC_THRESHOLD_PERCENT}% of the
 * hosts of weight &gt; 0 are healthy (Envoy's {@code healthy_panic_threshold}, default 50%): then the balancer is in
 * panic and every host of weight &gt; 0 is eligible, since sending load to possibly-unhealthy hosts beats overloading
 * the few healthy ones. Hosts of weight 0 are never picked and do not count towards the threshold either.
 */
abstract class BaseLoadBalancer implements LoadBalancer {

    /** Below this percentage of healthy hosts (among hosts of weight &gt; 0) the balancer ignores health. */
    static final int PANIC_THRESHOLD_PERCENT = 50;

    private static final Host[] NO_HOSTS = new Host[0];

    /** The hosts this balancer chooses from, in configuration order; never contains a host of weight 0. */
    final Host[] hosts;
    private final boolean panic;

    BaseLoadBalancer(final HostSet set) {
        final List<Host> all = set.all();
        int weighted = 0;
        for (final Host h : all) {
            if (h.weight() > 0) {
                weighted++;
            }
        }
        final List<Host> healthy = set.healthy();
        int healthyWeighted = 0;
        for (final Host h : healthy) {
            if (h.weight() > 0) {
                healthyWeighted++;
            }
        }
        // healthy% < threshold, in integers: healthy * 100 < weighted * threshold.
        this.panic = (long) healthyWeighted * 100 < (long) weighted * PANIC_THRESHOLD_PERCENT;
        this.hosts = panic ? withWeight(all, weighted) : withWeight(healthy, healthyWeighted);
    }

    private static Host[] withWeight(final List<Host> from, final int count) {
        if (count == 0) {
            return NO_HOSTS;
        }
        final Host[] out = new Host[count];
        int i = 0;
        for (final Host h : from) {
            if (h.weight() > 0) {
                out[i++] = h;
            }
        }
        return out;
    }

    /** True when too few hosts were healthy and this balancer chooses among all hosts of weight &gt; 0. */
    final boolean inPanic() {
        return panic;
    }

    /** True when every eligible host has the same weight (or there are none). */
    final boolean equalWeights() {
        final Host[] hs = hosts;
        for (int i = 1; i < hs.length; i++) {
            if (hs[i].weight() != hs[0].weight()) {
                return false;
            }
        }
        return true;
    }
}
