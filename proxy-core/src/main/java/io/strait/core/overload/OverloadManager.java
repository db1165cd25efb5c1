package io.strait.core.overload;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.strait.core.config.OverloadConfig;
import io.strait.core.config.OverloadConfig.Action;
import io.strait.core.config.OverloadConfig.ActionConfig;
import io.strait.core.config.OverloadConfig.Resource;
import io.strait.core.stats.LoopStats;
import io.strait.core.stats.OverloadStat;
import io.strait.core.stats.StatsScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Thread-safe: {@link #start}, {@link #update} and {@link #close} come from the server's thread; {@link #sample} runs
 * on the sampler thread ({@code strait-overload}, one daemon thread, only while enabled). Envoy's overload manager:
 * every {@code refresh_interval} it reads each monitored resource's use and budget, works out each action's scale
 * from the highest pressure among the resources it watches ({@link ActionTrigger}), publishes the result to the
 * {@link OverloadState} the event loops read, sets the {@code overload.} gauges, logs each action that starts or
 * stops, and while {@code reset_streams} is in force closes the most-buffered downstream connections. While every
 * pressure is far below every threshold it samples less often, down to once a second ({@link SampleCadence}).
 */
public final class OverloadManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OverloadManager.class);
    private static final Action[] ACTIONS = Action.values();
    private static final Resource[] RESOURCES = Resource.values();

    /** Makes the monitor of a resource with its configured budget (0: the process's own limit). */
    @FunctionalInterface
    public interface MonitorFactory {
        /** The monitor of {@code resource} against {@code configuredMax} ({@link OverloadConfig#AUTO}: auto). */
        ResourceMonitor create(Resource resource, long configuredMax);
    }

    private final OverloadState state;
    /** The sampler's writer slot: gauges and the reset counter. */
    private final LoopStats<OverloadStat> control;
    private final MonitorFactory monitors;
    private final Iterable<Channel> connections;
    private volatile Plan plan;
    /** By action ordinal: its scale at the last sample. Guarded by {@link #sampleLock}. */
    private final int[] scales = new int[ACTIONS.length];
    /** By resource ordinal: its reading at the last sample, null when not monitored, for readers (admin). */
    private volatile Reading[] readings = new Reading[RESOURCES.length];
    private final Object sampleLock = new Object();
    /** Resources whose monitor failed, logged once each. Guarded by {@link #sampleLock}. */
    private final boolean[] failed = new boolean[RESOURCES.length];
    /** The monotonic clock the cadence reads (tests pass their own). */
    private final LongSupplier nanoClock;
    /** The delay before the next sample, as the last sample's pressures set it. Guarded by {@link #sampleLock}. */
    private long nextDelayNanos;
    private ScheduledExecutorService executor;
    /** The sampling chain in force (null: none); each sample schedules the next. Guarded by this. */
    private Chain chain;

    /**
     * A manager publishing to {@code state} what {@code config} asks for, with monitors from {@code monitors}, that
     * resets connections among {@code connections}; it samples once {@link #start}ed (or when {@link #sample} is
     * called).
     */
    public OverloadManager(final OverloadConfig config, final OverloadState state,
                           final StatsScope<OverloadStat> stats, final MonitorFactory monitors,
                           final Iterable<Channel> connections) {
        this(config, state, stats, monitors, connections, System::nanoTime);
    }

    /** As the public constructor, the cadence reading {@code nanoClock} (tests). */
    OverloadManager(final OverloadConfig config, final OverloadState state, final StatsScope<OverloadStat> stats,
                    final MonitorFactory monitors, final Iterable<Channel> connections, final LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.state = state;
        this.control = stats.control();
        this.monitors = monitors;
        this.connections = connections;
        this.plan = new Plan(config, monitors);
        this.nextDelayNanos = config.refreshInterval().toNanos();
    }

    /**
     * The monitors of the running process: heap and direct memory ({@code pool}'s idle chunks aside), the open
     * downstream connections ({@code activeConnections}, against {@code connectionCap} when the budget is auto), and
     * the process's file descriptors.
     */
    public static MonitorFactory systemMonitors(final PooledByteBufAllocator pool, final LongSupplier activeConnections,
                                                final LongSupplier connectionCap) {
        return (resource, max) -> switch (resource) {
            case HEAP -> new HeapMonitor(max);
            case DIRECT_MEMORY -> new DirectMemoryMonitor(max, pool);
            case CONNECTIONS -> new ConnectionsMonitor(activeConnections, max, connectionCap);
            case FILE_DESCRIPTORS -> new FileDescriptorMonitor(max);
        };
    }

    /** Starts sampling (every refresh interval, or less often while idle), if the configuration enables it. */
    public synchronized void start() {
        schedule(plan.config);
    }

    /**
     * Puts {@code next} in force (a reload): monitors and triggers are rebuilt and a sample is taken with them at
     * once; the actions' scales carry on, so one in force stays until its pressure falls below its new release level.
     */
    public synchronized void update(final OverloadConfig next) {
        plan = new Plan(next, monitors);
        if (chain != null) {
            // the next sample may be up to a second away (an idle cadence): take it now, under the new plan
            chain.cancel();
            chain = null;
        }
        schedule(next);
        if (!next.enabled()) {
            sample();   // publishes "no action" at once
        }
    }

    private void schedule(final OverloadConfig config) {
        if (!config.enabled()) {
            return;
        }
        if (executor == null) {
            executor = Executors.newSingleThreadScheduledExecutor(r -> {
                final Thread t = new Thread(r, "strait-overload");
                t.setDaemon(true);
                return t;
            });
        }
        chain = new Chain();
        chain.scheduleIn(0);
    }

    /**
     * One sampling chain: each run samples, then schedules the next run after the delay that sample set. A reload
     * cancels the chain and starts another; a run of a cancelled chain schedules nothing.
     */
    private final class Chain implements Runnable {
        private ScheduledFuture<?> next;
        private boolean cancelled;

        /** Schedules the next run. Called under the manager's monitor. */
        void scheduleIn(final long delayNanos) {
            next = executor.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
        }

        /** Stops the chain. Called under the manager's monitor. */
        void cancel() {
            cancelled = true;
            next.cancel(false);
        }

        @Override
        public void run() {
            sampleSafely();
            final long delay;
            synchronized (sampleLock) {
                delay = nextDelayNanos;
            }
            synchronized (OverloadManager.this) {
                if (!cancelled && executor != null) {
                    scheduleIn(delay);
                }
            }
        }
    }

    private void sampleSafely() {
        try {
            sample();
        } catch (final RuntimeException e) {
            LOG.warn("overload: sample failed: {}", e.toString());
        }
    }

    /**
     * One sample: reads the monitors, decides and publishes the actions, sets the gauges, and resets connections while
     * {@code reset_streams} is in force. Runs on the sampler thread (tests call it directly).
     */
    public void sample() {
        synchronized (sampleLock) {
            final Plan p = plan;
            final double[] now = new double[RESOURCES.length];
            final Reading[] read = new Reading[RESOURCES.length];
            if (p.config.enabled()) {
                for (final Map.Entry<Resource, ResourceMonitor> e : p.monitors.entrySet()) {
                    final Reading r = read(e.getKey(), e.getValue());
                    read[e.getKey().ordinal()] = r;
                    now[e.getKey().ordinal()] = r.pressure();
                }
            }
            readings = read;
            for (final Resource r : RESOURCES) {
                control.set(pressureGauge(r), Math.round(now[r.ordinal()] * 100));
            }
            int bits = 0;
            int shedScale = 0;
            for (final Action a : ACTIONS) {
                final ActionTrigger t = p.config.enabled() ? p.triggers.get(a) : null;
                final int previous = scales[a.ordinal()];
                final int scale = t == null ? 0 : t.scale(highest(now, p.watched.get(a)), previous);
                scales[a.ordinal()] = scale;
                if (scale > 0) {
                    bits |= bit(a);
                }
                if (a == Action.SHED_REQUESTS) {
                    shedScale = scale;
                    control.set(OverloadStat.SHED_REQUESTS_ACTIVE, scale == 0 ? 0
                        : Math.max(1, scale * 100L / OverloadState.FULL_SCALE));
                } else {
                    control.set(activeGauge(a), scale > 0 ? 1 : 0);
                }
                if ((scale > 0) != (previous > 0)) {
                    log(a, scale > 0, now, p);
                }
            }
            state.publish(OverloadState.word(bits, shedScale));
            nextDelayNanos = p.cadence == null ? p.config.refreshInterval().toNanos()
                : p.cadence.next(now, bits != 0, nanoClock.getAsLong());
            if ((bits & OverloadState.RESET_STREAMS) != 0) {
                final ActionConfig reset = p.config.actions().get(Action.RESET_STREAMS);
                final int n = BufferedConnections.resetLargest(connections, reset.minBuffered(),
                    reset.maxPerInterval());
                if (n > 0) {
                    control.add(OverloadStat.RESET_STREAMS_TOTAL, n);
                    LOG.warn("overload: reset {} connection(s) holding the most buffered bytes", n);
                }
            }
        }
    }

    /** One monitor's reading; no pressure when the budget is unknown or the monitor failed (logged once). */
    private Reading read(final Resource r, final ResourceMonitor m) {
        try {
            final long max = m.max();
            final long used = m.used();
            return new Reading(used, max, max > 0 ? (double) used / max : 0);
        } catch (final RuntimeException e) {
            if (!failed[r.ordinal()]) {
                failed[r.ordinal()] = true;
                LOG.warn("overload: monitor {} failed, its pressure counts as 0: {}", r.configName(), e.toString());
            }
            return new Reading(0, 0, 0);
        }
    }

    /**
     * Immutable. One resource at one sample.
     *
     * @param used     in use, in the resource's unit
     * @param max      its budget (0: unknown)
     * @param pressure {@code used / max} (0 when the budget is unknown)
     */
    public record Reading(long used, long max, double pressure) {
    }

    private static double highest(final double[] pressures, final Set<Resource> watched) {
        double max = 0;
        if (watched != null) {
            for (final Resource r : watched) {
                max = Math.max(max, pressures[r.ordinal()]);
            }
        }
        return max;
    }

    private void log(final Action a, final boolean on, final double[] now, final Plan p) {
        final StringBuilder why = new StringBuilder();
        for (final Resource r : p.watched.getOrDefault(a, Set.of())) {
            why.append(why.length() == 0 ? "" : ", ").append(r.configName()).append(' ')
                .append(String.format(Locale.ROOT, "%.1f%%", now[r.ordinal()] * 100));
        }
        if (why.length() == 0) {
            why.append(p.config.enabled() ? "no resource watched" : "the overload manager is off");
        }
        if (on) {
            LOG.warn("overload: {} on ({})", a.configName(), why);
        } else {
            LOG.info("overload: {} off ({})", a.configName(), why);
        }
    }

    /** The state bit of {@code a}. */
    static int bit(final Action a) {
        return switch (a) {
            case DISABLE_KEEPALIVE -> OverloadState.DISABLE_KEEPALIVE;
            case SHED_REQUESTS -> OverloadState.SHED_REQUESTS;
            case STOP_ACCEPTING_CONNECTIONS -> OverloadState.STOP_ACCEPTING_CONNECTIONS;
            case RESET_STREAMS -> OverloadState.RESET_STREAMS;
        };
    }

    private static OverloadStat activeGauge(final Action a) {
        return switch (a) {
            case DISABLE_KEEPALIVE -> OverloadStat.DISABLE_KEEPALIVE_ACTIVE;
            case SHED_REQUESTS -> OverloadStat.SHED_REQUESTS_ACTIVE;
            case STOP_ACCEPTING_CONNECTIONS -> OverloadStat.STOP_ACCEPTING_CONNECTIONS_ACTIVE;
            case RESET_STREAMS -> OverloadStat.RESET_STREAMS_ACTIVE;
        };
    }

    private static OverloadStat pressureGauge(final Resource r) {
        return switch (r) {
            case HEAP -> OverloadStat.HEAP_PRESSURE;
            case DIRECT_MEMORY -> OverloadStat.DIRECT_MEMORY_PRESSURE;
            case CONNECTIONS -> OverloadStat.CONNECTIONS_PRESSURE;
            case FILE_DESCRIPTORS -> OverloadStat.FILE_DESCRIPTORS_PRESSURE;
        };
    }

    /** The delay before the next sample, as the last sample set it (tests). */
    long nextDelayNanos() {
        synchronized (sampleLock) {
            return nextDelayNanos;
        }
    }

    /** The configuration in force. */
    public OverloadConfig config() {
        return plan.config;
    }

    /** Each monitored resource's pressure at the last sample (a fraction of its budget), by resource. */
    public Map<Resource, Double> pressures() {
        final Map<Resource, Double> out = new EnumMap<>(Resource.class);
        for (final Map.Entry<Resource, Reading> e : readings().entrySet()) {
            out.put(e.getKey(), e.getValue().pressure());
        }
        return out;
    }

    /** Each monitored resource's reading at the last sample, by resource (none before the first sample). */
    public Map<Resource, Reading> readings() {
        final Reading[] r = readings;
        final Map<Resource, Reading> out = new EnumMap<>(Resource.class);
        for (final Resource res : RESOURCES) {
            if (r[res.ordinal()] != null) {
                out.put(res, r[res.ordinal()]);
            }
        }
        return out;
    }

    /** The actions in force at the last sample, each with its scale (0..1; 1 for all-or-nothing). */
    public Map<Action, Double> actions() {
        final int word = state.word();
        final Map<Action, Double> out = new EnumMap<>(Action.class);
        for (final Action a : plan.triggers.keySet()) {
            final boolean on = (word & bit(a)) != 0;
            out.put(a, !on ? 0.0 : a == Action.SHED_REQUESTS
                ? (double) (word >>> OverloadState.SCALE_SHIFT) / OverloadState.FULL_SCALE : 1.0);
        }
        return out;
    }

    /** The monitor of {@code r} in force, or null when it is not monitored (tests, admin). */
    public ResourceMonitor monitor(final Resource r) {
        return plan.monitors.get(r);
    }

    /** Stops sampling; the actions in force are cleared. */
    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
            chain = null;
        }
        state.publish(0);
    }

    /** Immutable. One configuration's monitors and triggers. */
    private static final class Plan {
        final OverloadConfig config;
        final Map<Resource, ResourceMonitor> monitors = new EnumMap<>(Resource.class);
        final Map<Action, ActionTrigger> triggers = new EnumMap<>(Action.class);
        final Map<Action, Set<Resource>> watched = new EnumMap<>(Action.class);
        /** When the next sample is due; null when disabled. Its state is guarded by the manager's sample lock. */
        final SampleCadence cadence;

        Plan(final OverloadConfig config, final MonitorFactory factory) {
            this.config = config;
            if (!config.enabled()) {
                cadence = null;
                return;
            }
            for (final Map.Entry<Resource, Long> e : config.resources().entrySet()) {
                monitors.put(e.getKey(), factory.create(e.getKey(), e.getValue()));
            }
            for (final Map.Entry<Action, ActionConfig> e : config.actions().entrySet()) {
                triggers.put(e.getKey(), new ActionTrigger(e.getValue()));
                watched.put(e.getKey(), config.watchedBy(e.getKey()));
            }
            cadence = new SampleCadence(config, watched);
        }
    }
}
