package io.strait.admin;

import com.google.re2j.Pattern;
import org.HdrHistogram.Histogram;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thread-safe (stateless). Renders {@code /stats} as Envoy does: text ({@code name: value} lines, then histograms as
 * {@code name: P0(interval,cumulative) P25(...) ...}, {@code nan} where there is no sample) or JSON
 * ({@code {"stats":[{"name":..,"value":..}, ..., {"histograms":{"supported_quantiles":[..],
 * "computed_quantiles":[{"name":..,"values":[{"interval":..,"cumulative":..}, ...]}]}}]}}, null where there is no
 * sample). Histogram values are shown in milliseconds (recorded in microseconds).
 */
final class StatsRender {

    /** The quantiles shown, in percent, as Envoy's {@code supported_quantiles}. */
    static final double[] QUANTILES = {0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100};

    private StatsRender() {
    }

    /**
     * The stats of {@code s} that pass the filters.
     *
     * @param filter   a regex a name must contain a match of, or null for all
     * @param usedOnly only counters and gauges that are not 0 and histograms with a sample
     */
    static StatsSnapshot select(final StatsSnapshot s, final Pattern filter, final boolean usedOnly) {
        final List<StatsSnapshot.Scalar> scalars = new ArrayList<>();
        for (final StatsSnapshot.Scalar v : s.scalars()) {
            if ((filter == null || filter.matcher(v.name()).find()) && (!usedOnly || v.value() != 0)) {
                scalars.add(v);
            }
        }
        final List<StatsSnapshot.HistogramStat> histograms = new ArrayList<>();
        for (final StatsSnapshot.HistogramStat h : s.histograms()) {
            if ((filter == null || filter.matcher(h.name()).find())
                && (!usedOnly || h.cumulative().getTotalCount() > 0)) {
                histograms.add(h);
            }
        }
        return new StatsSnapshot(scalars, histograms);
    }

    /** Envoy's text format. */
    static String text(final StatsSnapshot s) {
        final StringBuilder sb = new StringBuilder(4096);
        for (final StatsSnapshot.Scalar v : s.scalars()) {
            sb.append(v.name()).append(": ").append(v.value()).append('\n');
        }
        for (final StatsSnapshot.HistogramStat h : s.histograms()) {
            sb.append(h.name()).append(':');
            for (final double q : QUANTILES) {
                sb.append(" P").append(plain(q)).append('(')
                    .append(textValue(quantileMillis(h.interval(), q))).append(',')
                    .append(textValue(quantileMillis(h.cumulative(), q))).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Envoy's JSON format. */
    static String json(final StatsSnapshot s) {
        final List<Object> stats = new ArrayList<>();
        for (final StatsSnapshot.Scalar v : s.scalars()) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("value", v.value());
            stats.add(m);
        }
        final List<Object> computed = new ArrayList<>();
        for (final StatsSnapshot.HistogramStat h : s.histograms()) {
            final List<Object> values = new ArrayList<>();
            for (final double q : QUANTILES) {
                final Map<String, Object> m = new LinkedHashMap<>();
                m.put("interval", quantileMillis(h.interval(), q));
                m.put("cumulative", quantileMillis(h.cumulative(), q));
                values.add(m);
            }
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", h.name());
            m.put("values", values);
            computed.add(m);
        }
        final List<Object> supported = new ArrayList<>();
        for (final double q : QUANTILES) {
            supported.add(q);
        }
        final Map<String, Object> histograms = new LinkedHashMap<>();
        histograms.put("supported_quantiles", supported);
        histograms.put("computed_quantiles", computed);
        stats.add(Map.of("histograms", histograms));
        return Json.write(Map.of("stats", stats)) + "\n";
    }

    /**
     * The value at quantile {@code q} (percent) in milliseconds, or null without samples: the minimum at 0, the
     * maximum at 100, HdrHistogram's value at that percentile between; each the highest value of its HdrHistogram
     * bucket (so within 1%, the histograms' precision, and never below the true value), as HdrHistogram reports.
     */
    static Double quantileMillis(final Histogram h, final double q) {
        if (h == null || h.getTotalCount() == 0) {
            return null;
        }
        final long micros = q == 0 ? h.getMinValue() : q == 100 ? h.getMaxValue() : h.getValueAtPercentile(q);
        return h.highestEquivalentValue(micros) / 1000.0;
    }

    private static String textValue(final Double millis) {
        return millis == null ? "nan" : plain(millis);
    }

    static String plain(final double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
