package io.strait.lb;

/**
 * Chooses a host for one request. Each event loop has its own instance, built by a
 * {@link LoadBalancerFactory} from a {@link HostSet} snapshot: confined to that loop, so
 * implementations need no synchronization, and {@link #pick} allocates nothing.
 */
public interface LoadBalancer {

    /**
     * The host for the next request.
     *
     * @param hash a hash of the request for hashing policies (ring hash, Maglev); others ignore it
     * @return a host, or null when none can take the request; never throws
     */
    Host pick(long hash);

    /**
     * True when this balancer was built in panic: too few of its host set's hosts were healthy, so it chooses among
     * all of them. Constant for the balancer's life, so the request path may read it after every pick (for the
     * {@code lb_healthy_panic} counter). The default: never.
     */
    default boolean inPanic() {
        return false;
    }
}
