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
    /** Requests received over HTTP/2 (one per stream). */
    DOWNSTREAM_RQ_HTTP2_TOTAL("downstream_rq_http2_total", StatKind.COUNTER, "Requests received over HTTP/2"),
    /** Requests ended because neither side sent anything for the stream idle timeout. */
    DOWNSTREAM_RQ_IDLE_TIMEOUT("downstream_rq_idle_timeout", StatKind.COUNTER,
        "Requests ended by the stream idle timeout"),
    /** Requests answered 503 overloaded by the overload manager's shed_requests (Envoy's name; also in overload.). */
    DOWNSTREAM_RQ_OVERLOAD_CLOSE("downstream_rq_overload_close", StatKind.COUNTER,
        "Requests shed (503 overloaded) by the overload manager"),
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
    /** HTTP/2 connections closed because a header block took more CONTINUATION frames than allowed. */
    HTTP2_CONTINUATION_FLOOD("http2.continuation_flood", StatKind.COUNTER,
        "HTTP/2 connections closed for a CONTINUATION flood"),
    /** GOAWAY frames sent to clients (drain, errors, floods). */
    HTTP2_GOAWAY_SENT("http2.goaway_sent", StatKind.COUNTER, "HTTP/2 GOAWAY frames sent"),
    /** Streams refused because their header list was over max_header_list_size. */
    HTTP2_HEADER_OVERFLOW("http2.header_overflow", StatKind.COUNTER,
        "HTTP/2 streams refused for a header list over the limit"),
    /** Clients whose announced HPACK table size was over hpack_table_size: Strait's encoder kept to the cap. */
    HTTP2_HPACK_TABLE_CAPPED("http2.hpack_table_capped", StatKind.COUNTER,
        "HTTP/2 connections whose encoder table was capped below the client's setting"),
    /** Connections closed for too many consecutive DATA frames without payload. */
    HTTP2_INBOUND_EMPTY_FRAMES_FLOOD("http2.inbound_empty_frames_flood", StatKind.COUNTER,
        "HTTP/2 connections closed for an empty DATA frame flood"),
    /** Connections closed because a keep-alive PING went unanswered for keepalive_timeout. */
    HTTP2_KEEPALIVE_TIMEOUT("http2.keepalive_timeout", StatKind.COUNTER,
        "HTTP/2 connections closed for an unanswered keep-alive PING"),
    /** Connections closed because the client let too many control frames (PING/SETTINGS acks, resets) queue up. */
    HTTP2_OUTBOUND_CONTROL_FLOOD("http2.outbound_control_flood", StatKind.COUNTER,
        "HTTP/2 connections closed for an outbound control frame flood"),
    /** Frames or header blocks that broke the protocol (stream or connection errors caused by the client). */
    HTTP2_RX_MESSAGING_ERROR("http2.rx_messaging_error", StatKind.COUNTER,
        "HTTP/2 protocol errors by the client"),
    /** RST_STREAM frames received. */
    HTTP2_RX_RESET("http2.rx_reset", StatKind.COUNTER, "HTTP/2 RST_STREAM frames received"),
    /** Streams refused (REFUSED_STREAM) over max_concurrent_streams or while draining. */
    HTTP2_STREAM_REFUSED_ERRORS("http2.stream_refused_errors", StatKind.COUNTER,
        "HTTP/2 streams refused over max_concurrent_streams"),
    /** Connections closed (GOAWAY ENHANCE_YOUR_CALM) for sending RST_STREAM faster than allowed (rapid reset). */
    HTTP2_TOO_MANY_RESETS("http2.too_many_resets", StatKind.COUNTER,
        "HTTP/2 connections closed for too many resets (rapid reset)"),
    /** RST_STREAM frames sent. */
    HTTP2_TX_RESET("http2.tx_reset", StatKind.COUNTER, "HTTP/2 RST_STREAM frames sent"),
    /** Requests answered 404 because no route matched. */
    NO_ROUTE("no_route", StatKind.COUNTER, "Requests that matched no route"),
    /** Requests answered 429 because their route's (or virtual host's) local rate limit had no token left. */
    RATELIMIT_OVER_LIMIT("ratelimit.over_limit", StatKind.COUNTER, "Requests refused by the local rate limit"),
    RBAC_ALLOWED("rbac.allowed", StatKind.COUNTER, "Requests an rbac policy let through"),
    RBAC_DENIED("rbac.denied", StatKind.COUNTER, "Requests an rbac policy refused (403 rbac_denied)"),

    /** Connections open now. */
    DOWNSTREAM_CX_ACTIVE("downstream_cx_active", StatKind.GAUGE, "Connections open"),
    /** HTTP/2 connections open now. */
    DOWNSTREAM_CX_HTTP2_ACTIVE("downstream_cx_http2_active", StatKind.GAUGE, "HTTP/2 connections open"),
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
