package io.strait.core.stats;

/**
 * Immutable. The stats of one listener's connections before any protocol runs, under the scope
 * {@code listener.<listener>.} as in Envoy (which names the scope by address): accept errors, connections refused by
 * the listener's or the global connection cap or the overload manager, connections reset by the send timeout, and
 * the TLS handshake counters of a TLS listener. Counters, sorted by name.
 */
public enum ListenerStat implements StatDescriptor {

    /** Accepts that failed (EMFILE / ENFILE: out of file descriptors); accepting pauses briefly after each. */
    DOWNSTREAM_CX_ACCEPT_ERROR("downstream_cx_accept_error", StatKind.COUNTER,
        "Accepts that failed, e.g. for want of file descriptors"),
    /** Connections closed at once because the listener's max_connections was reached. */
    DOWNSTREAM_CX_OVERFLOW("downstream_cx_overflow", StatKind.COUNTER,
        "Connections refused by the listener's max_connections"),
    /** Connections closed at once because the overload manager stopped accepting (also in the overload scope). */
    DOWNSTREAM_CX_OVERLOAD_REJECT("downstream_cx_overload_reject", StatKind.COUNTER,
        "Connections refused by the overload manager"),
    /** Connections reset because their client left them unwritable for timeouts.send. */
    DOWNSTREAM_CX_SEND_TIMEOUT("downstream_cx_send_timeout", StatKind.COUNTER,
        "Connections reset because the client stopped reading for the send timeout"),
    /** Connections closed at once because runtime.max_connections (all listeners) was reached. */
    DOWNSTREAM_GLOBAL_CX_OVERFLOW("downstream_global_cx_overflow", StatKind.COUNTER,
        "Connections refused by the global max_connections"),

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
    SSL_SESSION_REUSED("ssl.session_reused", StatKind.COUNTER, "TLS handshakes that resumed a session"),

    /** Time from accept to a completed handshake (Envoy has no such histogram; the ClientHello's wait is in it). */
    SSL_HANDSHAKE_TIME("ssl.handshake_time", StatKind.HISTOGRAM, "TLS handshake time, accept to handshake done");

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
