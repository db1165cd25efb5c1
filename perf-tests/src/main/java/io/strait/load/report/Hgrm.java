package io.strait.load.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Immutable. One latency percentile distribution as HdrHistogram's {@code outputPercentileDistribution} prints it
 * (the {@code .hgrm} text format that wrk2 and strait-load write): rows of value, percentile (0..1), cumulative count
 * and 1/(1-percentile), then {@code #[Mean ...]} and {@code #[Max ...]} footer lines.
 *
 * @param points the rows in file order (percentiles non-decreasing)
 * @param mean   the footer's mean, or NaN if absent
 * @param max    the footer's max, or the last row's value
 * @param count  the footer's total count, or the last row's cumulative count
 */
public record Hgrm(List<Point> points, double mean, double max, long count) {

    /**
     * Immutable. One row.
     *
     * @param value      the latency at this percentile, in the file's unit (milliseconds for strait-load and wrk2)
     * @param percentile 0..1
     * @param totalCount requests at or below {@code value}
     */
    public record Point(double value, double percentile, long totalCount) {
    }

    /** Reads and parses a file. */
    public static Hgrm read(final Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /**
     * Parses {@code .hgrm} text.
     *
     * @param text   the file's contents
     * @param source a name for error messages
     * @throws IllegalArgumentException naming the source and line if no row parses or a row is malformed
     */
    public static Hgrm parse(final String text, final String source) {
        final List<Point> points = new ArrayList<>();
        double mean = Double.NaN;
        double max = Double.NaN;
        long count = -1;
        final String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i].trim();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#[")) {
                final double m = footerValue(line, "Mean");
                if (!Double.isNaN(m)) {
                    mean = m;
                }
                final double x = footerValue(line, "Max");
                if (!Double.isNaN(x)) {
                    max = x;
                }
                final double c = footerValue(line, "Total count");
                if (!Double.isNaN(c)) {
                    count = (long) c;
                }
                continue;
            }
            if (line.startsWith("#") || Character.isLetter(line.charAt(0))) {
                continue;   // the header row ("Value Percentile TotalCount 1/(1-Percentile)") and comments
            }
            final String[] cols = line.split("\\s+");
            if (cols.length < 3) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": expected value, percentile, count: "
                    + line);
            }
            try {
                final double value = Double.parseDouble(cols[0]);
                final double percentile = Double.parseDouble(cols[1]);
                final long total = Long.parseLong(cols[2]);
                if (percentile < 0 || percentile > 1) {
                    throw new IllegalArgumentException(source + ":" + (i + 1) + ": percentile out of 0..1: " + line);
                }
                points.add(new Point(value, percentile, total));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(source + ":" + (i + 1) + ": not a number in: " + line, e);
            }
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException(source + ": no percentile rows (is it an .hgrm file?)");
        }
        final Point last = points.get(points.size() - 1);
        return new Hgrm(List.copyOf(points), mean, Double.isNaN(max) ? last.value() : max,
            count < 0 ? last.totalCount() : count);
    }

    /**
     * The value at {@code percentile} (0..1): the first row at or above it, as HdrHistogram's getValueAtPercentile
     * would answer from the full histogram at the rows' resolution.
     */
    public double valueAt(final double percentile) {
        for (final Point p : points) {
            if (p.percentile() >= percentile) {
                return p.value();
            }
        }
        return points.get(points.size() - 1).value();
    }

    /** Parses {@code name = number} inside a {@code #[...]} footer line; NaN if the name is not there. */
    private static double footerValue(final String line, final String name) {
        final int at = line.indexOf(name);
        if (at < 0) {
            return Double.NaN;
        }
        final int eq = line.indexOf('=', at + name.length());
        if (eq < 0) {
            return Double.NaN;
        }
        int end = eq + 1;
        while (end < line.length() && line.charAt(end) != ',' && line.charAt(end) != ']') {
            end++;
        }
        try {
            return Double.parseDouble(line.substring(eq + 1, end).trim());
        } catch (final NumberFormatException e) {
            return Double.NaN;
        }
    }
}
