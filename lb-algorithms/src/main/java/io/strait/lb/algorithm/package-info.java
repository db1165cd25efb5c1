/**
 * The load-balancing algorithms behind {@link io.strait.lb.LoadBalancers}: round robin, smooth weighted round robin
 * (EDF), random, least request (power of two choices, or EDF over load-adjusted weights), and the consistent-hashing
 * policies ring hash and Maglev. The implementations are
 * package-private and built only through their factories ({@link io.strait.lb.algorithm.Algorithms}).
 *
 * <p>Every balancer chooses among the {@link io.strait.lb.HostSet#healthy() healthy} hosts of weight &gt; 0, unless
 * fewer than half of the hosts of weight &gt; 0 are healthy: then it is in <em>panic</em> and chooses among all hosts
 * of weight &gt; 0, as Envoy does with its default 50% panic threshold. Each balancer is built once per loop and
 * host-set update, precomputes everything it can, and its {@code pick} allocates nothing and never throws.
 */
package io.strait.lb.algorithm;
