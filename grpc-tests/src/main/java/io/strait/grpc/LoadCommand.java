package io.strait.grpc;

import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code load HOST:PORT}: runs {@link UnaryLoad} and prints req/s and latency percentiles, then one
 * {@code RESULT key=value ...} line for scripts. Exit code 0 when every measured call ended OK and the run drained,
 * 1 otherwise. Thread-confined to the main thread.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
    description = "Closed-loop unary echo calls against a target; prints req/s and latency percentiles.")
final class LoadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "HOST:PORT", description = "The target (Strait's listener or the backend).")
    private String target;

    @Option(names = { "-c", "--concurrency" }, defaultValue = "64", description = "Calls in flight (default 64).")
    private int concurrency;

    @Option(names = "--channels", defaultValue = "1",
        description = "HTTP/2 connections the calls are spread over (default 1).")
    private int channels;

    @Option(names = { "-d", "--duration" }, defaultValue = "10s", converter = GrpcLoadMain.DurationConverter.class,
        description = "Measured duration (default 10s).")
    private Duration duration;

    @Option(names = { "-w", "--warmup" }, defaultValue = "2s", converter = GrpcLoadMain.DurationConverter.class,
        description = "Unmeasured warm-up before it (default 2s).")
    private Duration warmup;

    @Option(names = { "-s", "--size" }, defaultValue = "1024", description = "Request (and echo) bytes (default 1024).")
    private int size;

    @Option(names = "--call-timeout", defaultValue = "5s", converter = GrpcLoadMain.DurationConverter.class,
        description = "Each call's deadline (default 5s).")
    private Duration callTimeout;

    @Option(names = "--authority", description = "The :authority to send (default HOST:PORT).")
    private String authority;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        final UnaryLoad.Settings settings = settings();
        System.out.printf(Locale.ROOT, "target %s  concurrency %d  channels %d  payload %d B  warm-up %d ms  duration"
            + " %d ms%n", target, concurrency, channels, size, warmup.toMillis(), duration.toMillis());
        final UnaryLoad.Result r = UnaryLoad.run(settings);
        final Histogram h = r.latency();
        System.out.printf(Locale.ROOT, "requests %d  errors %d %s  req/s %.1f%s%n", r.requests(), r.errorCount(),
            r.errors().isEmpty() ? "" : r.errors(), r.requestsPerSecond(),
            r.drained() ? "" : "  (calls still in flight at the end were abandoned)");
        System.out.printf(Locale.ROOT, "latency us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
            micros(h, 50), micros(h, 90), micros(h, 99), micros(h, 99.9), h.getMaxValue() / 1e3);
        System.out.printf(Locale.ROOT, "RESULT rps=%.1f requests=%d errors=%d p50_us=%.1f p90_us=%.1f p99_us=%.1f"
                + " p999_us=%.1f max_us=%.1f%n", r.requestsPerSecond(), r.requests(), r.errorCount(), micros(h, 50),
            micros(h, 90), micros(h, 99), micros(h, 99.9), h.getMaxValue() / 1e3);
        return r.errorCount() == 0 && r.drained() && r.requests() > 0 ? 0 : 1;
    }

    /** The run's settings; bad input is a usage error (exit code 2) naming what is wrong. */
    private UnaryLoad.Settings settings() {
        final int colon = target.lastIndexOf(':');
        if (colon <= 0) {
            throw new ParameterException(spec.commandLine(), "target '" + target + "' is not HOST:PORT");
        }
        final int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (final NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "target '" + target + "': the port is not a number");
        }
        try {
            return new UnaryLoad.Settings(target.substring(0, colon), port, authority, concurrency, channels, size,
                warmup, duration, callTimeout);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static double micros(final Histogram h, final double percentile) {
        return h.getValueAtPercentile(percentile) / 1e3;
    }
}
