package io.strait.load.distributed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Confined to the thread that calls {@link #call()}. {@code strait-load coordinate}: starts every agent at one
 * instant, merges their interval histograms and writes the report.
 */
@Command(name = "coordinate", mixinStandardHelpOptions = true,
        description = {"Coordinates a distributed load run over Aeron (UDP): waits for every agent, STARTs them at one "
                + "instant, merges their HdrHistogram intervals per second and in total, writes a JSON report and "
                + "an .hgrm file.",
            "Arguments after -- are the workload arguments sent to every agent.",
            "Exit code 0 when every agent completed, 1 when one failed or timed out."})
public final class CoordinateCommand implements Callable<Integer> {

    @Option(names = "--agent", paramLabel = "HOST:PORT", required = true,
            description = "An agent's control endpoint (repeat for each agent).")
    List<String> agents = new ArrayList<>();

    @Option(names = "--results", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:40100",
            description = "UDP endpoint to bind for results; agents send to it, so it must be an address they reach "
                    + "(default: ${DEFAULT-VALUE}).")
    String results;

    @Option(names = "--lead", paramLabel = "DURATION", defaultValue = "1s",
            description = "Start instant = time of START + lead (default: ${DEFAULT-VALUE}).")
    String lead;

    @Option(names = "--ready-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long to wait for every agent's READY (default: ${DEFAULT-VALUE}).")
    String readyTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "An agent silent this long after the start has failed (default: ${DEFAULT-VALUE}).")
    String idleTimeout;

    @Option(names = "--run-timeout", paramLabel = "DURATION", defaultValue = "1h",
            description = "Longest run after the start instant (default: ${DEFAULT-VALUE}).")
    String runTimeout;

    @Option(names = "--report", paramLabel = "FILE", defaultValue = "strait-load-report.json",
            description = "JSON report to write (default: ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--hgrm", paramLabel = "FILE",
            description = "Merged histogram's percentile distribution (default: the report's name with .hgrm).")
    Path hgrm;

    @Option(names = "--value-unit", paramLabel = "UNIT", defaultValue = "us",
            description = "Unit of the recorded values, for the summary and report (default: ${DEFAULT-VALUE}).")
    String valueUnit;

    @Option(names = "--term-length", paramLabel = "BYTES", defaultValue = "" + EmbeddedAeron.DEFAULT_TERM_LENGTH,
            description = "Aeron term buffer length (power of two >= 65536; default: ${DEFAULT-VALUE}).")
    int termLength;

    @Parameters(paramLabel = "WORKLOAD-ARG", arity = "0..*", description = "Workload arguments for every agent.")
    List<String> args = new ArrayList<>();

    private RunReport lastReport;

    @Override
    public Integer call() throws IOException {
        final Coordinator.Settings settings = new Coordinator.Settings(agents, results, args,
                Durations.parseMillis(lead), Durations.parseMillis(readyTimeout), Durations.parseMillis(idleTimeout),
                Durations.parseMillis(runTimeout));
        final RunReport runReport;
        try (EmbeddedAeron aeron = EmbeddedAeron.launch("coordinator", termLength)) {
            runReport = new Coordinator(settings, aeron, System.out).run();
        }
        lastReport = runReport;
        final Path hgrmFile = hgrm != null ? hgrm : hgrmBeside(report);
        runReport.writeJson(report, valueUnit);
        runReport.writeHgrm(hgrmFile);
        System.out.print(runReport.summary(valueUnit));
        System.out.println("  report: " + report + ", histogram: " + hgrmFile);
        if (!runReport.ok()) {
            System.err.println("strait-load coordinate: run failed"
                    + (runReport.error() != null ? ": " + runReport.error() : " (see the agents above)"));
        }
        return runReport.ok() ? 0 : 1;
    }

    /** The report of the last {@link #call()}, or null. */
    public RunReport lastReport() {
        return lastReport;
    }

    private static Path hgrmBeside(final Path json) {
        final String name = json.getFileName().toString();
        final String base = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
        return json.resolveSibling(base + ".hgrm");
    }
}
