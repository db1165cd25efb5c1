package io.strait.core.config;

/**
 * Immutable. Key {@code ring_hash} of a cluster with {@code lb: ring_hash} (Envoy's {@code ring_hash_lb_config}).
 *
 * @param minimumRingSize at least this many points on the ring (more: finer balance, more memory), default 1024
 * @param maximumRingSize at most this many points, default 8M
 */
public record RingHashConfig(long minimumRingSize, long maximumRingSize) {

    /** Envoy's default minimum ring size. */
    public static final long DEFAULT_MINIMUM = 1024;
    /** Envoy's default (and the largest allowed) maximum ring size. */
    public static final long DEFAULT_MAXIMUM = 8L * 1024 * 1024;
}
