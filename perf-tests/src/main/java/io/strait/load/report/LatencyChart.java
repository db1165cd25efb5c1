package io.strait.load.report;

import java.util.List;
import java.util.Locale;

/**
 * Immutable once built. Draws latency-by-percentile curves of several candidates on one chart as inline SVG, the way
 * HdrHistogram's plotter does: the x-axis is logarithmic in 1/(1-percentile), so 90 %, 99 %, 99.9 % ... are evenly
 * spaced and the tail gets as much room as the median; the y-axis is linear latency.
 */
public final class LatencyChart {

    /** Colours for up to eight series; more reuse them. Chosen to stay apart for common colour blindness. */
    private static final String[] COLOURS = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9",
        "#000000", "#f0e442"};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;
    /** The x-axis ends at 99.9999 % unless no series reaches past 99.99 %. */
    private static final int MAX_NINES = 6;

    /**
     * Immutable. One named curve.
     *
     * @param name the candidate's name, shown in the legend
     * @param hgrm its distribution
     */
    public record Series(String name, Hgrm hgrm) {
    }

    private final List<Series> series;
    private final String unit;

    /**
     * A chart.
     *
     * @param series the curves, in legend order (at least one)
     * @param unit   the values' unit, for the y-axis label (e.g. "ms")
     */
    public LatencyChart(final List<Series> series, final String unit) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("a chart needs at least one series");
        }
        this.series = List.copyOf(series);
        this.unit = unit;
    }

    /** The chart as a standalone {@code <svg>} element. */
    public String toSvg() {
        final int nines = nines();
        final double xMax = nines;                 // log10 of 1/(1-p) at the right edge
        double yMax = 0;
        for (final Series s : series) {
            for (final Hgrm.Point p : s.hgrm().points()) {
                if (x(p.percentile(), nines) <= xMax) {
                    yMax = Math.max(yMax, p.value());
                }
            }
        }
        yMax = niceCeiling(yMax);
        final int plotW = WIDTH - LEFT - RIGHT;
        final int plotH = HEIGHT - TOP - BOTTOM;
        final StringBuilder svg = new StringBuilder(16 * 1024);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
            .append(HEIGHT).append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
            .append("\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n");
        svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotW)
            .append("\" height=\"").append(plotH).append("\" fill=\"#fff\" stroke=\"#999\"/>\n");
        // x grid: 0 %, 90 %, 99 %, ...
        for (int k = 0; k <= nines; k++) {
            final double px = LEFT + plotW * (k / xMax);
            svg.append(line(px, TOP, px, TOP + plotH, "#ddd"));
            svg.append(text(px, TOP + plotH + 16, percentileLabel(k), "middle"));
        }
        svg.append(text(LEFT + plotW / 2.0, HEIGHT - 12, "percentile", "middle"));
        // y grid: five steps
        for (int k = 0; k <= 5; k++) {
            final double v = yMax * k / 5;
            final double py = TOP + plotH - plotH * (v / yMax);
            svg.append(line(LEFT, py, LEFT + plotW, py, "#eee"));
            svg.append(text(LEFT - 6, py + 4, format(v), "end"));
        }
        svg.append("<text x=\"16\" y=\"").append(TOP + plotH / 2)
            .append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
            .append(TOP + plotH / 2).append(")\">latency (").append(Html.escape(unit)).append(")</text>\n");
        // curves
        for (int i = 0; i < series.size(); i++) {
            final Series s = series.get(i);
            final String colour = COLOURS[i % COLOURS.length];
            svg.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"2\" points=\"");
            for (final Hgrm.Point p : s.hgrm().points()) {
                final double xv = Math.min(x(p.percentile(), nines), xMax);
                final double px = LEFT + plotW * (xv / xMax);
                final double py = TOP + plotH - plotH * Math.min(1.0, p.value() / yMax);
                svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            svg.append("\"/>\n");
            final double ly = TOP + 14 + 18 * i;
            svg.append(line(WIDTH - RIGHT + 12, ly - 4, WIDTH - RIGHT + 36, ly - 4, colour)
                .replace("stroke-width=\"1\"", "stroke-width=\"3\""));
            svg.append(text(WIDTH - RIGHT + 42, ly, s.name(), "start"));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** How many nines the x-axis shows: enough for the deepest finite row of any series, 2..MAX_NINES. */
    int nines() {
        double deepest = 0;
        for (final Series s : series) {
            for (final Hgrm.Point p : s.hgrm().points()) {
                if (p.percentile() < 1) {
                    deepest = Math.max(deepest, Math.log10(1 / (1 - p.percentile())));
                }
            }
        }
        return (int) Math.max(2, Math.min(MAX_NINES, Math.ceil(deepest - 1e-9)));
    }

    /** log10(1/(1-p)); the 100 % row maps past the right edge (it is clamped there). */
    private static double x(final double percentile, final int nines) {
        return percentile >= 1 ? nines : Math.log10(1 / (1 - percentile));
    }

    static String percentileLabel(final int nines) {
        if (nines == 0) {
            return "0%";
        }
        if (nines == 1) {
            return "90%";
        }
        return "99" + (nines > 2 ? "." + "9".repeat(nines - 2) : "") + "%";
    }

    /** The smallest 1, 2 or 5 × 10^k at or above {@code v} (1 for 0). */
    static double niceCeiling(final double v) {
        if (!(v > 0)) {
            return 1;
        }
        final double exp = Math.pow(10, Math.floor(Math.log10(v)));
        for (final double m : new double[] {1, 2, 5, 10}) {
            if (m * exp >= v * (1 - 1e-12)) {
                return m * exp;
            }
        }
        return 10 * exp;
    }

    private static String format(final double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, v < 1 ? "%.3f" : "%.2f", v);
    }

    private static String line(final double x1, final double y1, final double x2, final double y2,
                               final String colour) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            + "stroke-width=\"1\"/>%n", x1, y1, x2, y2, colour);
    }

    private static String text(final double x, final double y, final String s, final String anchor) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>%n", x, y, anchor,
            Html.escape(s));
    }
}
