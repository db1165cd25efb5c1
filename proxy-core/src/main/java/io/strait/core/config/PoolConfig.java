package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code pool} of a cluster: per event loop and host, how many idle keep-alive connections are kept
 * and for how long, and how many requests one connection carries before it is closed (0: no limit; on HTTP/2 each
 * stream is a request, and a connection at its limit takes no new stream and closes once its streams end).
 */
public record PoolConfig(
        int maxIdle,
        Duration idleTimeout,
        int maxRequestsPerConnection) {

    /** A pool with no limit of requests per connection. */
    public PoolConfig(final int maxIdle, final Duration idleTimeout) {
        this(maxIdle, idleTimeout, 0);
    }
}
