package io.strait.load.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes compare.sh's HTML report: one self-contained page (no script, no stylesheet or font fetched from anywhere)
 * with the run's Markdown results rendered as tables, every candidate's latency percentile curve on one chart
 * ({@link LatencyChart}) and a percentile table per candidate. Not thread-safe; run once per report.
 *
 * <pre>
 * java -cp strait-load.jar io.strait.load.report.HtmlReport --title "1kib-keepalive" --markdown results.md \
 *     --out report.html direct=direct.hgrm strait=strait.hgrm nginx=nginx.hgrm haproxy=haproxy.hgrm
 * </pre>
 */
public final class HtmlReport {

    private static final double[] PERCENTILES = {0.5, 0.9, 0.99, 0.999, 0.9999};

    private final String title;
    private final String markdown;
    private final List<LatencyChart.Series> series;
    private final String unit;

    /**
     * A report.
     *
     * @param title    the page title
     * @param markdown the run's results in Markdown (tables, headings, lines), or empty
     * @param series   the latency curves (at least one)
     * @param unit     the curves' unit ("ms")
     */
    public HtmlReport(final String title, final String markdown, final List<LatencyChart.Series> series,
                      final String unit) {
        this.title = title;
        this.markdown = markdown;
        this.series = List.copyOf(series);
        this.unit = unit;
    }

    /** The whole page. */
    public String render() {
        final StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
            .append(Html.escape(title)).append("</title>\n<style>\n")
            .append("body{font-family:sans-serif;margin:2em;max-width:1100px;color:#222}\n")
            .append("table{border-collapse:collapse;margin:1em 0}\n")
            .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
            .append("td:first-child,th:first-child{text-align:left}\n")
            .append("th{background:#f3f3f3}\ncode{background:#f6f6f6;padding:0 3px}\n")
            .append("</style></head><body>\n<h1>").append(Html.escape(title)).append("</h1>\n<p>Generated ")
            .append(Html.escape(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
            .append(" by strait-load's HtmlReport.</p>\n");
        html.append("<h2>Latency by percentile</h2>\n<p>Logarithmic x-axis in 1/(1&minus;percentile); "
            + "the deeper the tail, the further right. Values as recorded by the load generator ")
            .append("(from each request's intended send time when run at a fixed rate).</p>\n");
        html.append(new LatencyChart(series, unit).toSvg());
        html.append("<table>\n<tr><th>candidate</th>");
        for (final double p : PERCENTILES) {
            html.append("<th>p").append(percentileName(p)).append(" (").append(Html.escape(unit)).append(")</th>");
        }
        html.append("<th>max (").append(Html.escape(unit)).append(")</th><th>count</th></tr>\n");
        for (final LatencyChart.Series s : series) {
            html.append("<tr><td>").append(Html.escape(s.name())).append("</td>");
            for (final double p : PERCENTILES) {
                html.append("<td>").append(format(s.hgrm().valueAt(p))).append("</td>");
            }
            html.append("<td>").append(format(s.hgrm().max())).append("</td><td>").append(s.hgrm().count())
                .append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (!markdown.isBlank()) {
            html.append("<h2>Results</h2>\n").append(Html.markdown(markdown));
        }
        html.append("</body></html>\n");
        return html.toString();
    }

    static String percentileName(final double p) {
        final String s = String.format(Locale.ROOT, "%.4f", p * 100).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    private static String format(final double v) {
        return String.format(Locale.ROOT, v < 10 ? "%.3f" : "%.1f", v);
    }

    /**
     * Command line: {@code [--title T] [--markdown FILE] [--unit ms] --out FILE name=file.hgrm ...}. Exits 2 with a
     * message on bad arguments or unreadable files.
     */
    public static void main(final String[] args) {
        System.exit(run(args, System.err));
    }

    static int run(final String[] args, final PrintStream err) {
        String title = "strait-load report";
        Path markdownFile = null;
        Path out = null;
        String unit = "ms";
        final List<String> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            final boolean hasValue = i + 1 < args.length;
            switch (a) {
                case "--title", "--markdown", "--out", "--unit" -> {
                    if (!hasValue) {
                        err.println("HtmlReport: " + a + " needs a value");
                        return 2;
                    }
                    final String v = args[++i];
                    switch (a) {
                        case "--title" -> title = v;
                        case "--markdown" -> markdownFile = Path.of(v);
                        case "--out" -> out = Path.of(v);
                        default -> unit = v;
                    }
                }
                default -> {
                    if (a.startsWith("--") || a.indexOf('=') <= 0) {
                        err.println("HtmlReport: unknown argument '" + a + "' (expected an option or name=file.hgrm)");
                        return 2;
                    }
                    inputs.add(a);
                }
            }
        }
        if (out == null || inputs.isEmpty()) {
            err.println("usage: HtmlReport [--title T] [--markdown FILE] [--unit ms] --out FILE name=file.hgrm ...");
            return 2;
        }
        try {
            final List<LatencyChart.Series> series = new ArrayList<>();
            for (final String in : inputs) {
                final int eq = in.indexOf('=');
                series.add(new LatencyChart.Series(in.substring(0, eq), Hgrm.read(Path.of(in.substring(eq + 1)))));
            }
            final String md = markdownFile == null ? "" : Files.readString(markdownFile, StandardCharsets.UTF_8);
            Files.writeString(out, new HtmlReport(title, md, series, unit).render(), StandardCharsets.UTF_8);
            return 0;
        } catch (final IOException | IllegalArgumentException e) {
            err.println("HtmlReport: " + e.getMessage());
            return 2;
        }
    }
}
