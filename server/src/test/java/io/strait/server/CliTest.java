package io.strait.server;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.StraitConfig;
import io.strait.core.server.ProxyServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code strait} command line run in-process ({@link Main#execute}), with System.out and System.err captured. */
class CliTest {

    private static final String GOOD = String.join("\n",
        "runtime: { event_loops: 2, drain_timeout: 5s }",
        "listeners:",
        "  - name: main",
        "    address: 127.0.0.1:0",
        "    virtual_hosts:",
        "      - domains: [ \"*\" ]",
        "        routes: [ { match: { prefix: / }, cluster: api } ]",
        "clusters:",
        "  - { name: api, endpoints: [ { address: 127.0.0.1:9 } ] }",
        "");

    // Three errors: a misspelt key, a duration without a unit, a route to a cluster that does not exist.
    private static final String BAD = String.join("\n",
        "runtime: { event_loops: 2, drain_timout: 5s }",
        "listeners:",
        "  - name: main",
        "    address: 127.0.0.1:0",
        "    timeouts: { idle: 5 }",
        "    virtual_hosts:",
        "      - domains: [ \"*\" ]",
        "        routes:",
        "          - { match: { prefix: / }, cluster: apx }",
        "clusters:",
        "  - { name: api, endpoints: [ { address: 127.0.0.1:9 } ] }",
        "");

    @TempDir
    Path dir;

    @Test
    void versionPrintsTheVersionAndTheJdk() {
        final Run r = run("version");
        assertThat(r.code).isZero();
        assertThat(Version.get()).as("filtered from the pom").matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(r.out).isEqualTo("strait " + Version.get() + " (JDK " + Runtime.version() + ", "
            + System.getProperty("java.vm.name") + ")" + System.lineSeparator());
        assertThat(r.err).isEmpty();
    }

    @Test
    void versionOptionPrintsTheVersion() {
        final Run r = run("--version");
        assertThat(r.code).isZero();
        assertThat(r.out).startsWith("strait " + Version.get() + " (JDK " + Runtime.version() + ")");
    }

    @Test
    void validateAcceptsAGoodConfig() throws IOException {
        final Path good = write("good.yaml", GOOD);
        final Run r = run("validate", "-c", good.toString());
        assertThat(r.code).isZero();
        assertThat(r.out).isEqualTo(good + ": OK (1 listener(s), 1 cluster(s))" + System.lineSeparator());
        assertThat(r.err).isEmpty();
    }

    @Test
    void validatePrintsEveryErrorWithFileLineColumnAndPath() throws IOException {
        final Path bad = write("bad.yaml", BAD);
        final Run r = run("validate", "-c", bad.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.out).isEmpty();
        assertThat(r.err.lines()).containsExactly(
            bad + ":1:28: runtime.drain_timout: unknown field 'drain_timout' (did you mean 'drain_timeout'?)",
            bad + ":5:23: listeners[0].timeouts.idle: duration '5' has no unit (use us, ms, s, m or h, e.g. 5s)",
            bad + ":9:46: listeners[0].virtual_hosts[0].routes[0].cluster: unknown cluster 'apx' (known: api)",
            "3 error(s) in " + bad);
    }

    @Test
    void validateReportsAMissingFile() {
        final Path missing = dir.resolve("missing.yaml");
        final Run r = run("validate", "-c", missing.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err.lines()).containsExactly(
            missing + ": cannot read the configuration: no such file",
            "1 error(s) in " + missing);
    }

    @Test
    void runRefusesAnInvalidConfigWithoutStarting() throws IOException {
        final Path bad = write("bad.yaml", BAD);
        final Run r = run("run", "-c", bad.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err.lines()).hasSize(4).last().isEqualTo("3 error(s) in " + bad);
        assertThat(RunCommand.keepsRunning()).isFalse();
    }

    @Test
    void anUnknownSubcommandIsAUsageError() {
        final Run r = run("frobnicate");
        assertThat(r.code).isEqualTo(Cli.USAGE);
    }

    @Test
    void theBundledDemoConfigIsValid() throws IOException {
        final String yaml;
        try (InputStream in = CliTest.class.getResourceAsStream("/examples/demo.yaml")) {
            assertThat(in).as("/examples/demo.yaml on the class path").isNotNull();
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final ConfigResult result = ConfigLoader.parse(yaml, "demo.yaml");
        assertThat(result.errors()).isEmpty();
        final StraitConfig config = result.config();
        assertThat(config.listeners()).hasSize(1);
        assertThat(config.listeners().get(0).address().toString()).isEqualTo("127.0.0.1:10000");
        final Run r = run("validate", "-c", write("demo.yaml", yaml).toString());
        assertThat(r.code).isZero();
        assertThat(r.out).contains(": OK (1 listener(s), 2 cluster(s))");
    }

    @Test
    void startLineNamesVersionJdkTransportLoopsReusePortAndListeners() throws Exception {
        final ConfigResult result =
            ConfigLoader.parse(GOOD.replace("event_loops: 2", "event_loops: 2, transport: epoll"), "good.yaml");
        assertThat(result.errors()).isEmpty();
        final ProxyServer server = ProxyServer.start(result.config());
        try {
            final String line = Launcher.startLine(server);
            assertThat(line).matches("strait \\Q" + Version.get() + "\\E started in \\d+ ms: JDK \\Q"
                + Runtime.version() + "\\E, transport epoll \\([^)]+\\), 2 event loop\\(s\\), SO_REUSEPORT on, "
                + "listeners: main=127\\.0\\.0\\.1:" + server.boundAddress("main").getPort());
        } finally {
            server.close();
        }
    }

    private Path write(final String name, final String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    /** Runs the command line with System.out/err redirected, and restores them. */
    private static Run run(final String... args) {
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
            System.out.flush();
            System.err.flush();
            System.setOut(out);
            System.setErr(err);
        }
        return new Run(code, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
    }

    /** What one command did. */
    private static final class Run {
        final int code;
        final String out;
        final String err;

        Run(final int code, final String out, final String err) {
            this.code = code;
            this.out = out;
            this.err = err;
        }

        @Override
        public String toString() {
            return "exit " + code + "\nout:\n" + out + "err:\n" + err;
        }
    }
}
