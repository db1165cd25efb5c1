package io.strait.load;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Thread-safe. One load run: worker event loops (one per thread) that own their connections, and a coordinator thread
 * that opens the connections, starts the load, collects the interval histograms and counters every second (passing
 * them to an {@link IntervalListener}), excludes the warm-up, stops the workers at the end and builds the
 * {@link LoadResult}.
 *
 * <pre>{@code
 * LoadResult r = new LoadRun(options, (millis, corrected, uncorrected, stats) -> { }).start().await();
 * }</pre>
 *
 * <p>Time base: {@link System#nanoTime()}. Latencies are recorded in microseconds, 3 significant digits, up to one
 * hour. The transport is epoll when available, else NIO ({@code -Dstrait.load.transport=nio} forces NIO).
 */
public final class LoadRun {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /**
     * The busy-poll loops' select strategy: always a non-blocking poll ({@code selectNow}), never
     * {@link io.netty.channel.SelectStrategy#SELECT} (a blocking wait), with or without tasks.
     */
    static final SelectStrategyFactory BUSY_POLL = () -> (selectNow, hasTasks) -> selectNow.get();

    private final LoadOptions options;
    private final IntervalListener listener;
    private final InetSocketAddress address;
    private final CompletableFuture<LoadResult> result = new CompletableFuture<>();
    private volatile boolean stopRequested;
    private volatile Thread coordinator;

    /**
     * Creates a run; nothing starts before {@link #start()}.
     *
     * @throws IllegalArgumentException when the target does not resolve, or is remote and not allowed
     */
    public LoadRun(final LoadOptions options, final IntervalListener listener) {
        this.options = options;
        this.listener = listener;
        this.address = options.resolve();
        final String ca = options.tls().enabled() ? options.tls().caFile() : null;
        if (ca != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(ca))) {
            throw new IllegalArgumentException("ca-file " + ca + " is not a readable file");
        }
    }

    /** Creates a run without an interval listener. */
    public LoadRun(final LoadOptions options) {
        this(options, (millis, corrected, uncorrected, stats) -> { });
    }

    /**
     * Starts the coordinator thread, which opens the connections and then runs the load.
     *
     * @return this
     * @throws IllegalStateException when already started
     */
    public synchronized LoadRun start() {
        if (coordinator != null) {
            throw new IllegalStateException("already started");
        }
        final Thread t = new Thread(this::coordinate, "strait-load-coordinator");
        t.setDaemon(true);
        coordinator = t;
        t.start();
        return this;
    }

    /** Ends the run early (the result then covers the time up to now). Returns at once. */
    public void stop() {
        stopRequested = true;
        final Thread t = coordinator;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Waits for the end of the run.
     *
     * @throws IllegalStateException when the run failed (the cause attached)
     */
    public LoadResult await() throws InterruptedException {
        try {
            return result.get();
        } catch (final ExecutionException e) {
            throw new IllegalStateException("load run failed: " + e.getCause(), e.getCause());
        }
    }

    private void coordinate() {
        final boolean epoll = Epoll.isAvailable() && !"nio".equals(System.getProperty("strait.load.transport"));
        final IoHandlerFactory factory;
        if (options.busyPoll()) {
            // Never block in epoll_wait/select: poll, run the due timers, poll again. Timers then fire within
            // microseconds instead of after the kernel's timer slack (50 us by default) and a wake-up.
            factory = epoll ? EpollIoHandler.newFactory(0, BUSY_POLL)
                : NioIoHandler.newFactory(SelectorProvider.provider(), BUSY_POLL);
        } else {
            factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        }
        final Class<? extends Channel> channelClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(options.threads(), factory);
        TlsClient tls = null;
        try {
            tls = options.tls().enabled() ? TlsClient.create(options) : null;   // one context for the whole run
            final byte[] encoded = RequestEncoder.encode(options);
            final List<Worker> workers = new ArrayList<>();
            int w = 0;
            final int threads = options.threads();
            for (final EventExecutor e : group) {
                final int slots = options.connections() / threads + (w < options.connections() % threads ? 1 : 0);
                final int idle = options.idleConnections() / threads
                    + (w < options.idleConnections() % threads ? 1 : 0);
                workers.add(new Worker((EventLoop) e, channelClass, options, address, encoded, w, slots, idle, tls));
                w++;
            }
            result.complete(drive(workers, epoll ? "epoll" : "nio"));
        } catch (final Throwable t) {
            result.completeExceptionally(t);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            if (tls != null) {
                tls.release();
            }
        }
    }

    private LoadResult drive(final List<Worker> workers, final String transport) throws InterruptedException {
        final CountDownLatch connected = new CountDownLatch(workers.size());
        for (final Worker w : workers) {
            w.preconnect(connected);
        }
        connected.await(Math.max(5_000, options.timeout().toMillis() * 2), TimeUnit.MILLISECONDS);

        final int n = workers.size();
        final Histogram[] recycleC = new Histogram[n];
        final Histogram[] recycleU = new Histogram[n];
        final Histogram intervalC = newHistogram();
        final Histogram intervalU = newHistogram();
        final Histogram totalC = newHistogram();
        final Histogram totalU = newHistogram();
        final List<LoadResult.Second> timeline = new ArrayList<>();

        final long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
        final long measureStart = t0 + options.warmup().toNanos();
        final long end = measureStart + options.duration().toNanos();
        boolean warmup = measureStart > t0;
        long[] base = snapshot(workers);   // before the start: every request of the run is counted after it
        long[] last = base;
        long cpu0 = warmup ? -1 : cpuNanos();
        long watched0 = warmup ? -1 : watchedTicks();
        long jit0 = warmup ? -1 : jitMillis();
        for (final Worker w : workers) {
            w.start(t0, end);
        }
        long measuredFrom = t0;
        long startEpoch = System.currentTimeMillis();
        long previous = t0;
        boolean early = false;
        while (true) {
            long boundary = Math.min(previous + SECOND, warmup ? measureStart : end);
            early = sleepUntil(boundary);
            if (early) {
                boundary = Math.min(System.nanoTime(), boundary);
            }
            final boolean finished = early || boundary >= end;
            if (finished) {
                final CountDownLatch stopped = new CountDownLatch(n);
                for (final Worker w : workers) {
                    w.stop(stopped);
                }
                stopped.await(10, TimeUnit.SECONDS);
            }
            intervalC.reset();
            intervalU.reset();
            final long[] now = harvest(workers, recycleC, recycleU);
            for (int i = 0; i < n; i++) {
                intervalC.add(recycleC[i]);
                intervalU.add(recycleU[i]);
            }
            final long[] delta = new long[now.length];
            for (int i = 0; i < now.length; i++) {
                delta[i] = now[i] - last[i];
            }
            final long epochMillis = System.currentTimeMillis();
            intervalC.setEndTimeStamp(epochMillis);
            intervalU.setEndTimeStamp(epochMillis);
            final IntervalStats stats = new IntervalStats(warmup, boundary - previous, delta);
            listener.onInterval(epochMillis, intervalC, intervalU, stats);
            if (!warmup) {
                totalC.add(intervalC);
                totalU.add(intervalU);
                timeline.add(new LoadResult.Second(timeline.size(), epochMillis, LoadCounter.responses(delta),
                    LoadCounter.errors(delta), millis(intervalC, 50), millis(intervalC, 99), millis(intervalU, 99)));
            }
            last = now;
            previous = boundary;
            if (warmup && boundary >= measureStart) {
                warmup = false;
                base = now;
                cpu0 = cpuNanos();
                watched0 = watchedTicks();
                jit0 = jitMillis();
                measuredFrom = boundary;
                startEpoch = epochMillis;
            }
            if (finished) {
                break;
            }
        }
        final long[] totals = new long[last.length];
        for (int i = 0; i < totals.length; i++) {
            totals[i] = last[i] - base[i];
        }
        final long cpu1 = cpuNanos();
        final long watched1 = watchedTicks();
        final long jit1 = jitMillis();
        final long jit = warmup || jit0 < 0 || jit1 < 0 ? -1 : jit1 - jit0;
        final long watched = warmup || watched0 < 0 || watched1 < 0 ? -1 : watched1 - watched0;
        final long cpu = warmup || cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0;
        final long elapsed = warmup ? 0 : previous - measuredFrom;
        totalC.setStartTimeStamp(startEpoch);
        totalU.setStartTimeStamp(startEpoch);
        return new LoadResult(options, transport, startEpoch, elapsed, totals, totalC, totalU, timeline, cpu, early,
            watched, jit);
    }

    /** Parks until {@code deadline}; returns true when {@link #stop()} was called. */
    private boolean sleepUntil(final long deadline) {
        while (!stopRequested) {
            final long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(left);
        }
        return true;
    }

    /**
     * Takes every worker's interval histograms and counters together, on the worker's own event loop (where it
     * records them), so that a response is in the same interval's histogram and counters: read from this thread, one
     * completing between the two reads would land in different intervals (and the measured part's histogram count
     * would differ from its request count by one). Returns the counters summed over the workers.
     */
    private static long[] harvest(final List<Worker> workers, final Histogram[] recycleC, final Histogram[] recycleU)
            throws InterruptedException {
        final int n = workers.size();
        final long[][] counters = new long[n][];
        final CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            final int at = i;
            final Worker w = workers.get(i);
            final Runnable take = () -> {
                try {
                    recycleC[at] = w.corrected().getIntervalHistogram(recycleC[at]);
                    recycleU[at] = w.uncorrected().getIntervalHistogram(recycleU[at]);
                    counters[at] = snapshot(List.of(w));
                } finally {
                    done.countDown();
                }
            };
            if (w.loop().isShuttingDown()) {
                take.run();   // a stopped worker records nothing more: reading from here is consistent
            } else {
                w.loop().execute(take);
            }
        }
        if (!done.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a worker did not hand over its interval within 10 s");
        }
        final long[] sum = new long[LoadCounter.values().length];
        for (final long[] c : counters) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += c[i];
            }
        }
        return sum;
    }

    private static long[] snapshot(final List<Worker> workers) {
        final long[] s = new long[LoadCounter.values().length];
        for (final Worker w : workers) {
            for (int i = 0; i < s.length; i++) {
                s[i] += w.counters().get(i);
            }
        }
        return s;
    }

    static Histogram newHistogram() {
        return new Histogram(1, Worker.HIGHEST_MICROS, 3);
    }

    private static double millis(final Histogram h, final double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * The watched process's utime + stime in clock ticks from {@code /proc/PID/stat} (fields 14 and 15: every thread,
     * exited ones included), or -1 when none is watched or it cannot be read.
     */
    private long watchedTicks() {
        final int pid = options.watchPid();
        if (pid <= 0) {
            return -1;
        }
        try {
            final String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);   // fields 14 and 15, counted from field 3
        } catch (final java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Returns the JIT compilers' accumulated time in milliseconds, or -1 when the JVM does not say. */
    private static long jitMillis() {
        final java.lang.management.CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
    }

    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
