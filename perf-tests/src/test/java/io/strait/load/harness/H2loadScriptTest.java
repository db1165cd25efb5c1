package io.strait.load.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lib/h2load.sh, what compare.sh reads from h2load in HTTP/2 scenarios, on h2load 1.52's real output recorded in
 * src/test/resources/h2load (a healthy h2c run, an HTTP/1.1-only server and a closed port behind h2c, half the
 * responses 503, h2 over TLS refused or fallen back to HTTP/1.1, a run killed before its summary). Needs bash and awk
 * only, no h2load.
 */
class H2loadScriptTest {

    private static final Path OUTPUTS = Bash.DIR.resolve("src/test/resources/h2load");

    private static String call(final String function, final String... args) throws Exception {
        final Bash.Result r = Bash.run("source lib/h2load.sh && " + function + " \"$@\"", args);
        assertThat(r.err()).isEmpty();
        return r.out().strip();
    }

    private static String output(final String name) {
        return OUTPUTS.resolve(name).toString();
    }

    @Test
    void summaryReadsRateResponsesErrorsMeanAndProtocol() throws Exception {
        // rps done succeeded errors mean_ms protocol
        assertThat(call("h2load_summary", output("h2c-ok.txt"))).isEqualTo("27698.00 27698 27698 0 0.706 h2c");
        // 7145 "failed" are the 503s (h2load's status line says 7146: it counts one response more than its
        // requests line; the requests line is the one used)
        assertThat(call("h2load_summary", output("h2c-half-503.txt"))).isEqualTo("14204.00 14204 7059 7145 0.541 h2c");
        assertThat(call("h2load_summary", output("tls-http1-fallback.txt")))
            .isEqualTo("12652.00 12652 12652 0 0.624 http/1.1");
        assertThat(call("h2load_summary", output("h2c-refused.txt"))).isEqualTo("0.00 0 0 0 0.000 -");
    }

    @Test
    void aRunWithoutSummaryIsRefused() throws Exception {
        final Bash.Result r = Bash.run("source lib/h2load.sh && h2load_summary \"$1\"", output("h2c-killed.txt"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(call("h2load_problem", output("h2c-killed.txt")))
            .startsWith("h2load did not finish (no summary: ")
            .contains("Main benchmark duration is over");
    }

    @Test
    void problemNamesWhatKeepsARunFromBeingMeasured() throws Exception {
        assertThat(call("h2load_problem", output("h2c-ok.txt"))).isEmpty();
        // Some 503s: measured, and counted as errors by the summary.
        assertThat(call("h2load_problem", output("h2c-half-503.txt"))).isEmpty();
        // A server that does not speak h2c (Strait before HTTP/2): connections open, no response comes back.
        assertThat(call("h2load_problem", output("h2c-http1-server.txt"))).isEqualTo("no request succeeded"
            + " (requests: 0 total, 20 started, 0 done, 0 succeeded, 0 failed, 0 errored, 0 timeout)");
        assertThat(call("h2load_problem", output("h2c-refused.txt")))
            .startsWith("no connection spoke h2c (h2load's application protocol: none; requests: 0 total");
        // Over TLS only an ALPN h2 counts: an HTTP/1.1 fallback is not the scenario.
        assertThat(call("h2load_problem", output("tls-http1-fallback.txt"), "1"))
            .startsWith("no connection spoke h2 (h2load's application protocol: http/1.1;");
        assertThat(call("h2load_problem", output("tls-no-h2-alpn.txt"), "1"))
            .startsWith("no connection spoke h2 (h2load's application protocol: none;");
    }

    @Test
    void percentilesAreNearestRankOfTheLogsThirdColumn(@TempDir final Path dir) throws Exception {
        // 1000 responses taking 1..1000 µs, in shuffled order as h2load writes them (by end of response).
        final Path log = dir.resolve("h2load.log");
        Files.writeString(log, IntStream.rangeClosed(1, 1000).map(i -> (i * 389) % 1000 + 1)
            .mapToObj(us -> "1796549977170459\t200\t" + us).collect(Collectors.joining("\n", "", "\n")));
        assertThat(call("h2load_percentiles", log.toString())).isEqualTo("0.500 0.990 0.999 1000");
        Files.writeString(log, "1796549977170459\t200\t2500\n");
        assertThat(call("h2load_percentiles", log.toString())).isEqualTo("2.500 2.500 2.500 1");
        Files.writeString(log, "");
        assertThat(call("h2load_percentiles", log.toString())).isEqualTo("- - - 0");
    }

    @Test
    void argumentsSpreadTheRateOverTheConnectionsAndOfferOnlyH2OverTls() throws Exception {
        assertThat(call("h2load_args", "64", "10", "5", "http://127.0.0.1:28081/", "0").split("\n"))
            .containsExactly("-t1", "-c", "64", "-m", "10", "-D", "5", "http://127.0.0.1:28081/");
        // h2load's --rps is per connection: 10000/s over 64 connections; a log file for the percentiles.
        assertThat(call("h2load_args", "64", "10", "5", "https://127.0.0.1:28081/", "1", "10000", "/tmp/x.log")
            .split("\n")).containsExactly("-t1", "-c", "64", "-m", "10", "-D", "5", "--npn-list=h2",
                "--rps=156.250", "--log-file=/tmp/x.log", "https://127.0.0.1:28081/");
    }
}
