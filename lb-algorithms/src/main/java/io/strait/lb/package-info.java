/**
 * Host selection, pure Java: {@link io.strait.lb.Host}, the immutable {@link io.strait.lb.HostSet},
 * {@link io.strait.lb.LoadBalancer} and the factories that build one balancer per event loop on each host-set
 * update (Envoy's thread-aware model). No Netty, no proxy-core (the build's Enforcer rule keeps it so).
 *
 * <p>Threading: a balancer is confined to the loop it was built for; host sets are immutable; a host's active
 * count and health flags are the only state loops share, padded and lock-free. A host's counters
 * ({@link io.strait.lb.HostStats}) are per loop: each loop writes only its own padded slots, readers sum them.
 */
package io.strait.lb;
