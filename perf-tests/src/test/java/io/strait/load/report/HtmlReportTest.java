package io.strait.load.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HtmlReportTest {

    /** A histogram of 1..n microseconds, printed as HdrHistogram does (scaled to milliseconds), as wrk2 writes it. */
    private static String hgrm(final int n) {
        final Histogram h = new Histogram(3);
        for (int i = 1; i <= n; i++) {
            h.recordValue(i);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        h.outputPercentileDistribution(new PrintStream(bytes, true, StandardCharsets.UTF_8), 5, 1000.0);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void parsesHdrHistogramsOwnOutput() {
        final Hgrm h = Hgrm.parse(hgrm(10_000), "t");
        assertThat(h.count()).isEqualTo(10_000);
        assertThat(h.max()).isCloseTo(10.0, within(0.01));          // 10,000 µs = 10 ms
        assertThat(h.mean()).isCloseTo(5.0, within(0.01));
        assertThat(h.valueAt(0.5)).isCloseTo(5.0, within(0.01));
        assertThat(h.valueAt(0.99)).isCloseTo(9.9, within(0.02));
        assertThat(h.points()).isSortedAccordingTo((a, b) -> Double.compare(a.percentile(), b.percentile()));
        assertThat(h.points().get(h.points().size() - 1).percentile()).isEqualTo(1.0);
    }

    @Test
    void rejectsFilesWithoutRowsOrWithBadNumbers() {
        assertThatThrownBy(() -> Hgrm.parse("hello\n", "x.hgrm")).hasMessageContaining("x.hgrm: no percentile rows");
        assertThatThrownBy(() -> Hgrm.parse("  1.0 0.5 abc 2.0\n", "y.hgrm")).hasMessageContaining("y.hgrm:1");
        assertThatThrownBy(() -> Hgrm.parse("  1.0 1.5 10 2.0\n", "z.hgrm")).hasMessageContaining("out of 0..1");
    }

    @Test
    void chartPlacesEachNineAtEvenSpacingAndScalesToTheSlowestCandidate() {
        final LatencyChart chart = new LatencyChart(List.of(
            new LatencyChart.Series("fast", Hgrm.parse(hgrm(1_000), "fast")),
            new LatencyChart.Series("slow", Hgrm.parse(hgrm(90_000), "slow"))), "ms");
        final String svg = chart.toSvg();
        assertThat(svg).startsWith("<svg").contains("fast").contains("slow");
        assertThat(Pattern.compile("<polyline").matcher(svg).results().count()).isEqualTo(2);
        // 90,000 values give rows past 99.99 %: the axis shows 0 %, 90 % ... 99.99 % at least.
        assertThat(chart.nines()).isBetween(4, 6);
        assertThat(svg).contains(">90%<").contains(">99%<").contains(">99.9%<").contains(">99.99%<");
        // The y-axis top is the nice ceiling of the slowest curve's max (90 ms): 100, so its label is there.
        assertThat(svg).contains(">100<");
        // Every point of every curve lies inside the plot area.
        final Matcher m = Pattern.compile("(\\d+\\.\\d),(\\d+\\.\\d) ").matcher(svg);
        int points = 0;
        while (m.find()) {
            points++;
            assertThat(Double.parseDouble(m.group(1))).isBetween(70.0, 730.0);
            assertThat(Double.parseDouble(m.group(2))).isBetween(20.0, 430.0);
        }
        assertThat(points).isGreaterThan(20);
    }

    @Test
    void niceCeilingAndLabels() {
        assertThat(LatencyChart.niceCeiling(0.7)).isEqualTo(1.0);
        assertThat(LatencyChart.niceCeiling(1.2)).isEqualTo(2.0);
        assertThat(LatencyChart.niceCeiling(3)).isEqualTo(5.0);
        assertThat(LatencyChart.niceCeiling(50)).isEqualTo(50.0);
        assertThat(LatencyChart.niceCeiling(0)).isEqualTo(1.0);
        assertThat(LatencyChart.percentileLabel(0)).isEqualTo("0%");
        assertThat(LatencyChart.percentileLabel(3)).isEqualTo("99.9%");
        assertThat(HtmlReport.percentileName(0.999)).isEqualTo("99.9");
        assertThat(HtmlReport.percentileName(0.5)).isEqualTo("50");
    }

    @Test
    void writesOneSelfContainedPage(@TempDir final Path dir) throws Exception {
        Files.writeString(dir.resolve("a.hgrm"), hgrm(2_000));
        Files.writeString(dir.resolve("b.hgrm"), hgrm(4_000));
        Files.writeString(dir.resolve("r.md"),
            "# Run <1>\n\n| candidate | req/s |\n|---|---:|\n| strait | **105** |\n");
        final Path out = dir.resolve("report.html");
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int rc = HtmlReport.run(new String[] {"--title", "1kib & co",
            "--markdown", dir.resolve("r.md").toString(),
            "--out", out.toString(), "strait=" + dir.resolve("a.hgrm"), "nginx=" + dir.resolve("b.hgrm")},
            new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(rc).as(err.toString(StandardCharsets.UTF_8)).isZero();
        final String html = Files.readString(out);
        assertThat(html).contains("<title>1kib &amp; co</title>").contains("<svg").contains("<td>strait</td>")
            .contains("<td>nginx</td>").contains("<td><b>105</b></td>").contains("Run &lt;1&gt;");
        // Self-contained: nothing is fetched (the only URL is the SVG namespace, which is a name, not a fetch).
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "")).doesNotContain("<script")
            .doesNotContain("http://").doesNotContain("https://").doesNotContain("<link").doesNotContain(" src=")
            .doesNotContain("|---");
        // The percentile table: strait's p50 of 1..2000 µs is 1 ms.
        assertThat(html).contains("<tr><td>strait</td><td>1.000</td>");
    }

    @Test
    void badArgumentsExitTwoWithAReason(@TempDir final Path dir) {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream ps = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(HtmlReport.run(new String[] {"--out", dir.resolve("o.html").toString()}, ps)).isEqualTo(2);
        assertThat(HtmlReport.run(new String[] {"--out", dir.resolve("o.html").toString(), "x=" + dir.resolve("none")},
            ps)).isEqualTo(2);
        assertThat(HtmlReport.run(new String[] {"--bogus"}, ps)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage").contains("none").contains("--bogus");
    }
}
