package io.strait.lb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable snapshot of a cluster's hosts with the healthy subset precomputed. Thread-safe.
 * A new snapshot is made when membership or health changes; load balancers are built from it,
 * never per request.
 *
 * <p>Besides the hosts, a snapshot carries what the balancers need to know about the cluster as it was: each
 * host's <em>effective weight</em> (its configured weight, or less while it ramps up in slow start) and the
 * cluster's panic threshold (below that percentage of healthy hosts a balancer ignores health).
 */
public final class HostSet {

    /** Envoy's default {@code healthy_panic_threshold}: 50%. */
    public static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

    private final List<Host> all;
    private final List<Host> healthy;
    private final boolean[] healthyAt;
    private final int[] weights;
    private final int panicThresholdPercent;

    private HostSet(final List<Host> all, final List<Host> healthy, final boolean[] healthyAt, final int[] weights,
                    final int panicThresholdPercent) {
        this.all = all;
        this.healthy = healthy;
        this.healthyAt = healthyAt;
        this.weights = weights;
        this.panicThresholdPercent = panicThresholdPercent;
    }

    /** A snapshot of {@code hosts} as they are now, with their configured weights and the default panic threshold. */
    public static HostSet of(final List<Host> hosts) {
        return of(hosts, null, DEFAULT_PANIC_THRESHOLD_PERCENT);
    }

    /**
     * A snapshot of {@code hosts} as they are now.
     *
     * @param hosts                 the cluster's hosts, in configuration order
     * @param effectiveWeights      each host's weight for the weighted balancers, aligned with {@code hosts}, each
     *                              &gt;= 0 and &gt; 0 exactly where the configured weight is &gt; 0 (the scale is
     *                              free: only ratios matter); null means the configured weights. Copied.
     * @param panicThresholdPercent in [0, 100]: below this percentage of healthy hosts the balancers choose among all
     *                              hosts; 0 disables panic mode
     */
    public static HostSet of(final List<Host> hosts, final int[] effectiveWeights, final int panicThresholdPercent) {
        if (panicThresholdPercent < 0 || panicThresholdPercent > 100) {
            throw new IllegalArgumentException("panic threshold must be in [0, 100]: " + panicThresholdPercent);
        }
        final List<Host> all = List.copyOf(hosts);
        final int n = all.size();
        if (effectiveWeights != null && effectiveWeights.length != n) {
            throw new IllegalArgumentException(effectiveWeights.length + " weights for " + n + " hosts");
        }
        final int[] weights = new int[n];
        final boolean[] healthyAt = new boolean[n];
        final List<Host> healthy = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final Host h = all.get(i);
            final int w = effectiveWeights == null ? h.weight() : effectiveWeights[i];
            if (w < 0 || (w > 0) != (h.weight() > 0)) {
                throw new IllegalArgumentException("effective weight " + w + " for " + h + " of weight " + h.weight());
            }
            weights[i] = w;
            healthyAt[i] = h.isHealthy();
            if (healthyAt[i]) {
                healthy.add(h);
            }
        }
        return new HostSet(all, Collections.unmodifiableList(healthy), healthyAt, weights, panicThresholdPercent);
    }

    /** Every host, in configuration order. */
    public List<Host> all() {
        return all;
    }

    /** The hosts that were healthy when the snapshot was taken. */
    public List<Host> healthy() {
        return healthy;
    }

    /** True if host {@code index} of {@link #all()} was healthy when the snapshot was taken. */
    public boolean isHealthy(final int index) {
        return healthyAt[index];
    }

    /** The effective weight of host {@code index} of {@link #all()}: its configured weight unless it is ramping up. */
    public int effectiveWeight(final int index) {
        return weights[index];
    }

    /** Below this percentage of healthy hosts (of weight &gt; 0) the balancers ignore health; 0: never. */
    public int panicThresholdPercent() {
        return panicThresholdPercent;
    }
}
