package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code pool} of a cluster: per event loop and host, how many idle keep-alive connections are kept
 * and for how long.
 */
public record PoolConfig(
        int maxIdle,
        Duration idleTimeout) {
}
