package io.strait.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.load.distributed.Agent;
import io.strait.load.distributed.CoordinateCommand;
import io.strait.load.distributed.EmbeddedAeron;
import io.strait.load.distributed.RunReport;
import java.net.DatagramSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The distributed mode with the real generator: two agents running the {@code http} workload (strait-load's
 * {@link LoadRun}) against one test server, started by one coordinator over Aeron on 127.0.0.1. The merged count is
 * the sum of the agents' counts, and it is what the server actually answered. (The agents run in this JVM here;
 * {@code io.strait.load.distributed.DistributedRunTest} runs them as separate processes.)
 */
class DistributedHttpRunTest {

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void twoHttpAgentsLoadOneServerAndTheCoordinatorMergesTheirCounts() throws Exception {
        try (TestServer server = new TestServer(TestServer.Mode.OK)) {
            final List<Thread> agents = new ArrayList<>();
            final List<String> binds = new ArrayList<>();
            final int[] codes = {-1, -1};
            for (int i = 0; i < 2; i++) {
                final String bind = "127.0.0.1:" + freeUdpPort();
                binds.add(bind);
                final int index = i;
                final Thread t = new Thread(() -> {
                    try (EmbeddedAeron aeron = EmbeddedAeron.launch("http-agent-" + index,
                            EmbeddedAeron.DEFAULT_TERM_LENGTH)) {
                        codes[index] = new Agent(new Agent.Settings(bind, "agent-" + index, "http",
                            List.of("--rate", index == 0 ? "200" : "300"), true, 10_000), aeron, System.out).run();
                    }
                }, "agent-" + i);
                t.start();
                agents.add(t);
            }
            final CoordinateCommand coordinate = new CoordinateCommand();
            final int code = new CommandLine(coordinate).execute(
                "--agent", binds.get(0), "--agent", binds.get(1), "--results", "127.0.0.1:" + freeUdpPort(),
                "--ready-timeout", "20s", "--lead", "1s", "--report",
                java.nio.file.Files.createTempDirectory("dist-http").resolve("r.json").toString(),
                "--", "--url", server.url(), "--connections", "4", "--duration", "2s", "--quiet");
            for (final Thread t : agents) {
                t.join(TimeUnit.SECONDS.toMillis(20));
            }
            final RunReport run = coordinate.lastReport();
            assertThat(code).as("coordinator: %s", run.error()).isZero();
            assertThat(codes).containsExactly(0, 0);
            final long a = run.agents().get(0).done().count();
            final long b = run.agents().get(1).done().count();
            // Open loop at 200 and 300 req/s for 2 s: the schedules intend 400 and 600 requests and send none after
            // their end, so no more responses (fewer when a busy machine falls behind; rates are benchmarked).
            assertThat(a).isBetween(1L, 400L);
            assertThat(b).isBetween(1L, 600L);
            assertThat(run.requests()).isEqualTo(a + b);
            assertThat(run.merged().getTotalCount()).isEqualTo(a + b);
            assertThat(run.errors()).isZero();
            // Every merged response was answered by the server (which also saw any abandoned at the end).
            assertThat((long) server.requests()).isGreaterThanOrEqualTo(a + b);
        }
    }
}
