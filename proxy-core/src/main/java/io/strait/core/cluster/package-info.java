/**
 * Clusters at run time: each cluster's hosts, health (active checks on their own thread, outlier detection),
 * DNS discovery, the host-set snapshots published to the event loops, the per-loop pools of idle upstream
 * connections, and upstream TLS ({@link io.strait.core.cluster.UpstreamTls}: one client context per cluster, made
 * off the loops; {@link io.strait.core.cluster.TlsConnection}: a connection's handshake, on its loop).
 *
 * <p>Threading: health checking and DNS resolution run on their own threads and publish immutable host sets;
 * each event loop rebuilds its balancer from them. {@link io.strait.core.cluster.UpstreamPool} is confined to
 * its loop. Nothing here blocks a loop.
 */
package io.strait.core.cluster;
