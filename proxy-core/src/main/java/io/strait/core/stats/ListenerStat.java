package io.strait.core.stats;

/**
 * Immutable. The stats of one listener's connections before any protocol runs, under the scope
 * {@code listener.<listener>.} as in Envoy: for now the TLS handshake counters of a TLS listener. Counters, sorted by
 * name.
 */
public enum ListenerStat implements StatDescriptor {

    /** Handshakes that failed for a reason other than client certificate verification (not TLS, timeout...). */
    SSL_CONNECTION_ERROR("ssl.connection_error", StatKind.COUNTER,
        "TLS handshakes failed, not counting certificate verification"),
    /** Handshakes that failed because the client's certificate did not verify against the client CA. */
    SSL_FAIL_VERIFY_ERROR("ssl.fail_verify_error", StatKind.COUNTER,
        "TLS handshakes failed on client certificate verification"),
    /** Handshakes that failed because a required client certificate was not sent. */
    SSL_FAIL_VERIFY_NO_CERT("ssl.fail_verify_no_cert", StatKind.COUNTER,
        "TLS handshakes failed for lack of a required client certificate"),
    /** Handshakes completed. */
    SSL_HANDSHAKE("ssl.handshake", StatKind.COUNTER, "TLS handshakes completed"),
    /** Completed handshakes without a client certificate. */
    SSL_NO_CERTIFICATE("ssl.no_certificate", StatKind.COUNTER,
        "TLS handshakes completed without a client certificate"),
    /** Completed handshakes that resumed an earlier session. */
    SSL_SESSION_REUSED("ssl.session_reused", StatKind.COUNTER, "TLS handshakes that resumed a session");

    private final String statName;
    private final StatKind kind;
    private final String help;

    ListenerStat(final String statName, final StatKind kind, final String help) {
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
