package io.strait.lb;

/**
 * Builds a loop's {@link LoadBalancer} from a host snapshot, in Envoy's thread-aware model: one
 * factory per cluster, shared, immutable and thread-safe; each loop calls {@link #create} when the
 * host set changes and keeps the result.
 */
public interface LoadBalancerFactory {

    /**
     * A new balancer over {@code hosts}.
     *
     * @param hosts the snapshot to choose from
     * @param seed  seeds the balancer's randomness (e.g. a per-loop start offset), so loops do not move in lockstep
     */
    LoadBalancer create(HostSet hosts, long seed);
}
