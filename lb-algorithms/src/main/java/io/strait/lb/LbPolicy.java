package io.strait.lb;

/** The load-balancing policies a cluster can name, with their configuration names. */
public enum LbPolicy {
    ROUND_ROBIN("round_robin"),
    WEIGHTED_ROUND_ROBIN("weighted_round_robin"),
    LEAST_REQUEST("least_request"),
    RANDOM("random"),
    RING_HASH("ring_hash"),
    MAGLEV("maglev");

    private final String configName;

    LbPolicy(final String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files. */
    public String configName() {
        return configName;
    }

    /** The policy with this configuration name, or null. */
    public static LbPolicy fromConfigName(final String name) {
        for (final LbPolicy p : values()) {
            if (p.configName.equals(name)) {
                return p;
            }
        }
        return null;
    }
}
