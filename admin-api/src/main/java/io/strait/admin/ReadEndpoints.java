package io.strait.admin;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Confined to the admin thread. The read-only endpoints: stats, Prometheus, clusters, listeners, config dump,
 * certificates, server info, readiness, runtime.
 */
final class ReadEndpoints {

    /** A longer {@code ?filter=} is refused: it is a name pattern, not a program. */
    static final int MAX_FILTER_LENGTH = 1024;

    private final AdminTarget target;
    private final StatsReader stats;
    private final AdminState state;
    private final Clock clock;

    ReadEndpoints(final AdminTarget target, final StatsReader stats, final AdminState state, final Clock clock) {
        this.target = target;
        this.stats = stats;
        this.state = state;
        this.clock = clock;
    }

    AdminResponse stats(final AdminRequest r) {
        final String filterText = r.param("filter");
        Pattern filter = null;
        if (filterText != null && !filterText.isEmpty()) {
            if (filterText.length() > MAX_FILTER_LENGTH) {
                return AdminResponse.text(400, "filter is over " + MAX_FILTER_LENGTH + " characters");
            }
            try {
                filter = Pattern.compile(filterText);
            } catch (final PatternSyntaxException e) {
                return AdminResponse.text(400, "invalid regex in filter: " + e.getMessage());
            }
        }
        final String format = r.param("format");
        if (format != null && !format.equals("json") && !format.equals("text") && !format.equals("prometheus")) {
            return AdminResponse.text(400, "unknown format '" + format + "' (expected text, json or prometheus)");
        }
        final StatsSnapshot s = StatsRender.select(stats.read(), filter, r.has("usedonly"));
        if ("json".equals(format)) {
            return AdminResponse.json(StatsRender.json(s));
        }
        if ("prometheus".equals(format)) {
            return prometheus(s);
        }
        return AdminResponse.text(200, StatsRender.text(s));
    }

    AdminResponse prometheus(final AdminRequest r) {
        return prometheus(stats.read());
    }

    private AdminResponse prometheus(final StatsSnapshot s) {
        final Set<String> clusters = new HashSet<>();
        for (final ClusterStatus c : target.clusters()) {
            clusters.add(c.name());
        }
        final Set<String> listeners = new HashSet<>();
        for (final ListenerInfo l : target.listeners()) {
            listeners.add(l.name());
        }
        final String body = PrometheusRender.render(s, new TagExtractor(clusters, listeners));
        return new AdminResponse(200, PrometheusRender.CONTENT_TYPE, body, Map.of(), null);
    }

    AdminResponse clusters(final AdminRequest r) {
        final List<ClusterStatus> clusters = target.clusters();
        return "json".equals(r.param("format"))
            ? AdminResponse.json(ClustersRender.json(clusters))
            : AdminResponse.text(200, ClustersRender.text(clusters));
    }

    AdminResponse listeners(final AdminRequest r) {
        final List<ListenerInfo> listeners = target.listeners();
        if ("json".equals(r.param("format"))) {
            final List<Object> out = new ArrayList<>();
            for (final ListenerInfo l : listeners) {
                final Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", l.name());
                m.put("local_address", ClustersRender.socketAddress(l.host(), l.port()));
                m.put("protocol", l.protocol());
                m.put("tls", l.tls());
                out.add(m);
            }
            return AdminResponse.json(Map.of("listener_statuses", out));
        }
        final StringBuilder sb = new StringBuilder();
        for (final ListenerInfo l : listeners) {
            sb.append(l.name()).append("::").append(ClustersRender.hostPort(l.host(), l.port())).append("::")
                .append(l.protocol()).append(l.tls() ? "::tls" : "").append('\n');
        }
        return AdminResponse.text(200, sb.toString());
    }

    AdminResponse configDump(final AdminRequest r) {
        return AdminResponse.json(target.configDump());
    }

    AdminResponse certs(final AdminRequest r) {
        final Instant now = clock.instant();
        final List<Object> out = new ArrayList<>();
        for (final CertificateInfo c : target.certificates()) {
            final Map<String, Object> m = new LinkedHashMap<>();
            if (c.cluster() != null) {
                m.put("cluster", c.cluster());
                m.put("kind", c.kind());
            } else {
                m.put("listener", c.listener());
            }
            m.put("path", c.path());
            m.put("subject", c.subject());
            m.put("subject_alt_names", c.subjectAltNames());
            m.put("serial_number", c.serialNumber());
            m.put("expiration_time", c.notAfter().toString());
            m.put("days_until_expiration", Duration.between(now, c.notAfter()).toDays());
            out.add(m);
        }
        return AdminResponse.json(Map.of("certificates", out));
    }

    AdminResponse serverInfo(final AdminRequest r) {
        final ServerInfo info = target.serverInfo();
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", info.version());
        m.put("state", state.effective(target.state()).name());
        m.put("health_check_failed", state.healthCheckFailed());
        m.put("uptime_seconds", info.uptime().toSeconds());
        m.put("jdk", info.jdk());
        m.put("transport", info.transport());
        m.put("event_loops", info.eventLoops());
        return AdminResponse.json(m);
    }

    AdminResponse ready(final AdminRequest r) {
        final ServerState s = state.effective(target.state());
        return s == ServerState.SERVING ? AdminResponse.text(200, "LIVE") : AdminResponse.text(503, s.name());
    }

    AdminResponse runtime(final AdminRequest r) {
        return AdminResponse.json(Map.of("entries", new TreeMap<>(target.runtime())));
    }

    AdminResponse overload(final AdminRequest r) {
        return AdminResponse.json(target.overload());
    }
}
