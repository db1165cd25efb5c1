package io.strait.load.distributed;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Confined to the thread that calls {@link #call()}. {@code strait-load agent}: one load agent of a distributed run,
 * driven by a {@code strait-load coordinate} over Aeron UDP.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Runs a load agent: waits for a coordinator's START, runs the workload from the common start "
                + "instant and streams HdrHistogram interval snapshots back over Aeron (UDP).",
            "Arguments after -- are appended to the workload arguments the coordinator sends."})
public final class AgentCommand implements Callable<Integer> {

    @Option(names = "--bind", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:40101",
            description = "UDP control endpoint to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--id", paramLabel = "NAME", description = "Agent name in reports (default: host name/bind).")
    String id;

    @Option(names = "--workload", paramLabel = "NAME", defaultValue = "http",
            description = "Workload to run (default: ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--once", description = "Exit after one run (exit code 1 when it failed or was aborted).")
    boolean once;

    @Option(names = "--ack-timeout", paramLabel = "DURATION", defaultValue = "5s",
            description = "How long to wait for the coordinator's ACK after DONE (default: ${DEFAULT-VALUE}).")
    String ackTimeout;

    @Option(names = "--term-length", paramLabel = "BYTES", defaultValue = "" + EmbeddedAeron.DEFAULT_TERM_LENGTH,
            description = "Aeron term buffer length (power of two >= 65536; a message may be 1/8 of it; "
                    + "default: ${DEFAULT-VALUE}).")
    int termLength;

    @Parameters(paramLabel = "WORKLOAD-ARG", arity = "0..*", description = "Extra workload arguments.")
    List<String> extraArgs = new ArrayList<>();

    @Override
    public Integer call() {
        final Agent.Settings settings = new Agent.Settings(bind, id != null ? id : hostName() + "/" + bind, workload,
                extraArgs, once, Durations.parseMillis(ackTimeout));
        final CountDownLatch closed = new CountDownLatch(1);
        try (EmbeddedAeron aeron = EmbeddedAeron.launch("agent", termLength)) {
            final Agent agent = new Agent(settings, aeron, System.out);
            // On SIGTERM/Ctrl-C: stop the loop and let the driver close (deleting its directory) before the JVM halts.
            final Thread hook = new Thread(() -> {
                agent.stop();
                try {
                    closed.await(5, TimeUnit.SECONDS);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "strait-load-agent-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            final int code = agent.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException shuttingDown) {
                // the hook is running: it waits for the close below
            }
            return code;
        } finally {
            closed.countDown();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (final UnknownHostException e) {
            return "agent";
        }
    }
}
