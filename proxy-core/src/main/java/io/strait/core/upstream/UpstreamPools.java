package io.strait.core.upstream;

import io.strait.core.cluster.UpstreamPool;
import io.strait.core.cluster.UpstreamStreamPool;
import io.strait.lb.Host;

/**
 * Where an {@link UpstreamAttempt} finds connections on its event loop: the idle pool of each host and the
 * connector for new ones. Implemented by the loop's state for the configuration in force.
 *
 * <p>Confined to one event loop.
 */
public interface UpstreamPools {

    /** This loop's index among the server's event loops: the slot its per-host counters write. */
    int index();

    /** The idle connections to {@code host} on this loop. */
    UpstreamPool<UpstreamHttpHandler> pool(Host host);

    /** The HTTP/2 connections to {@code host} on this loop (its cluster has {@code protocol: http2}). */
    UpstreamStreamPool<UpstreamHttp2Connection> streamPool(Host host);

    /** Opens new upstream connections on this loop. */
    UpstreamConnector connector();
}
