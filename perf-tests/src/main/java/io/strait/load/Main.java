package io.strait.load;

import io.strait.load.distributed.AgentCommand;
import io.strait.load.distributed.CoordinateCommand;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Stateless: the {@code strait-load} command line. */
@Command(name = "strait-load", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Strait's HTTP/1.1 and HTTP/2 load generator: closed loop (like wrk, h2load) or constant rate with"
        + " coordinated-omission correction (like wrk2).",
    subcommands = {Main.Run.class, AgentCommand.class, CoordinateCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(final String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line; returns the exit code (0 ok, 1 run failed, 2 usage error). */
    public static int execute(final String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Stateless: the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"strait-load " + (v == null ? "dev" : v)};
        }
    }

    /**
     * Parses {@code run}'s options (scenario first, then the flags, as on the command line) into load options: what
     * a distributed agent's {@code http} workload receives from the coordinator.
     *
     * @throws IllegalArgumentException for an unknown or malformed option, naming it
     */
    public static LoadOptions parseRunOptions(final List<String> args) {
        final Run run = new Run();
        try {
            new CommandLine(run).parseArgs(args.toArray(new String[0]));
        } catch (final CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return run.options();
    }

    /** Not thread-safe (picocli fills it): the {@code run} subcommand. */
    @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs one load test. A scenario file is applied first; flags override it.")
    static final class Run implements Callable<Integer> {
        @Option(names = "--scenario", paramLabel = "FILE", description = "scenario file (key = value lines)")
        private Path scenario;
        @Option(names = {"-u", "--url"}, paramLabel = "URL",
            description = "target, http://127.0.0.1:PORT/path (https:// for TLS)")
        private String url;
        @Option(names = {"-m", "--method"}, description = "request method (default GET)")
        private String method;
        @Option(names = {"-H", "--header"}, paramLabel = "NAME:VALUE", description = "request header (repeatable)")
        private List<String> headers = new ArrayList<>();
        @Option(names = "--body-size", paramLabel = "BYTES", description = "request body size, e.g. 1024, 64k, 1m")
        private String bodySize;
        @Option(names = {"-c", "--connections"}, description = "active connections (default 64)")
        private String connections;
        @Option(names = {"-t", "--threads"}, description = "worker threads, one event loop each (default 1)")
        private String threads;
        @Option(names = {"-R", "--rate"}, paramLabel = "REQ/S",
            description = "open loop: total requests per second (default 0 = closed loop)")
        private String rate;
        @Option(names = {"-d", "--duration"}, description = "measured time, e.g. 10s (default 10s)")
        private String duration;
        @Option(names = {"-w", "--warmup"}, description = "time before measuring, not counted (default 0)")
        private String warmup;
        @Option(names = "--timeout", description = "per request and connect timeout (default 2s)")
        private String timeout;
        @Option(names = "--pipeline", paramLabel = "N", description = "requests outstanding per connection (default 1)")
        private String pipeline;
        @Option(names = "--new-connection-per-request", description = "churn: one request per connection")
        private Boolean churn;
        @Option(names = "--idle-connections", paramLabel = "N", description = "extra connections only held open")
        private String idle;
        @Option(names = "--allow-remote", description = "permit a target that is not a loopback address")
        private Boolean allowRemote;
        @Option(names = "--json", paramLabel = "FILE", description = "write the result as JSON")
        private String json;
        @Option(names = "--hgrm", paramLabel = "FILE", description = "write the corrected percentile distribution")
        private String hgrm;
        @Option(names = "--kv", paramLabel = "FILE",
            description = "write the headline figures as key=value lines (for scripts such as compare.sh)")
        private String kv;
        @Option(names = "--watch-pid", paramLabel = "PID",
            description = "report this process's CPU ticks over the measured part (e.g. the proxy under test)")
        private String watchPid;
        @Option(names = "--path", paramLabel = "PATH", description = "request path, replacing the url's (scenarios)")
        private String path;
        @Option(names = {"-q", "--quiet"}, description = "no summary")
        private Boolean quiet;
        @Option(names = "--busy-poll", description = "worker loops poll without sleeping: open-loop sends on time,"
            + " at the cost of one busy core per thread")
        private Boolean busyPoll;
        @Option(names = "--tls", arity = "0..1", paramLabel = "BOOL",
            description = "TLS to the target, as with an https:// url")
        private Boolean tls;
        @Option(names = "--sni", paramLabel = "NAME", description = "TLS server name (default: the url's host)")
        private String sni;
        @Option(names = "--ca-file", paramLabel = "PEM",
            description = "verify the server against these CA certificates (default: trust any)")
        private String caFile;
        @Option(names = "--tls-versions", paramLabel = "LIST",
            description = "protocols offered (default TLSv1.3,TLSv1.2)")
        private String tlsVersions;
        @Option(names = "--tls-resume", arity = "0..1", paramLabel = "BOOL",
            description = "resume TLS sessions on new connections (default false: a full handshake each time)")
        private Boolean tlsResume;
        @Option(names = "--protocol", paramLabel = "h1|h2",
            description = "h1 (HTTP/1.1, default) or h2 (HTTP/2 cleartext, prior knowledge)")
        private String protocol;
        @Option(names = "--streams", paramLabel = "N",
            description = "h2: concurrent streams per connection (default 1; h2load's -m)")
        private String streams;

        @Override
        public Integer call() throws Exception {
            final PrintStream err = System.err;
            final LoadOptions options;
            try {
                options = options();
            } catch (final IllegalArgumentException e) {
                err.println("strait-load: " + e.getMessage());
                return 2;
            }
            final LoadRun run;
            try {
                run = new LoadRun(options);
            } catch (final IllegalArgumentException e) {
                err.println("strait-load: " + e.getMessage());
                return 2;
            }
            // Ctrl-C ends the run early; the hook holds the JVM until what was measured has been reported.
            final CountDownLatch reported = new CountDownLatch(1);
            final Thread hook = new Thread(() -> {
                run.stop();
                try {
                    reported.await(10, TimeUnit.SECONDS);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "strait-load-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                final LoadResult result = run.start().await();
                if (!options.quiet()) {
                    Report.summary(result, System.out);
                }
                if (options.jsonFile() != null) {
                    Report.writeJson(result, Path.of(options.jsonFile()));
                }
                if (options.hgrmFile() != null) {
                    Report.writeHgrm(result.corrected(), Path.of(options.hgrmFile()));
                }
                if (options.kvFile() != null) {
                    Report.writeKeyValues(result, Path.of(options.kvFile()));
                }
            } finally {
                System.out.flush();
                reported.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (final IllegalStateException shuttingDown) {
                // Ctrl-C: the result is printed, the JVM is on its way out
            }
            return 0;
        }

        LoadOptions options() {
            final LoadOptions.Builder b = LoadOptions.builder();
            if (scenario != null) {
                Scenario.load(scenario).applyTo(b);
            }
            set(b, "url", url);
            set(b, "method", method);
            for (final String h : headers) {
                b.set("header", h);
            }
            set(b, "body-size", bodySize);
            set(b, "connections", connections);
            set(b, "threads", threads);
            set(b, "rate", rate);
            set(b, "duration", duration);
            set(b, "warmup", warmup);
            set(b, "timeout", timeout);
            set(b, "pipeline", pipeline);
            set(b, "new-connection-per-request", churn == null ? null : churn.toString());
            set(b, "idle-connections", idle);
            set(b, "allow-remote", allowRemote == null ? null : allowRemote.toString());
            set(b, "json", json);
            set(b, "hgrm", hgrm);
            set(b, "kv", kv);
            set(b, "path", path);
            set(b, "watch-pid", watchPid);
            set(b, "quiet", quiet == null ? null : quiet.toString());
            set(b, "busy-poll", busyPoll == null ? null : busyPoll.toString());
            set(b, "tls", tls == null ? null : tls.toString());
            set(b, "sni", sni);
            set(b, "ca-file", caFile);
            set(b, "tls-versions", tlsVersions);
            set(b, "tls-resume", tlsResume == null ? null : tlsResume.toString());
            set(b, "protocol", protocol);
            set(b, "streams", streams);
            return b.build();
        }

        private static void set(final LoadOptions.Builder b, final String key, final String value) {
            if (value != null) {
                b.set(key, value);
            }
        }
    }
}
