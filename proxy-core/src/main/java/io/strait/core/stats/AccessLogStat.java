package io.strait.core.stats;

/**
 * Immutable. The access logs' stats, under the one scope {@code access_log.} shared by every access log of the
 * process (Envoy keeps its file sink's under {@code access_log_file.}; these follow the same naming). Counters only,
 * sorted by name.
 */
public enum AccessLogStat implements StatDescriptor {

    /** Records dropped on an event loop because the log's ring was full (the loop never waits for the writer). */
    DROPPED("dropped", StatKind.COUNTER, "Access log records dropped because the ring was full"),
    /** Times the writer reopened a file (it was moved or removed, or a reopen was asked for). */
    REOPEN("reopen", StatKind.COUNTER, "Access log files reopened"),
    /** Records written. */
    WRITTEN("written", StatKind.COUNTER, "Access log records written"),
    /** Failed writes or opens of an access log file (the lines of that batch are lost; the writer keeps going). */
    WRITE_ERROR("write_error", StatKind.COUNTER, "Access log write or open failures");

    private final String statName;
    private final StatKind kind;
    private final String help;

    AccessLogStat(final String statName, final StatKind kind, final String help) {
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
