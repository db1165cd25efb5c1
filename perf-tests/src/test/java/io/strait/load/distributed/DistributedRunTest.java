package io.strait.load.distributed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Coordinator in this JVM, agents as separate JVMs, all on 127.0.0.1. */
class DistributedRunTest {

    private static final int RATE_A = 300;
    private static final int RATE_B = 500;
    private static final int SECONDS = 2;

    @TempDir
    Path dir;

    private final List<Process> agents = new ArrayList<>();

    @AfterEach
    void destroyAgents() throws InterruptedException {
        for (final Process agent : agents) {
            agent.destroyForcibly();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Process startAgent(final String name, final int port, final String... extraArgs) throws IOException {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"),
                AgentMain.class.getName(),
                "--bind", "127.0.0.1:" + port, "--id", name, "--workload", "synthetic", "--once", "--"));
        command.addAll(List.of(extraArgs));
        final Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        agents.add(process);
        return process;
    }

    private String log(final String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"), StandardCharsets.UTF_8);
    }

    @Test
    void mergesTwoAgentProcessesIntoOneReport() throws Exception {
        final int portA = FreePorts.udp();
        final int portB = FreePorts.udp();
        final int resultsPort = FreePorts.udp();
        final Process a = startAgent("agent-a", portA, "--synthetic-rate", "" + RATE_A);
        final Process b = startAgent("agent-b", portB, "--synthetic-rate", "" + RATE_B, "--synthetic-errors", "7");
        final Path report = dir.resolve("report.json");

        final CoordinateCommand coordinate = new CoordinateCommand();
        final int code = new CommandLine(coordinate).execute(
                "--agent", "127.0.0.1:" + portA, "--agent", "127.0.0.1:" + portB,
                "--results", "127.0.0.1:" + resultsPort, "--ready-timeout", "20s", "--lead", "1s",
                "--report", report.toString(),
                "--", "--duration", SECONDS + "s", "--synthetic-rate", "1");

        final RunReport run = coordinate.lastReport();
        assertThat(code).as("coordinator exit code; agent logs:%n%s%n%s", log("agent-a"), log("agent-b")).isZero();
        assertThat(run.ok()).isTrue();
        final long expectedA = (long) RATE_A * SECONDS;
        final long expectedB = (long) RATE_B * SECONDS;
        final RunReport.AgentResult resultA = run.agents().get(0);
        final RunReport.AgentResult resultB = run.agents().get(1);
        assertThat(resultA.id()).isEqualTo("agent-a");
        assertThat(resultB.id()).isEqualTo("agent-b");
        assertThat(resultA.done().count()).isEqualTo(expectedA);
        assertThat(resultB.done().count()).isEqualTo(expectedB);
        assertThat(resultA.histogram().getTotalCount()).isEqualTo(expectedA);
        assertThat(resultB.histogram().getTotalCount()).isEqualTo(expectedB);
        assertThat(resultB.errors()).isEqualTo(7L * SECONDS);

        final long sum = resultA.done().count() + resultB.done().count();
        assertThat(sum).isEqualTo(expectedA + expectedB);
        assertThat(run.requests()).isEqualTo(sum);
        assertThat(run.merged().getTotalCount()).isEqualTo(sum);

        assertThat(run.timeline()).hasSize(SECONDS);
        for (final RunReport.Second second : run.timeline()) {
            assertThat(second.agents()).isEqualTo(2);
            assertThat(second.histogram().getTotalCount()).isEqualTo(RATE_A + RATE_B);
        }
        assertThat(run.timeline().get(0).startEpochMillis()).isEqualTo(run.startAtEpochMillis());

        final String json = Files.readString(report);
        assertThat(json).contains("\"ok\": true")
                .contains("\"merged\": {\"requests\": " + sum + ", \"errors\": " + 7 * SECONDS + ", \"count\": " + sum);
        final File hgrm = dir.resolve("report.hgrm").toFile();
        assertThat(Files.readString(hgrm.toPath())).containsPattern("Total count\\s+=\\s+" + sum + "\\]");

        assertThat(a.waitFor(15, TimeUnit.SECONDS)).as("agent a exited").isTrue();
        assertThat(b.waitFor(15, TimeUnit.SECONDS)).as("agent b exited").isTrue();
        assertThat(a.exitValue()).as(log("agent-a")).isZero();
        assertThat(b.exitValue()).as(log("agent-b")).isZero();
        assertThat(log("agent-a")).contains("done: " + expectedA + " requests");
    }

    @Test
    void namesTheAgentThatIsNotReady() throws Exception {
        final int missingPort = FreePorts.udp();
        final Path report = dir.resolve("failed.json");
        final CoordinateCommand coordinate = new CoordinateCommand();

        final int code = new CommandLine(coordinate).execute(
                "--agent", "127.0.0.1:" + missingPort, "--results", "127.0.0.1:" + FreePorts.udp(),
                "--ready-timeout", "700ms", "--report", report.toString(), "--", "--duration", "1s");

        assertThat(code).isEqualTo(1);
        final RunReport run = coordinate.lastReport();
        assertThat(run.ok()).isFalse();
        assertThat(run.error()).contains("agent #0 at 127.0.0.1:" + missingPort).contains("not READY within 700 ms");
        assertThat(run.agents().get(0).status()).isEqualTo(RunReport.AgentStatus.TIMED_OUT);
        assertThat(Files.readString(report)).contains("\"ok\": false").contains("\"status\": \"TIMED_OUT\"");
    }

    @Test
    void reportsAnAgentWhoseWorkloadFailsAndExitsNonZero() throws Exception {
        final String bind = "127.0.0.1:" + FreePorts.udp();
        final int[] agentCode = {-1};
        final Thread agentThread;
        try (EmbeddedAeron aeron = EmbeddedAeron.launch("test-agent", EmbeddedAeron.DEFAULT_TERM_LENGTH)) {
            final Agent agent = new Agent(new Agent.Settings(bind, "in-process", "synthetic",
                    List.of("--bogus", "1"), true, 5_000), aeron, System.out);
            agentThread = new Thread(() -> agentCode[0] = agent.run(), "test-agent");
            agentThread.start();
            try {
                final CoordinateCommand coordinate = new CoordinateCommand();
                final int code = new CommandLine(coordinate).execute("--agent", bind,
                        "--results", "127.0.0.1:" + FreePorts.udp(), "--lead", "200ms",
                        "--report", dir.resolve("bogus.json").toString(), "--", "--duration", "1s");

                assertThat(code).isEqualTo(1);
                final RunReport.AgentResult result = coordinate.lastReport().agents().get(0);
                assertThat(result.status()).isEqualTo(RunReport.AgentStatus.FAILED);
                assertThat(result.detail()).contains("unknown option --bogus");
                agentThread.join(10_000);
                assertThat(agentThread.isAlive()).isFalse();
                assertThat(agentCode[0]).isEqualTo(1);
            } finally {
                agent.stop();
                agentThread.join(10_000);
            }
        }
    }
}
