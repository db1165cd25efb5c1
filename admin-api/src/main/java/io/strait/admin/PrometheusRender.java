package io.strait.admin;

import io.strait.core.stats.AccessLogStat;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.StatDescriptor;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Thread-safe (stateless after construction). Renders stats in Prometheus' text exposition format 0.0.4, as Envoy's
 * {@code /stats/prometheus} does: names and labels from {@link TagExtractor}; every family once, with {@code # HELP}
 * and {@code # TYPE}, its samples together; counters as {@code counter}, gauges as {@code gauge}; histograms as
 * {@code histogram} with cumulative {@code _bucket{le=...}} counts at Envoy's default bounds, {@code _sum} and
 * {@code _count}, in milliseconds as Envoy. Counters keep Envoy's names (no added {@code _total}), so {@code promtool
 * check metrics} lints some of them while parsing all.
 */
final class PrometheusRender {

    /** Content type of the exposition format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Envoy's default histogram bucket bounds, in milliseconds. */
    static final double[] BUCKETS_MS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000,
        300000, 600000, 1800000, 3600000};

    private static final Map<String, String> HELP = helpTexts();

    private PrometheusRender() {
    }

    /** One metric family: its type, help line and sample lines. */
    private static final class Family {
        final String type;
        final String help;
        final StringBuilder samples = new StringBuilder(128);

        Family(final String type, final String help) {
            this.type = type;
            this.help = help;
        }
    }

    /** The exposition of {@code s}, labels taken out by {@code tags}. */
    static String render(final StatsSnapshot s, final TagExtractor tags) {
        final Map<String, Family> families = new TreeMap<>();
        for (final StatsSnapshot.Scalar v : s.scalars()) {
            final TagExtractor.Extracted e = tags.extract(v.name());
            final Family f = family(families, e.metric(), v.counter() ? "counter" : "gauge");
            if (f != null) {
                sample(f.samples, e.metric(), e.labels(), null, null).append(v.value()).append('\n');
            }
        }
        for (final StatsSnapshot.HistogramStat h : s.histograms()) {
            final TagExtractor.Extracted e = tags.extract(h.name());
            final Family f = family(families, e.metric(), "histogram");
            if (f != null) {
                histogram(f.samples, e, h.cumulative());
            }
        }
        final StringBuilder out = new StringBuilder(8192);
        for (final Map.Entry<String, Family> e : families.entrySet()) {
            final Family f = e.getValue();
            out.append("# HELP ").append(e.getKey()).append(' ').append(f.help).append('\n');
            out.append("# TYPE ").append(e.getKey()).append(' ').append(f.type).append('\n');
            out.append(f.samples);
        }
        return out.toString();
    }

    /** The family {@code metric} of {@code type}; null if it exists with another type (the stat is left out). */
    private static Family family(final Map<String, Family> families, final String metric, final String type) {
        final Family f = families.computeIfAbsent(metric,
            m -> new Family(type, HELP.getOrDefault(m, "Strait stat " + m)));
        return f.type.equals(type) ? f : null;
    }

    private static void histogram(final StringBuilder out, final TagExtractor.Extracted e, final Histogram h) {
        final String bucket = e.metric() + "_bucket";
        for (final double bound : BUCKETS_MS) {
            final long micros = Math.round(bound * 1000);
            final long count = h.getTotalCount() == 0 ? 0 : h.getCountBetweenValues(0, micros);
            sample(out, bucket, e.labels(), "le", StatsRender.plain(bound)).append(count).append('\n');
        }
        sample(out, bucket, e.labels(), "le", "+Inf").append(h.getTotalCount()).append('\n');
        final double sumMs = h.getTotalCount() == 0 ? 0 : h.getMean() * h.getTotalCount() / 1000.0;
        sample(out, e.metric() + "_sum", e.labels(), null, null).append(StatsRender.plain(sumMs)).append('\n');
        sample(out, e.metric() + "_count", e.labels(), null, null).append(h.getTotalCount()).append('\n');
    }

    /** Writes {@code name{labels,extra="value"} } (braces only when there is a label), ready for the value. */
    private static StringBuilder sample(final StringBuilder out, final String name, final List<String> labels,
                                        final String extra, final String extraValue) {
        out.append(name);
        if (!labels.isEmpty() || extra != null) {
            out.append('{');
            for (int i = 0; i < labels.size(); i += 2) {
                label(out, labels.get(i), labels.get(i + 1)).append(',');
            }
            if (extra != null) {
                label(out, extra, extraValue).append(',');
            }
            out.setLength(out.length() - 1);
            out.append('}');
        }
        return out.append(' ');
    }

    private static StringBuilder label(final StringBuilder out, final String name, final String value) {
        out.append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"');
    }

    /** Metric name to help line, for every stat Strait declares. */
    private static Map<String, String> helpTexts() {
        final Map<String, String> help = new HashMap<>();
        final TagExtractor tags = new TagExtractor(List.of(), List.of());
        addHelp(help, tags, "http.x.", HttpStat.values());
        addHelp(help, tags, "cluster.x.", ClusterStat.values());
        addHelp(help, tags, "listener.x.", ListenerStat.values());
        addHelp(help, tags, "access_log.", AccessLogStat.values());
        return help;
    }

    private static void addHelp(final Map<String, String> help, final TagExtractor tags, final String prefix,
                                final StatDescriptor[] stats) {
        final List<String> seen = new ArrayList<>();
        for (final StatDescriptor d : stats) {
            final TagExtractor.Extracted e = tags.extract(prefix + d.statName());
            final String text = e.labels().contains("strait_response_code_class")
                ? d.help().replaceFirst("with an? \\dxx status", "by status class (label strait_response_code_class)")
                : d.help();
            if (!seen.contains(e.metric())) {
                seen.add(e.metric());
                help.put(e.metric(), text);
            }
        }
    }
}
