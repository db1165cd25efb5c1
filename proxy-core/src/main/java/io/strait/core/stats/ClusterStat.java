package io.strait.core.stats;

/**
 * Immutable. The stats of one upstream cluster, under the scope {@code cluster.<name>.} as in Envoy's {@code
 * ALL_CLUSTER_TRAFFIC_STATS}. Counters, then gauges, then histograms, each block sorted by name.
 */
public enum ClusterStat implements StatDescriptor {

    /** Active health checks started. */
    HEALTH_CHECK_ATTEMPT("health_check.attempt", StatKind.COUNTER, "Health checks started"),
    /** Active health checks that failed (connect failure, timeout, unexpected status). */
    HEALTH_CHECK_FAILURE("health_check.failure", StatKind.COUNTER, "Health checks failed"),
    /** Active health checks that passed. */
    HEALTH_CHECK_SUCCESS("health_check.success", StatKind.COUNTER, "Health checks passed"),
    /** HTTP/2 streams the upstream reset (RST_STREAM) before their response was complete. */
    HTTP2_RX_RESET("http2.rx_reset", StatKind.COUNTER, "HTTP/2 streams reset by the upstream"),
    /** HTTP/2 streams the upstream refused unprocessed (REFUSED_STREAM, or above a GOAWAY's last stream id). */
    HTTP2_STREAM_REFUSED_ERRORS("http2.stream_refused_errors", StatKind.COUNTER,
        "HTTP/2 streams refused by the upstream unprocessed"),
    /** HTTP/2 streams the proxy reset (RST_STREAM): a try given up, a response the exchange no longer wants. */
    HTTP2_TX_RESET("http2.tx_reset", StatKind.COUNTER, "HTTP/2 streams reset by the proxy"),
    /** Requests load balanced in panic: too few healthy hosts, so all hosts were eligible. */
    LB_HEALTHY_PANIC("lb_healthy_panic", StatKind.COUNTER, "Requests load balanced in panic mode"),
    /** Host set changes made by service discovery (strict_dns: an address came or went). */
    MEMBERSHIP_CHANGE("membership_change", StatKind.COUNTER, "Cluster membership changes"),
    /** Hosts ejected for consecutive 5xx responses. */
    OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_5XX("outlier_detection.ejections_consecutive_5xx", StatKind.COUNTER,
        "Ejections for consecutive 5xx responses"),
    /** Hosts ejected for consecutive gateway failures. */
    OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_GATEWAY_FAILURE("outlier_detection.ejections_consecutive_gateway_failure",
        StatKind.COUNTER, "Ejections for consecutive gateway failures"),
    /** Hosts ejected, for any reason. */
    OUTLIER_DETECTION_EJECTIONS_TOTAL("outlier_detection.ejections_total", StatKind.COUNTER, "Ejections"),
    /** TLS handshakes with the cluster's hosts that failed for another reason than verification (timeout too). */
    SSL_CONNECTION_ERROR("ssl.connection_error", StatKind.COUNTER, "Upstream TLS handshakes failed"),
    /** Upstream certificates whose chain did not verify against the cluster's CA bundle (or had expired). */
    SSL_FAIL_VERIFY_CERT_CHAIN("ssl.fail_verify_cert_chain", StatKind.COUNTER,
        "Upstream certificates refused for their chain"),
    /** Upstream certificates whose SANs matched none the cluster accepts. */
    SSL_FAIL_VERIFY_SAN("ssl.fail_verify_san", StatKind.COUNTER, "Upstream certificates refused for their SANs"),
    /** TLS handshakes with the cluster's hosts that succeeded. */
    SSL_HANDSHAKE("ssl.handshake", StatKind.COUNTER, "Upstream TLS handshakes"),
    /** Upstream TLS handshakes that resumed an earlier session (no full handshake). */
    SSL_SESSION_REUSED("ssl.session_reused", StatKind.COUNTER, "Upstream TLS sessions resumed"),
    /** Service discovery refreshes started (strict_dns: one per cluster per dns_refresh_rate). */
    UPDATE_ATTEMPT("update_attempt", StatKind.COUNTER, "Cluster membership update attempts"),
    /** Refreshes in which some endpoint name did not resolve (its last answer, if any, is kept). */
    UPDATE_FAILURE("update_failure", StatKind.COUNTER, "Cluster membership update failures"),
    /** Refreshes that resolved every name, to the host set already in place. */
    UPDATE_NO_REBUILD("update_no_rebuild", StatKind.COUNTER, "Cluster membership updates with no change"),
    /** Refreshes in which every endpoint name resolved. */
    UPDATE_SUCCESS("update_success", StatKind.COUNTER, "Cluster membership update successes"),
    /** Connections the upstream asked to close (HTTP/2 GOAWAY): they take no new request and close when drained. */
    UPSTREAM_CX_CLOSE_NOTIFY("upstream_cx_close_notify", StatKind.COUNTER,
        "Connections closed by an upstream GOAWAY"),
    /** Connection attempts that failed. */
    UPSTREAM_CX_CONNECT_FAIL("upstream_cx_connect_fail", StatKind.COUNTER, "Connection failures"),
    /** Connection attempts that timed out. */
    UPSTREAM_CX_CONNECT_TIMEOUT("upstream_cx_connect_timeout", StatKind.COUNTER, "Connection timeouts"),
    /** Connections the proxy closed on an error of its own (out of direct memory, say) with a request active. */
    UPSTREAM_CX_DESTROY_LOCAL_WITH_ACTIVE_RQ("upstream_cx_destroy_local_with_active_rq", StatKind.COUNTER,
        "Connections closed by the proxy on a local error with a request active"),
    /** Connections the upstream closed while a request was active on them. */
    UPSTREAM_CX_DESTROY_REMOTE_WITH_ACTIVE_RQ("upstream_cx_destroy_remote_with_active_rq", StatKind.COUNTER,
        "Connections closed by the upstream with a request active"),
    /** HTTP/2 connections opened. */
    UPSTREAM_CX_HTTP2_TOTAL("upstream_cx_http2_total", StatKind.COUNTER, "HTTP/2 connections opened"),
    /** Pooled connections closed for being idle too long. */
    UPSTREAM_CX_IDLE_TIMEOUT("upstream_cx_idle_timeout", StatKind.COUNTER, "Connections closed by the idle timeout"),
    /** Connections closed for reaching the pool's max_requests_per_connection. */
    UPSTREAM_CX_MAX_REQUESTS("upstream_cx_max_requests", StatKind.COUNTER,
        "Connections closed at max_requests_per_connection"),
    /** Requests that found no healthy host to connect to. */
    UPSTREAM_CX_NONE_HEALTHY("upstream_cx_none_healthy", StatKind.COUNTER,
        "Connections not attempted for want of a healthy host"),
    /** Connections refused by the max_connections circuit breaker. */
    UPSTREAM_CX_OVERFLOW("upstream_cx_overflow", StatKind.COUNTER,
        "Connections refused by the connection circuit breaker"),
    /** Requests sent on a kept-alive pooled connection instead of a new one. */
    UPSTREAM_CX_POOL_REUSE("upstream_cx_pool_reuse", StatKind.COUNTER, "Requests that reused a pooled connection"),
    /** Connections closed because the upstream broke the protocol. */
    UPSTREAM_CX_PROTOCOL_ERROR("upstream_cx_protocol_error", StatKind.COUNTER,
        "Connections closed on a protocol error"),
    /** Connections opened. */
    UPSTREAM_CX_TOTAL("upstream_cx_total", StatKind.COUNTER, "Connections opened"),
    /** Upstream responses with a 2xx status. */
    UPSTREAM_RQ_2XX("upstream_rq_2xx", StatKind.COUNTER, "Upstream responses with a 2xx status"),
    /** Upstream responses with a 3xx status. */
    UPSTREAM_RQ_3XX("upstream_rq_3xx", StatKind.COUNTER, "Upstream responses with a 3xx status"),
    /** Upstream responses with a 4xx status. */
    UPSTREAM_RQ_4XX("upstream_rq_4xx", StatKind.COUNTER, "Upstream responses with a 4xx status"),
    /** Upstream responses with a 5xx status. */
    UPSTREAM_RQ_5XX("upstream_rq_5xx", StatKind.COUNTER, "Upstream responses with a 5xx status"),
    /** Requests refused by the max_pending_requests circuit breaker. */
    UPSTREAM_RQ_PENDING_OVERFLOW("upstream_rq_pending_overflow", StatKind.COUNTER,
        "Requests refused by the pending-request circuit breaker"),
    /** Tries that timed out after the route's per_try_timeout. */
    UPSTREAM_RQ_PER_TRY_TIMEOUT("upstream_rq_per_try_timeout", StatKind.COUNTER, "Tries timed out by per_try_timeout"),
    /** Requests retried. */
    UPSTREAM_RQ_RETRY("upstream_rq_retry", StatKind.COUNTER, "Request retries"),
    /** Requests that failed in a retriable way with no retry attempt left. */
    UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED("upstream_rq_retry_limit_exceeded", StatKind.COUNTER,
        "Retriable failures with no retry attempt left"),
    /** Retries refused by the max_retries circuit breaker or the retry budget. */
    UPSTREAM_RQ_RETRY_OVERFLOW("upstream_rq_retry_overflow", StatKind.COUNTER,
        "Retries refused by the retry circuit breaker or budget"),
    /** Requests that got a final response after at least one retry. */
    UPSTREAM_RQ_RETRY_SUCCESS("upstream_rq_retry_success", StatKind.COUNTER, "Request retry successes"),
    /** Requests reset by the upstream. */
    UPSTREAM_RQ_RX_RESET("upstream_rq_rx_reset", StatKind.COUNTER, "Requests reset by the upstream"),
    /** Requests that timed out waiting for the upstream's response. */
    UPSTREAM_RQ_TIMEOUT("upstream_rq_timeout", StatKind.COUNTER, "Requests timed out"),
    /** Requests sent. */
    UPSTREAM_RQ_TOTAL("upstream_rq_total", StatKind.COUNTER, "Requests sent"),
    /** Requests the proxy reset on the upstream (HTTP/2 RST_STREAM). */
    UPSTREAM_RQ_TX_RESET("upstream_rq_tx_reset", StatKind.COUNTER, "Requests reset by the proxy"),

    /** HTTP/2 streams open to the cluster's hosts now. */
    HTTP2_STREAMS_ACTIVE("http2.streams_active", StatKind.GAUGE, "HTTP/2 streams open"),
    /** Hosts healthy now. */
    MEMBERSHIP_HEALTHY("membership_healthy", StatKind.GAUGE, "Healthy hosts"),
    /** Hosts in the cluster now. */
    MEMBERSHIP_TOTAL("membership_total", StatKind.GAUGE, "Hosts"),
    /** Hosts ejected by outlier detection now. */
    OUTLIER_DETECTION_EJECTIONS_ACTIVE("outlier_detection.ejections_active", StatKind.GAUGE, "Hosts ejected now"),
    /** Connections open now. */
    UPSTREAM_CX_ACTIVE("upstream_cx_active", StatKind.GAUGE, "Connections open"),
    /** Requests in progress now. */
    UPSTREAM_RQ_ACTIVE("upstream_rq_active", StatKind.GAUGE, "Requests in progress"),

    /** Time to establish a connection (recorded in microseconds). */
    UPSTREAM_CX_CONNECT_MS("upstream_cx_connect_ms", StatKind.HISTOGRAM, "Connection establishment time"),
    /** Time from sending a request to the last byte of its response (recorded in microseconds). */
    UPSTREAM_RQ_TIME("upstream_rq_time", StatKind.HISTOGRAM, "Upstream request time, first byte out to last in");

    private final String statName;
    private final StatKind kind;
    private final String help;

    ClusterStat(final String statName, final StatKind kind, final String help) {
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
