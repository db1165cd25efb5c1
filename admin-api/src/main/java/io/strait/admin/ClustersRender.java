package io.strait.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thread-safe (stateless). Renders {@code /clusters} as Envoy does: text lines {@code cluster::host:port::stat::value}
 * per host (its stats in name order, as Envoy: {@code cx_active}, {@code cx_connect_fail}, {@code cx_total},
 * {@code rq_active}, {@code rq_error}, {@code rq_success}, {@code rq_timeout}, {@code rq_total}; then
 * {@code health_flags}, Strait's {@code health_reason} when unhealthy, then {@code weight}), or JSON
 * {@code cluster_statuses} (Envoy's shape, gauges marked {@code "type":"GAUGE"}, plus {@code health_reason} in each
 * host).
 */
final class ClustersRender {

    private ClustersRender() {
    }

    static String text(final List<ClusterStatus> clusters) {
        final StringBuilder sb = new StringBuilder(1024);
        for (final ClusterStatus c : clusters) {
            for (final HostStatus h : c.hosts()) {
                final String p = c.name() + "::" + hostPort(h.host(), h.port()) + "::";
                sb.append(p).append("cx_active::").append(h.cxActive()).append('\n');
                sb.append(p).append("cx_connect_fail::").append(h.cxConnectFail()).append('\n');
                sb.append(p).append("cx_total::").append(h.cxTotal()).append('\n');
                sb.append(p).append("rq_active::").append(h.rqActive()).append('\n');
                sb.append(p).append("rq_error::").append(h.rqError()).append('\n');
                sb.append(p).append("rq_success::").append(h.rqSuccess()).append('\n');
                sb.append(p).append("rq_timeout::").append(h.rqTimeout()).append('\n');
                sb.append(p).append("rq_total::").append(h.rqTotal()).append('\n');
                sb.append(p).append("health_flags::").append(flags(h)).append('\n');
                if (!h.healthy() && !h.healthReason().isEmpty()) {
                    sb.append(p).append("health_reason::").append(h.healthReason().replace('\n', ' ')).append('\n');
                }
                sb.append(p).append("weight::").append(h.weight()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Envoy's health flags: {@code healthy}, or each failure as {@code /failed_active_hc/failed_outlier_check}. */
    static String flags(final HostStatus h) {
        if (h.healthy()) {
            return "healthy";
        }
        final StringBuilder sb = new StringBuilder();
        if (h.failedActiveHealthCheck()) {
            sb.append("/failed_active_hc");
        }
        if (h.failedOutlierCheck()) {
            sb.append("/failed_outlier_check");
        }
        if (h.pendingDynamicRemoval()) {
            sb.append("/pending_dynamic_removal");
        }
        return sb.toString();
    }

    static Map<String, Object> json(final List<ClusterStatus> clusters) {
        final List<Object> out = new ArrayList<>();
        for (final ClusterStatus c : clusters) {
            final List<Object> hosts = new ArrayList<>();
            for (final HostStatus h : c.hosts()) {
                final Map<String, Object> m = new LinkedHashMap<>();
                m.put("address", socketAddress(h.host(), h.port()));
                m.put("stats", List.of(gauge("rq_active", h.rqActive()), stat("rq_total", h.rqTotal()),
                    stat("rq_error", h.rqError()), stat("rq_success", h.rqSuccess()),
                    stat("rq_timeout", h.rqTimeout()), stat("cx_total", h.cxTotal()),
                    stat("cx_connect_fail", h.cxConnectFail()), gauge("cx_active", h.cxActive())));
                final Map<String, Object> health = new LinkedHashMap<>();
                health.put("healthy", h.healthy());
                health.put("failed_active_health_check", h.failedActiveHealthCheck());
                health.put("failed_outlier_check", h.failedOutlierCheck());
                health.put("pending_dynamic_removal", h.pendingDynamicRemoval());
                m.put("health_status", health);
                m.put("health_reason", h.healthReason());
                m.put("weight", h.weight());
                hosts.add(m);
            }
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("host_statuses", hosts);
            out.add(m);
        }
        return Map.of("cluster_statuses", out);
    }

    private static Map<String, Object> stat(final String name, final long value) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("value", value);
        return m;
    }

    /** A gauge as Envoy writes one: {@code {"type":"GAUGE","name":..,"value":..}} (counters carry no type). */
    private static Map<String, Object> gauge(final String name, final long value) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "GAUGE");
        m.put("name", name);
        m.put("value", value);
        return m;
    }

    /** Envoy's {@code {"socket_address":{"address":..,"port_value":..}}}. */
    static Map<String, Object> socketAddress(final String host, final int port) {
        final Map<String, Object> a = new LinkedHashMap<>();
        a.put("address", host);
        a.put("port_value", port);
        return Map.of("socket_address", a);
    }

    /** {@code host:port}, an IPv6 literal in brackets. */
    static String hostPort(final String host, final int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
