package io.strait.core.config.validate;

import io.strait.core.config.ClusterConfig;
import io.strait.core.config.HealthCheckConfig;
import io.strait.core.config.HealthCheckConfig.StatusRange;
import io.strait.core.config.HealthCheckConfig.Type;
import io.strait.core.config.OutlierDetectionConfig;
import io.strait.core.config.SlowStartConfig;
import io.strait.core.config.yaml.Durations;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;
import io.strait.core.config.yaml.YamlNode.ScalarKind;
import io.strait.core.config.yaml.YamlNode.ScalarNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stateless. Binds a cluster's host-health keys ({@code health_check}, {@code outlier_detection}, {@code
 * slow_start}, {@code panic_threshold}) for {@link ClusterValidator}, reporting errors through the cluster's
 * {@link Fields}.
 */
final class HealthValidator {

    private static final Map<String, Type> TYPES = Map.of("http", Type.HTTP, "tcp", Type.TCP);

    private HealthValidator() {
    }

    /** {@code health_check}, or null when absent or invalid (reported). */
    static HealthCheckConfig healthCheck(final Fields cluster, final String clusterName) {
        final Fields f = cluster.object("health_check", "type", "path", "host", "expected_statuses", "interval",
            "interval_jitter", "timeout", "unhealthy_threshold", "healthy_threshold");
        if (f == null) {
            return null;
        }
        boolean ok = true;
        final String path = f.string("path", false);
        final Type type = f.choice("type", "health check type", TYPES, path == null ? Type.TCP : Type.HTTP);
        if (f.has("type") && type == null) {
            ok = false;
        }
        if (path != null && (path.isEmpty() || path.charAt(0) != '/' || !visible(path))) {
            f.errorAtValue("path", "path must start with '/' and hold no spaces or control characters");
            ok = false;
        }
        if (type == Type.HTTP && path == null) {
            f.errorAtValue("type", "an http health check needs a 'path'");
            ok = false;
        }
        if (type == Type.TCP && path != null && f.has("type")) {
            f.errorAtValue("path", "a tcp health check has no path (drop 'path' or use type: http)");
            ok = false;
        }
        final String host = f.string("host", false);
        if (host != null && (host.isEmpty() || !visible(host))) {
            f.errorAtValue("host", "host must be a non-empty header value without spaces or control characters");
            ok = false;
        }
        if (type == Type.TCP && (host != null || f.has("expected_statuses"))) {
            f.errorAtValue(host != null ? "host" : "expected_statuses",
                "'host' and 'expected_statuses' apply to http health checks only");
            ok = false;
        }
        final List<StatusRange> expected = expectedStatuses(f);
        final Duration interval = f.duration("interval", HealthCheckConfig.DEFAULT_INTERVAL, true);
        final Duration jitter = jitter(f, interval);
        final Duration timeout = f.duration("timeout", HealthCheckConfig.DEFAULT_TIMEOUT, true);
        final Long unhealthy = f.integerOr("unhealthy_threshold", (long) HealthCheckConfig.DEFAULT_UNHEALTHY_THRESHOLD,
            1, Integer.MAX_VALUE);
        final Long healthy = f.integerOr("healthy_threshold", (long) HealthCheckConfig.DEFAULT_HEALTHY_THRESHOLD,
            1, Integer.MAX_VALUE);
        if (interval != null && timeout != null && timeout.compareTo(interval) >= 0) {
            f.errorAtValue(f.has("timeout") ? "timeout" : "interval", "timeout (" + Durations.format(timeout)
                + ") must be shorter than interval (" + Durations.format(interval) + ")");
            ok = false;
        }
        if (!ok || expected == null || interval == null || jitter == null || timeout == null || unhealthy == null
            || healthy == null) {
            return null;
        }
        return new HealthCheckConfig(type, type == Type.HTTP ? path : null, type == Type.HTTP
            ? (host == null ? clusterName : host) : null, type == Type.HTTP ? expected : List.of(), interval, jitter,
            timeout, unhealthy.intValue(), healthy.intValue());
    }

    private static boolean visible(final String s) {
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** {@code expected_statuses}: a list of codes (200) and inclusive ranges ("200-399"); null when invalid. */
    private static List<StatusRange> expectedStatuses(final Fields f) {
        if (!f.has("expected_statuses")) {
            return HealthCheckConfig.DEFAULT_EXPECTED;
        }
        final ListNode list = f.list("expected_statuses", false, true);
        if (list == null || list.items().isEmpty()) {
            return null;
        }
        final List<StatusRange> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            final YamlNode item = list.items().get(i);
            final String at = f.childPath("expected_statuses") + "[" + i + "]";
            final StatusRange r = item instanceof ScalarNode s ? statusRange(s) : null;
            if (r == null) {
                if (!Fields.reported(item)) {
                    f.errorAt(at, item, "expected a status (200) or an inclusive range of statuses (\"200-399\"), "
                        + "each in 100..599, the range's first not above its last");
                }
                ok = false;
            } else {
                out.add(r);
            }
        }
        return ok ? List.copyOf(out) : null;
    }

    private static StatusRange statusRange(final ScalarNode s) {
        if (s.kind() != ScalarKind.INT && s.kind() != ScalarKind.STRING) {
            return null;
        }
        final String text = s.text().trim();
        final int dash = text.indexOf('-');
        try {
            final int from = Integer.parseInt((dash < 0 ? text : text.substring(0, dash)).trim());
            final int to = dash < 0 ? from : Integer.parseInt(text.substring(dash + 1).trim());
            if (from < 100 || to > 599 || from > to) {
                return null;
            }
            return new StatusRange(from, to);
        } catch (final NumberFormatException e) {
            return null;
        }
    }

    /** {@code interval_jitter}: a duration or a percentage of the interval ("10%"); default 10%. */
    private static Duration jitter(final Fields f, final Duration interval) {
        final Duration base = interval == null ? HealthCheckConfig.DEFAULT_INTERVAL : interval;
        final ScalarNode s = f.scalar("interval_jitter", false);
        if (s == null) {
            return f.has("interval_jitter") ? null
                : base.multipliedBy(HealthCheckConfig.DEFAULT_JITTER_PERCENT).dividedBy(100);
        }
        final String text = s.text().trim();
        if (s.kind() == ScalarKind.STRING && text.endsWith("%")) {
            try {
                final int percent = Integer.parseInt(text.substring(0, text.length() - 1).trim());
                if (percent >= 0 && percent <= 100) {
                    return base.multipliedBy(percent).dividedBy(100);
                }
            } catch (final NumberFormatException e) {
                // reported below
            }
            f.errorAtValue("interval_jitter", "expected a percentage in 0%..100% or a duration, got '" + text + "'");
            return null;
        }
        return f.duration("interval_jitter", null, false);
    }

    /** {@code outlier_detection}, or null when absent or invalid (reported). */
    static OutlierDetectionConfig outlierDetection(final Fields cluster) {
        final Fields f = cluster.object("outlier_detection", "consecutive_5xx", "consecutive_gateway_failure",
            "interval", "base_ejection_time", "max_ejection_time", "max_ejection_percent");
        if (f == null) {
            return null;
        }
        final long d = OutlierDetectionConfig.DEFAULT_CONSECUTIVE;
        final Long c5xx = f.integerOr("consecutive_5xx", d, 1, Integer.MAX_VALUE);
        final Long cgw = f.integerOr("consecutive_gateway_failure", d, 1, Integer.MAX_VALUE);
        final Duration interval = f.duration("interval", OutlierDetectionConfig.DEFAULT_INTERVAL, true);
        final Duration base = f.duration("base_ejection_time", OutlierDetectionConfig.DEFAULT_BASE_EJECTION_TIME,
            true);
        Duration max = f.duration("max_ejection_time", null, true);
        final Long percent = f.integerOr("max_ejection_percent",
            (long) OutlierDetectionConfig.DEFAULT_MAX_EJECTION_PERCENT, 0, 100);
        if (base != null && max == null && !f.has("max_ejection_time")) {
            // Envoy: max_ejection_time defaults to 300s, or to the base time when that is longer.
            max = base.compareTo(OutlierDetectionConfig.DEFAULT_MAX_EJECTION_TIME) > 0 ? base
                : OutlierDetectionConfig.DEFAULT_MAX_EJECTION_TIME;
        }
        if (base != null && max != null && max.compareTo(base) < 0) {
            f.errorAtValue("max_ejection_time", "max_ejection_time (" + Durations.format(max)
                + ") must not be shorter than base_ejection_time (" + Durations.format(base) + ")");
            return null;
        }
        if (c5xx == null || cgw == null || interval == null || base == null || max == null || percent == null) {
            return null;
        }
        return new OutlierDetectionConfig(c5xx.intValue(), cgw.intValue(), interval, base, max, percent.intValue());
    }

    /** {@code slow_start}, or null when absent or invalid (reported). */
    static SlowStartConfig slowStart(final Fields cluster) {
        final Fields f = cluster.object("slow_start", "window", "aggression", "min_weight_percent");
        if (f == null) {
            return null;
        }
        final Duration window = f.duration("window", null, true);
        if (window == null && !f.has("window")) {
            f.missing("window");
        }
        Double aggression = f.number("aggression", SlowStartConfig.DEFAULT_AGGRESSION, 0, 1_000);
        if (aggression != null && aggression == 0) {
            f.errorAtValue("aggression", "aggression must be greater than 0");
            aggression = null;
        }
        final Double min = f.number("min_weight_percent", SlowStartConfig.DEFAULT_MIN_WEIGHT_PERCENT, 0, 100);
        if (window == null || aggression == null || min == null) {
            return null;
        }
        return new SlowStartConfig(window, aggression, min);
    }

    /** {@code panic_threshold}: a percentage 0..100, default 50; the default when invalid (reported). */
    static int panicThreshold(final Fields cluster) {
        final Long p = cluster.integerOr("panic_threshold", (long) ClusterConfig.DEFAULT_PANIC_THRESHOLD, 0, 100);
        return p == null ? ClusterConfig.DEFAULT_PANIC_THRESHOLD : p.intValue();
    }
}
