package io.strait.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The generator's own JIT time in the measured part: measured by a run, reported, and flagged when too long. */
class GeneratorJitReportTest {

    @Test
    void aRunMeasuresItsJitTimeAndReportsIt(@TempDir final Path dir) throws Exception {
        final java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory
            .getCompilationMXBean();
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final long before = jit.getTotalCompilationTime();
            final LoadResult r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> new LoadRun(
                LoadOptions.builder().set("url", server.url()).set("connections", "2").set("duration", "500ms")
                    .set("timeout", "1s").build()).start().await());
            final long after = jit.getTotalCompilationTime();
            assertThat(r.requests()).isPositive();
            // HotSpot monitors compilation time: known (possibly 0 when nothing was compiled in the measured part),
            // and a part of what this JVM compiled during the whole run (the counter sums the compiler threads, so
            // it is no bound in wall-clock time).
            assertThat(r.jitMillis()).isBetween(0L, after - before);
            final Path json = dir.resolve("r.json");
            final Path kv = dir.resolve("r.kv");
            Report.writeJson(r, json);
            Report.writeKeyValues(r, kv);
            final JsonNode root = new ObjectMapper().readTree(json.toFile());
            assertThat(root.path("generatorJitMillis").isNumber()).isTrue();
            assertThat(root.path("generatorJitMillis").asLong()).isEqualTo(r.jitMillis());
            assertThat(Files.readAllLines(kv)).contains("generator_jit_ms=" + r.jitMillis());
        }
    }

    @Test
    void summaryWarnsWhenTheJitTookMoreThanTwoPercentOfTheMeasuredPart() {
        final long second = TimeUnit.SECONDS.toNanos(1);
        assertThat(Report.jitTooLong(result(second, 100))).isTrue();
        assertThat(Report.jitTooLong(result(second, 21))).isTrue();
        assertThat(Report.jitTooLong(result(second, 20))).isFalse();
        assertThat(Report.jitTooLong(result(second, 0))).isFalse();
        assertThat(Report.jitTooLong(result(second, -1))).isFalse();
        assertThat(summary(result(second, 300))).contains("Generator JIT: 300 ms of compilation in the measured part"
            + " (30% of it)").contains("longer --warmup");
        assertThat(summary(result(second, 5))).doesNotContain("Generator JIT");
        // The former constructor: unknown.
        final LoadResult old = new LoadResult(options(), "epoll", 0, second, new long[LoadCounter.values().length],
            new Histogram(3), new Histogram(3), List.of(), 0, false, -1);
        assertThat(old.jitMillis()).isEqualTo(-1);
    }

    private static LoadOptions options() {
        return LoadOptions.builder().set("url", "http://127.0.0.1:1/").build();
    }

    private static LoadResult result(final long elapsedNanos, final long jitMillis) {
        final long[] counters = new long[LoadCounter.values().length];
        counters[LoadCounter.STATUS_2XX.ordinal()] = 1000;
        return new LoadResult(options(), "epoll", 0, elapsedNanos, counters, new Histogram(3), new Histogram(3),
            List.of(), TimeUnit.MILLISECONDS.toNanos(500), false, -1, jitMillis);
    }

    private static String summary(final LoadResult r) {
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        Report.summary(r, new PrintStream(text, true, StandardCharsets.UTF_8));
        return text.toString(StandardCharsets.UTF_8);
    }
}
