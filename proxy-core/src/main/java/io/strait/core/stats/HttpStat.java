package io.strait.core.stats;

/**
 * Immutable. The stats of one HTTP listener, under the scope {@code http.<listener>.} as in Envoy's connection
 * manager. Counters, then gauges, then histograms, each block sorted by name.
 */
public enum HttpStat implements StatDescriptor {

    /** Connections the client closed while a request was still active on them. */
    DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ("downstream_cx_destroy_remote_active_rq", StatKind.COUNTER,
        "Connections closed by the client with a request active"),
    /** HTTP/1.1 connections accepted. */
    DOWNSTREAM_CX_HTTP1_TOTAL("downstream_cx_http1_total", StatKind.COUNTER, "HTTP/1.1 connections"),
    /** HTTP/2 connections accepted. */
    DOWNSTREAM_CX_HTTP2_TOTAL("downstream_cx_http2_total", StatKind.COUNTER, "HTTP/2 connections"),
    /** Connections closed because they were idle for too long (or sent nothing before the first-byte timeout). */
    DOWNSTREAM_CX_IDLE_TIMEOUT("downstream_cx_idle_timeout", StatKind.COUNTER,
        "Connections closed by the idle or first-byte timeout"),
    /** Connections closed because the client broke the protocol. */
    DOWNSTREAM_CX_PROTOCOL_ERROR("downstream_cx_protocol_error", StatKind.COUNTER,
        "Connections closed on a protocol error"),
    /** Bytes received from clients. */
    DOWNSTREAM_CX_RX_BYTES_TOTAL("downstream_cx_rx_bytes_total", StatKind.COUNTER, "Bytes received"),
    /** Connections accepted. */
    DOWNSTREAM_CX_TOTAL("downstream_cx_total", StatKind.COUNTER, "Connections accepted"),
    /** Bytes sent to clients. */
    DOWNSTREAM_CX_TX_BYTES_TOTAL("downstream_cx_tx_bytes_total", StatKind.COUNTER, "Bytes sent"),
    /** Responses with a 1xx status. */
    DOWNSTREAM_RQ_1XX("downstream_rq_1xx", StatKind.COUNTER, "Responses with a 1xx status"),
    /** Responses with a 2xx status. */
    DOWNSTREAM_RQ_2XX("downstream_rq_2xx", StatKind.COUNTER, "Responses with a 2xx status"),
    /** Responses with a 3xx status. */
    DOWNSTREAM_RQ_3XX("downstream_rq_3xx", StatKind.COUNTER, "Responses with a 3xx status"),
    /** Responses with a 4xx status. */
    DOWNSTREAM_RQ_4XX("downstream_rq_4xx", StatKind.COUNTER, "Responses with a 4xx status"),
    /** Responses with a 5xx status. */
    DOWNSTREAM_RQ_5XX("downstream_rq_5xx", StatKind.COUNTER, "Responses with a 5xx status"),
    /** Requests whose headers did not arrive within the header timeout. */
    DOWNSTREAM_RQ_HEADER_TIMEOUT("downstream_rq_header_timeout", StatKind.COUNTER,
        "Requests closed by the request headers timeout"),
    /** Requests refused (431) because their head exceeded the header size limits. */
    DOWNSTREAM_RQ_HEADERS_TOO_LARGE("downstream_rq_headers_too_large", StatKind.COUNTER,
        "Requests refused for headers over the size limit"),
    /** Requests ended because neither side sent anything for the stream idle timeout. */
    DOWNSTREAM_RQ_IDLE_TIMEOUT("downstream_rq_idle_timeout", StatKind.COUNTER,
        "Requests ended by the stream idle timeout"),
    /** Requests reset by the client before the response completed. */
    DOWNSTREAM_RQ_RX_RESET("downstream_rq_rx_reset", StatKind.COUNTER, "Requests reset by the client"),
    /** Requests answered 504 because the route's timeout expired. */
    DOWNSTREAM_RQ_TIMEOUT("downstream_rq_timeout", StatKind.COUNTER, "Requests ended by the route timeout"),
    /** Requests refused (413) because their body exceeded the limit. */
    DOWNSTREAM_RQ_TOO_LARGE("downstream_rq_too_large", StatKind.COUNTER,
        "Requests refused for a body over the size limit"),
    /** Requests received. */
    DOWNSTREAM_RQ_TOTAL("downstream_rq_total", StatKind.COUNTER, "Requests received"),
    /** Requests the proxy reset towards the client. */
    DOWNSTREAM_RQ_TX_RESET("downstream_rq_tx_reset", StatKind.COUNTER, "Requests reset by the proxy"),
    /** Requests answered 404 because no route matched. */
    NO_ROUTE("no_route", StatKind.COUNTER, "Requests that matched no route"),
    RBAC_ALLOWED("rbac.allowed", StatKind.COUNTER, "Requests an rbac policy let through"),
    RBAC_DENIED("rbac.denied", StatKind.COUNTER, "Requests an rbac policy refused (403 rbac_denied)"),
    /** Requests answered 429 because their route's (or virtual host's) local rate limit had no token left. */
    RATELIMIT_OVER_LIMIT("ratelimit.over_limit", StatKind.COUNTER, "Requests refused by the local rate limit"),

    /** Connections open now. */
    DOWNSTREAM_CX_ACTIVE("downstream_cx_active", StatKind.GAUGE, "Connections open"),
    /** Requests in progress now. */
    DOWNSTREAM_RQ_ACTIVE("downstream_rq_active", StatKind.GAUGE, "Requests in progress"),

    /** Time from the first byte of a request to the last byte of its response (recorded in microseconds). */
    DOWNSTREAM_RQ_TIME("downstream_rq_time", StatKind.HISTOGRAM, "Request time, first byte in to last byte out");

    private final String statName;
    private final StatKind kind;
    private final String help;

    HttpStat(final String statName, final StatKind kind, final String help) {
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
