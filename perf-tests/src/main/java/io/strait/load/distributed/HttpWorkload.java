package io.strait.load.distributed;

import io.strait.load.LoadCounter;
import io.strait.load.LoadOptions;
import io.strait.load.LoadResult;
import io.strait.load.LoadRun;
import io.strait.load.Main;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Confined to the thread that calls {@link #run}. The {@code http} workload: strait-load's own generator
 * ({@link LoadRun}) with the arguments of {@code strait-load run} ({@code --url}, {@code --rate}, {@code --scenario},
 * ...), started at the coordinator's common instant; every measured interval's corrected histogram goes to the sink
 * (warm-up intervals are not sent, as a local run leaves them out of its result too).
 */
public final class HttpWorkload implements Workload {

    /** The factory registered under {@code http}. */
    public static final WorkloadFactory FACTORY = new WorkloadFactory() {
        @Override
        public String name() {
            return "http";
        }

        @Override
        public Workload create() {
            return new HttpWorkload();
        }
    };

    @Override
    public void run(final List<String> args, final long startAtEpochMillis, final IntervalSink sink)
            throws Exception {
        final LoadOptions options = Main.parseRunOptions(args);
        final LoadRun run = new LoadRun(options, (epochMillis, corrected, uncorrected, stats) -> {
            if (!stats.warmup()) {
                final long lengthMillis = TimeUnit.NANOSECONDS.toMillis(stats.elapsedNanos());
                sink.onInterval(epochMillis - lengthMillis, epochMillis, corrected, LoadCounter.responses(
                    stats.counters()), stats.errors());
            }
        });
        final long wait = startAtEpochMillis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);   // interrupted: the coordinator aborted before the start
        }
        run.start();
        try {
            final LoadResult result = run.await();
            if (result.requests() == 0 && result.errors() > 0) {
                throw new IllegalStateException("no response from " + options.url() + ": " + result.errors()
                    + " errors (connect " + result.get(LoadCounter.CONNECT_ERRORS) + ")");
            }
        } catch (final InterruptedException e) {
            run.stop();
            throw e;
        }
    }
}
