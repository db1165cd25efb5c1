package io.strait.core.config;

/**
 * Immutable. Key {@code maglev} of a cluster with {@code lb: maglev} (Envoy's {@code maglev_lb_config}).
 *
 * @param tableSize the lookup table's size: a prime, best at least 100 times the host count; default 65,537
 */
public record MaglevConfig(int tableSize) {

    /** Envoy's default table size. */
    public static final int DEFAULT_TABLE_SIZE = 65_537;
}
