package io.strait.load.distributed;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Confined to the thread that calls {@link #run}. The built-in {@code synthetic} workload: no network, a
 * deterministic number of fake latencies per interval, for testing distributed runs.
 *
 * <table>
 *   <caption>Arguments (later occurrences win)</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code --synthetic-rate N}</td><td>1000</td><td>latencies recorded (= requests) per second</td></tr>
 *   <tr><td>{@code --synthetic-errors N}</td><td>0</td><td>of those, errors per second</td></tr>
 *   <tr><td>{@code --duration D}</td><td>3s</td><td>run length; intervals = duration / interval (at least 1)</td></tr>
 *   <tr><td>{@code --interval D}</td><td>1s</td><td>interval length</td></tr>
 * </table>
 *
 * <p>Each interval records {@code round(rate * interval / 1s)} values between 1,000 and 9,999 (microseconds) at the
 * interval's end, so a run records exactly {@link Settings#expectedCount()} values, whatever the machine's speed.
 */
public final class SyntheticWorkload implements Workload {

    /** The factory registered under {@code synthetic}. */
    public static final WorkloadFactory FACTORY = new WorkloadFactory() {
        @Override
        public String name() {
            return "synthetic";
        }

        @Override
        public Workload create() {
            return new SyntheticWorkload();
        }
    };

    private static final long HIGHEST_TRACKABLE = TimeUnit.MINUTES.toMicros(1);

    /**
     * The parsed arguments. Immutable.
     *
     * @param ratePerSecond   latencies (requests) recorded per second
     * @param errorsPerSecond errors per second
     * @param durationMillis  run length
     * @param intervalMillis  interval length
     */
    public record Settings(long ratePerSecond, long errorsPerSecond, long durationMillis, long intervalMillis) {

        /** Parses {@code args}; later occurrences of an option win. */
        public static Settings parse(final List<String> args) {
            long rate = 1000;
            long errors = 0;
            long duration = 3_000;
            long interval = 1_000;
            for (int i = 0; i < args.size(); i++) {
                final String option = args.get(i);
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("synthetic workload: " + option + " needs a value");
                }
                final String value = args.get(++i);
                switch (option) {
                    case "--synthetic-rate" -> rate = parseCount(option, value);
                    case "--synthetic-errors" -> errors = parseCount(option, value);
                    case "--duration" -> duration = Durations.parseMillis(value);
                    case "--interval" -> interval = Durations.parseMillis(value);
                    default -> throw new IllegalArgumentException("synthetic workload: unknown option " + option
                            + " (known: --synthetic-rate, --synthetic-errors, --duration, --interval)");
                }
            }
            if (interval <= 0) {
                throw new IllegalArgumentException("synthetic workload: --interval must be positive");
            }
            return new Settings(rate, errors, duration, interval);
        }

        private static long parseCount(final String option, final String value) {
            try {
                final long n = Long.parseLong(value);
                if (n < 0) {
                    throw new IllegalArgumentException("synthetic workload: " + option + " must be >= 0: " + value);
                }
                return n;
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException("synthetic workload: " + option + " is not a number: " + value, e);
            }
        }

        /** The number of intervals of a run. */
        public long intervals() {
            return Math.max(1, durationMillis / intervalMillis);
        }

        /** Latencies (requests) recorded per interval. */
        public long perInterval() {
            return Math.round(ratePerSecond * intervalMillis / 1000.0);
        }

        /** Errors per interval, at most {@link #perInterval()}. */
        public long errorsPerInterval() {
            return Math.min(perInterval(), Math.round(errorsPerSecond * intervalMillis / 1000.0));
        }

        /** The total number of latencies (requests) a run records. */
        public long expectedCount() {
            return intervals() * perInterval();
        }
    }

    @Override
    public void run(final List<String> args, final long startAtEpochMillis, final IntervalSink sink)
            throws InterruptedException {
        final Settings settings = Settings.parse(args);
        final Histogram histogram = new Histogram(HIGHEST_TRACKABLE, 3);
        final long perInterval = settings.perInterval();
        long sequence = 0;
        for (long i = 0; i < settings.intervals(); i++) {
            final long start = startAtEpochMillis + i * settings.intervalMillis();
            final long end = start + settings.intervalMillis();
            sleepUntil(end);
            histogram.reset();
            for (long n = 0; n < perInterval; n++) {
                histogram.recordValue(1_000 + (sequence++ * 7_919) % 9_000);
            }
            sink.onInterval(start, end, histogram, perInterval, settings.errorsPerInterval());
        }
    }

    private static void sleepUntil(final long epochMillis) throws InterruptedException {
        long wait;
        while ((wait = epochMillis - System.currentTimeMillis()) > 0) {
            Thread.sleep(wait);
        }
    }
}
