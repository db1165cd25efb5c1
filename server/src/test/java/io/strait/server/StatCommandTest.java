package io.strait.server;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.StraitConfig;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.StatsFiles;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code strait stat} run in-process ({@link Main#execute}) against a stats file written by a registry here. */
class StatCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsNameValueLinesInNameOrderFilteredByRegex() {
        final Path file = dir.resolve("stats");
        try (StatsRegistry registry = StatsRegistry.open(2, file)) {
            final StatsScope<HttpStat> http = registry.scope("http.main.", HttpStat.class);
            http.loop(0).add(HttpStat.DOWNSTREAM_RQ_TOTAL, 3);
            http.loop(1).add(HttpStat.DOWNSTREAM_RQ_TOTAL, 4);
            http.loop(1).inc(HttpStat.DOWNSTREAM_RQ_5XX);
            http.loop(0).inc(HttpStat.DOWNSTREAM_CX_ACTIVE);
            final String[] out = run("stat", "--file", file.toString(), "--filter", "rq_(total|5xx)$|cx_active");
            assertThat(out[0]).isEqualTo("0");
            assertThat(out[1].lines()).containsExactly("http.main.downstream_cx_active: 1",
                "http.main.downstream_rq_5xx: 1", "http.main.downstream_rq_total: 7");
            assertThat(run("stat", "--file", file.toString())[1].lines())
                .hasSize(HttpStat.values().length - 1)
                .contains("http.main.downstream_rq_2xx: 0");
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        final String[] regex = run("stat", "--file", dir.resolve("x").toString(), "--filter", "(unclosed");
        assertThat(regex[0]).isEqualTo("2");
        assertThat(regex[2]).startsWith("strait stat: --filter: Unclosed group");
        final String[] watch = run("stat", "--file", dir.resolve("x").toString(), "--watch", "often");
        assertThat(watch[0]).isEqualTo("2");
        assertThat(watch[2]).startsWith("strait stat: --watch: ");
        assertThat(run("stat", "--watch", "0s")[0]).isEqualTo("2");
    }

    @Test
    void theLauncherNamesTheDefaultStatsFileByAdminPortElseFirstListenerPortElsePid() {
        final String listener = String.join("\n",
            "listeners:",
            "  - name: main",
            "    address: 127.0.0.1:PORT",
            "    virtual_hosts: [ { domains: [ \"*\" ], routes: [ { match: { prefix: / }, cluster: c } ] } ]",
            "clusters: [ { name: c, endpoints: [ { address: 127.0.0.1:9 } ] } ]",
            "");
        assertThat(defaulted("admin: { address: 127.0.0.1:9901 }\n" + listener.replace("PORT", "8080")))
            .isEqualTo(StatsFiles.defaultFile("9901").toString());
        assertThat(defaulted(listener.replace("PORT", "8080"))).isEqualTo(StatsFiles.defaultFile("8080").toString());
        assertThat(defaulted(listener.replace("PORT", "0")))
            .isEqualTo(StatsFiles.defaultFile("pid" + ProcessHandle.current().pid()).toString());
        assertThat(defaulted("runtime: { stats_file: none }\n" + listener.replace("PORT", "8080"))).isEqualTo("none");
        assertThat(StatsFiles.defaultFile("8080").getFileName().toString()).isEqualTo("stats-8080");
        assertThat(StatsFiles.defaultDirectory().getFileName().toString())
            .isEqualTo("strait-" + System.getProperty("user.name"));
    }

    private static String defaulted(final String yaml) {
        final ConfigResult r = ConfigLoader.parse(yaml, "t.yaml");
        assertThat(r.errors()).isEmpty();
        final StraitConfig c = Launcher.withDefaultStatsFile(r.config());
        return c.runtime().statsFile();
    }

    /** Runs the command line with System.out/err captured: exit code, out, err. */
    private static String[] run(final String... args) {
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final int code;
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            code = Main.execute(args, System.out, System.err);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {String.valueOf(code), outBytes.toString(StandardCharsets.UTF_8),
            errBytes.toString(StandardCharsets.UTF_8)};
    }
}
