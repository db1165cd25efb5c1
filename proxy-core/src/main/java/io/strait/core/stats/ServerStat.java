package io.strait.core.stats;

/**
 * Immutable. The server's own stats, under the scope {@code server.}: configuration reloads (Envoy counts its
 * listener and cluster updates as {@code update_success} / {@code update_rejected}; Strait reloads the whole
 * configuration at once). Counters only, sorted by name.
 */
public enum ServerStat implements StatDescriptor {

    /** Reloads refused: the new configuration did not parse or validate, or could not be applied; nothing changed. */
    RELOAD_FAILURE("reload_failure", StatKind.COUNTER, "Configuration reloads refused (the running one was kept)"),
    /** Reloads that put a new configuration in force. */
    RELOAD_SUCCESS("reload_success", StatKind.COUNTER, "Configuration reloads applied");

    private final String statName;
    private final StatKind kind;
    private final String help;

    ServerStat(final String statName, final StatKind kind, final String help) {
        this.statName = statName;
        this.kind = kind;
        this.help = help;
    }

    @Override
    public String statName() {
        return statName;
    }

    @Override
    public StatKind kind() {
        return kind;
    }

    @Override
    public String help() {
        return help;
    }
}
