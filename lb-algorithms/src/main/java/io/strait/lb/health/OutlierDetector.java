package io.strait.lb.health;

import io.strait.lb.Host;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Thread-safe (see the two halves below). Passive health of one cluster's hosts, as Envoy's outlier detection:
 * counts each host's consecutive 5xx responses and consecutive gateway failures (502, 503, 504, connect failures,
 * resets, protocol errors) as the request path reports them, and ejects a host that crosses a threshold for
 * {@code base_ejection_time} times the number of times it has been ejected (capped at {@code max_ejection_time}).
 *
 * <p>Thread-safe, in two halves:
 * <ul>
 *   <li>The <em>request path</em> ({@link #onResponse}, {@link #onGatewayFailure}), from any event loop: lock-free
 *   and allocation-free. A success only reads the host's two counters and writes them only when they are non-zero,
 *   so while all is well no loop writes shared memory. A failure is one atomic add; the report that reaches a
 *   threshold hands the host to the {@code executor} (a pre-built task per host, queued at most once at a time)
 *   and returns.</li>
 *   <li>The <em>executor</em> side ({@link #tick}, the ejection decision, the {@link Listener} calls): confined to
 *   the single-threaded {@code executor} given to the constructor, which must never run on an event loop that
 *   serves requests.</li>
 * </ul>
 *
 * <p>Ejection rules (Envoy's): a host is not ejected twice; an ejection that would take the ejected share of the
 * cluster above {@code max_ejection_percent} is skipped, unless no host is ejected yet (one host may always be
 * ejected); an ejected host comes back at {@link #tick} once its time is up, with its counters reset; every {@code
 * interval} ({@link #decay}) a host that is not ejected has its ejection multiplier lowered by one.
 */
public final class OutlierDetector {

    /** Why a host was ejected. */
    public enum Reason {
        /** {@code consecutive_5xx} 5xx responses (gateway failures included) in a row. */
        CONSECUTIVE_5XX,
        /** {@code consecutive_gateway_failure} gateway failures (502, 503, 504, connect failure, reset) in a row. */
        CONSECUTIVE_GATEWAY_FAILURE
    }

    /** Called on the detector's executor when a host is ejected or comes back. */
    public interface Listener {

        /** {@code host} was ejected at {@code nowNanos} for {@code reason}, until {@code untilNanos}. */
        void ejected(Host host, Reason reason, long nowNanos, long untilNanos);

        /** {@code host}'s ejection ended at {@code nowNanos}. */
        void unejected(Host host, long nowNanos);
    }

    /**
     * Immutable settings.
     *
     * @param consecutive5xx            5xx responses in a row that eject a host, &gt;= 1 (Envoy default 5)
     * @param consecutiveGatewayFailure gateway failures in a row that eject a host, &gt;= 1 (default 5)
     * @param baseEjectionNanos         ejection time per time ejected, &gt; 0 (default 30 s)
     * @param maxEjectionNanos          the longest ejection, &gt;= base (default 300 s)
     * @param maxEjectionPercent        the most of the cluster's hosts ejected at once, in [0, 100] (default 10)
     */
    public record Settings(int consecutive5xx, int consecutiveGatewayFailure, long baseEjectionNanos,
                           long maxEjectionNanos, int maxEjectionPercent) {

        /** Envoy's defaults. */
        public static final Settings DEFAULTS = new Settings(5, 5, 30_000_000_000L, 300_000_000_000L, 10);

        /** Validates. */
        public Settings {
            if (consecutive5xx < 1 || consecutiveGatewayFailure < 1) {
                throw new IllegalArgumentException("thresholds must be >= 1");
            }
            if (baseEjectionNanos <= 0 || maxEjectionNanos < baseEjectionNanos) {
                throw new IllegalArgumentException("need 0 < base ejection time <= max ejection time");
            }
            if (maxEjectionPercent < 0 || maxEjectionPercent > 100) {
                throw new IllegalArgumentException("max ejection percent must be in [0, 100]: " + maxEjectionPercent);
            }
        }
    }

    private static final VarHandle C5XX;
    private static final VarHandle CGW;
    private static final VarHandle QUEUED;

    static {
        try {
            final MethodHandles.Lookup l = MethodHandles.lookup();
            C5XX = l.findVarHandle(HostState.class, "consecutive5xx", int.class);
            CGW = l.findVarHandle(HostState.class, "consecutiveGateway", int.class);
            QUEUED = l.findVarHandle(HostState.class, "queued", int.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Settings settings;
    private final LongSupplier clock;
    private final Executor executor;
    private final Listener listener;
    private final HostState[] states;
    /** Indexed by {@code host.id() - idBase}; null for ids of other clusters. */
    private final HostState[] byId;
    private final int idBase;
    /** Written on the executor only. */
    private volatile int ejectedCount;

    /**
     * A detector over {@code hosts}.
     *
     * @param hosts    the cluster's hosts (the request path may report only these)
     * @param settings thresholds and times
     * @param clock    {@link System#nanoTime()} in production, a fake clock in tests
     * @param executor runs ejection decisions: single-threaded, never a request-serving event loop ({@code
     *                 Runnable::run} makes reports synchronous, for tests)
     * @param listener told of ejections and their end, on the executor
     */
    public OutlierDetector(final List<Host> hosts, final Settings settings, final LongSupplier clock,
                           final Executor executor, final Listener listener) {
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
        this.listener = listener;
        int min = Integer.MAX_VALUE;
        int max = -1;
        for (final Host h : hosts) {
            min = Math.min(min, h.id());
            max = Math.max(max, h.id());
        }
        this.idBase = max < 0 ? 0 : min;
        this.byId = new HostState[max < 0 ? 0 : max - min + 1];
        this.states = new HostState[hosts.size()];
        for (int i = 0; i < states.length; i++) {
            final HostState s = new HostState(this, hosts.get(i));
            states[i] = s;
            byId[hosts.get(i).id() - idBase] = s;
        }
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ request path (any thread)

    /**
     * The final response from {@code host} had {@code status}: a 5xx counts towards {@code consecutive_5xx} (and a
     * 502, 503 or 504 towards {@code consecutive_gateway_failure} too); anything else resets both counts.
     */
    public void onResponse(final Host host, final int status) {
        final HostState s = state(host);
        if (s == null) {
            return;
        }
        if (status < 500 || status > 599) {
            // Read first: while all is well, no write to shared memory.
            if ((int) C5XX.getOpaque(s) != 0) {
                C5XX.setOpaque(s, 0);
            }
            if ((int) CGW.getOpaque(s) != 0) {
                CGW.setOpaque(s, 0);
            }
            return;
        }
        if (status >= 502 && status <= 504) {
            failure(s, true);
        } else {
            failure(s, false);
            // A 500 breaks a run of gateway failures.
            if ((int) CGW.getOpaque(s) != 0) {
                CGW.setOpaque(s, 0);
            }
        }
    }

    /**
     * {@code host} failed at the gateway level: connect failure or timeout, reset before the response, malformed
     * response. Counts as a 503 (Envoy without split local-origin errors).
     */
    public void onGatewayFailure(final Host host) {
        final HostState s = state(host);
        if (s != null) {
            failure(s, true);
        }
    }

    private HostState state(final Host host) {
        final int i = host.id() - idBase;
        return i >= 0 && i < byId.length ? byId[i] : null;
    }

    private void failure(final HostState s, final boolean gateway) {
        final int n5 = (int) C5XX.getAndAdd(s, 1) + 1;
        final int ng = gateway ? (int) CGW.getAndAdd(s, 1) + 1 : 0;
        if ((n5 >= settings.consecutive5xx || ng >= settings.consecutiveGatewayFailure) && !s.ejected
            && (int) QUEUED.getOpaque(s) == 0 && QUEUED.compareAndSet(s, 0, 1)) {
            executor.execute(s);
        }
    }

    // ------------------------------------------------------------------ executor side

    /** Decides on a host handed over by the request path. On the executor. */
    private void decide(final HostState s) {
        QUEUED.setVolatile(s, 0);
        if (s.ejected) {
            return;
        }
        final Reason reason;
        if ((int) C5XX.getVolatile(s) >= settings.consecutive5xx) {
            reason = Reason.CONSECUTIVE_5XX;
        } else if ((int) CGW.getVolatile(s) >= settings.consecutiveGatewayFailure) {
            reason = Reason.CONSECUTIVE_GATEWAY_FAILURE;
        } else {
            return;   // a success came in between
        }
        final int ejected = ejectedCount;
        // Envoy: skip if ejecting would exceed the percentage, but one host may always be ejected.
        if (ejected > 0 && (long) (ejected + 1) * 100 > (long) states.length * settings.maxEjectionPercent) {
            resetCounts(s);
            return;
        }
        final long now = clock.getAsLong();
        s.timesEjected++;
        final long base = settings.baseEjectionNanos;
        final long time = s.timesEjected > settings.maxEjectionNanos / base ? settings.maxEjectionNanos
            : base * s.timesEjected;   // no overflow, however often a host is ejected
        s.ejectedUntil = now + time;
        s.ejected = true;
        ejectedCount = ejected + 1;
        resetCounts(s);
        listener.ejected(s.host, reason, now, s.ejectedUntil);
    }

    private static void resetCounts(final HostState s) {
        C5XX.setVolatile(s, 0);
        CGW.setVolatile(s, 0);
    }

    /**
     * Ends every ejection whose time is up at {@code nowNanos}. On the executor.
     *
     * @return how many hosts came back
     */
    public int tick(final long nowNanos) {
        int back = 0;
        for (final HostState s : states) {
            if (s.ejected && nowNanos - s.ejectedUntil >= 0) {
                s.ejected = false;
                resetCounts(s);
                ejectedCount--;
                back++;
                listener.unejected(s.host, nowNanos);
            }
        }
        return back;
    }

    /**
     * Envoy's per-interval decay: every host not ejected has its ejection multiplier lowered by one, so a host that
     * behaves again is ejected for shorter next time. On the executor, every {@code interval}.
     */
    public void decay() {
        for (final HostState s : states) {
            if (!s.ejected && s.timesEjected > 0) {
                s.timesEjected--;
            }
        }
    }

    /** When the earliest ejection ends ({@code nanoTime}), or {@link Long#MAX_VALUE} with none. On the executor. */
    public long nextUnejection() {
        long next = Long.MAX_VALUE;
        boolean any = false;
        for (final HostState s : states) {
            if (s.ejected && (!any || s.ejectedUntil - next < 0)) {
                next = s.ejectedUntil;
                any = true;
            }
        }
        return next;
    }

    /** True if {@code host} is ejected now. */
    public boolean isEjected(final Host host) {
        final HostState s = state(host);
        return s != null && s.ejected;
    }

    /** How many hosts are ejected now. */
    public int ejectedCount() {
        return ejectedCount;
    }

    /** How many times {@code host} has been ejected, less the decays since (the ejection-time multiplier). */
    public int timesEjected(final Host host) {
        final HostState s = state(host);
        return s == null ? 0 : s.timesEjected;
    }

    /** One host's counters (written by the request path) and ejection state (written on the executor). */
    private static final class HostState implements Runnable {
        private final OutlierDetector owner;
        private final Host host;
        volatile int consecutive5xx;
        volatile int consecutiveGateway;
        volatile int queued;
        volatile boolean ejected;
        private long ejectedUntil;
        private int timesEjected;

        HostState(final OutlierDetector owner, final Host host) {
            this.owner = owner;
            this.host = host;
        }

        @Override
        public void run() {
            owner.decide(this);
        }
    }
}
