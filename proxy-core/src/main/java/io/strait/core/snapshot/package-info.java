/**
 * The configuration in force, compiled, and what each event loop holds for it: {@code ProxySnapshot} (clusters,
 * listeners and their route tables, made once per configuration), {@code ListenerRuntime} (one listener's compiled
 * limits, routes, forwarding policy, stats and access log) and {@code LoopState} (one loop's balancers, upstream pools,
 * connectors, cluster stats views, clock and random source for one snapshot).
 *
 * <p>Threading: snapshots and listener runtimes are immutable and shared by every loop; a {@code LoopState} is
 * confined to its loop (the server posts host-set changes to it as tasks on that loop).
 */
package io.strait.core.snapshot;
