package io.strait.load;

/**
 * Immutable: the counters every worker keeps (one slot each, indexed by ordinal), summed by the coordinator.
 */
public enum LoadCounter {
    /** Requests written to a connection. */
    SENT("sent", false),
    /** Responses with a 1xx final status (101). */
    STATUS_1XX("1xx", false),
    /** Responses with a 2xx status. */
    STATUS_2XX("2xx", false),
    /** Responses with a 3xx status. */
    STATUS_3XX("3xx", false),
    /** Responses with a 4xx status. */
    STATUS_4XX("4xx", false),
    /** Responses with a 5xx status. */
    STATUS_5XX("5xx", false),
    /** Connection attempts that failed (refused, connect timeout). */
    CONNECT_ERRORS("connect", true),
    /**
     * Requests lost to a connection reset or closed by the server before their response completed, and HTTP/2
     * streams reset by the server (RST_STREAM) or dropped by its GOAWAY.
     */
    RESET_ERRORS("reset", true),
    /** Requests without a complete response within the timeout (the connection or stream is then closed). */
    TIMEOUT_ERRORS("timeout", true),
    /** Requests whose response could not be parsed (the connection, or the HTTP/2 stream, is then closed). */
    PARSE_ERRORS("parse", true),
    /** Requests still outstanding when the run stopped; not errors, not counted as responses. */
    ABANDONED("abandoned", false),
    /** Bytes received. */
    BYTES_READ("bytes-read", false),
    /** Bytes of requests written. */
    BYTES_WRITTEN("bytes-written", false),
    /** Connections established (active and idle ones, reconnects included). */
    CONNECTIONS_OPENED("connections-opened", false),
    /** Idle connections that failed or were closed by the server. */
    IDLE_LOST("idle-lost", false),
    /** TLS handshakes completed by the active connections, full and resumed. */
    TLS_HANDSHAKES("tls-handshakes", false),
    /** Of those, the ones that resumed a session (abbreviated handshake). */
    TLS_RESUMED("tls-resumed", false),
    /** TLS handshakes that failed or timed out; each is also a connect error. */
    TLS_HANDSHAKE_ERRORS("tls-handshake-errors", false),
    /**
     * Connection failures that cost no request, each counted once: an HTTP/2 GOAWAY with an error code, an HTTP/2
     * server that sends no SETTINGS within the timeout, an I/O error with nothing in flight, a response nobody asked
     * for. The requests a failure costs count as resets, so every request sent is counted exactly once: as a
     * response, a reset, a timeout, a parse error or abandoned.
     */
    CONNECTION_ERRORS("connection", true),
    /**
     * Open loop: requests the schedule intended before the run's end that were never sent, because the generator
     * fell behind (its connections busy, or short of CPU); not errors. Sent plus unsent is rate times the run.
     */
    UNSENT("unsent", false);

    private static final LoadCounter[] VALUES = values();

    private final String label;
    private final boolean error;

    LoadCounter(final String label, final boolean error) {
        this.label = label;
        this.error = error;
    }

    /** Returns the name used in JSON and in the summary. */
    public String label() {
        return label;
    }

    /** Returns true for the transport-level error kinds (non-2xx responses are counted by {@link #errors}). */
    public boolean transportError() {
        return error;
    }

    /** Returns the final responses: all status classes. */
    public static long responses(final long[] c) {
        return c[STATUS_1XX.ordinal()] + c[STATUS_2XX.ordinal()] + c[STATUS_3XX.ordinal()]
            + c[STATUS_4XX.ordinal()] + c[STATUS_5XX.ordinal()];
    }

    /** Returns the non-2xx responses. */
    public static long non2xx(final long[] c) {
        return responses(c) - c[STATUS_2XX.ordinal()];
    }

    /** Returns all errors: transport errors plus non-2xx responses. */
    public static long errors(final long[] c) {
        long e = non2xx(c);
        for (final LoadCounter x : VALUES) {
            if (x.error) {
                e += c[x.ordinal()];
            }
        }
        return e;
    }
}
