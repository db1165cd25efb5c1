package io.strait.core.overload;

import io.strait.core.stats.LoopStats;
import io.strait.core.stats.OverloadStat;
import io.strait.core.stats.StatsScope;

import java.util.SplittableRandom;

/**
 * Thread-safe: one writer (the overload sampler) publishes, the event loops read. The actions in force, as one
 * volatile int: a bit per action and, for {@code shed_requests}, the share of new requests to shed (of
 * {@link #FULL_SCALE}). A check is one volatile load (a plain {@code mov} on x86) and a bit test; a check that fires
 * counts itself in the calling loop's stats slot. Nothing allocates.
 *
 * <pre>
 *   bit 0  disable_keepalive        bits 16..26  shed share, 0..1024 (1024: every request)
 *   bit 1  shed_requests
 *   bit 2  stop_accepting_connections
 *   bit 3  reset_streams (the sampler acts on it; loops never read it)
 * </pre>
 */
public final class OverloadState {

    /** The state of a server without an overload manager (tests, {@code enabled: false}): never fires. */
    public static final OverloadState OFF = new OverloadState(null, 0);

    static final int DISABLE_KEEPALIVE = 1;
    static final int SHED_REQUESTS = 1 << 1;
    static final int STOP_ACCEPTING_CONNECTIONS = 1 << 2;
    static final int RESET_STREAMS = 1 << 3;
    static final int SCALE_SHIFT = 16;
    /** A shed share of every request. */
    public static final int FULL_SCALE = 1 << 10;

    /** By loop index; null for {@link #OFF}. */
    private final LoopStats<OverloadStat>[] loops;
    private volatile int state;

    /** The state of a server with {@code loops} event loops, counting in {@code stats}. */
    @SuppressWarnings("unchecked")
    public OverloadState(final StatsScope<OverloadStat> stats, final int loops) {
        if (stats == null) {
            this.loops = null;
            return;
        }
        this.loops = new LoopStats[loops];
        for (int i = 0; i < loops; i++) {
            this.loops[i] = stats.loop(i);
        }
    }

    /**
     * True when a connection just accepted on loop {@code loopIndex} must be closed at once
     * ({@code stop_accepting_connections}); counted.
     */
    public boolean refuseConnection(final int loopIndex) {
        if ((state & STOP_ACCEPTING_CONNECTIONS) == 0) {
            return false;
        }
        loops[loopIndex].inc(OverloadStat.STOP_ACCEPTING_CONNECTIONS_TOTAL);
        return true;
    }

    /**
     * True when a new request on loop {@code loopIndex} must be answered 503 overloaded ({@code shed_requests});
     * under a scaled trigger, for the share in force, drawn from the loop's {@code random}. Counted.
     */
    public boolean shedRequest(final SplittableRandom random, final int loopIndex) {
        final int s = state;
        if ((s & SHED_REQUESTS) == 0) {
            return false;
        }
        final int share = s >>> SCALE_SHIFT;
        if (share < FULL_SCALE && random.nextInt(FULL_SCALE) >= share) {
            return false;
        }
        loops[loopIndex].inc(OverloadStat.SHED_REQUESTS_TOTAL);
        return true;
    }

    /**
     * True when a connection on loop {@code loopIndex} must stop being reused ({@code disable_keepalive}); the caller
     * asks once per connection (it then drains), so the count is of connections. Counted.
     */
    public boolean disableKeepalive(final int loopIndex) {
        if ((state & DISABLE_KEEPALIVE) == 0) {
            return false;
        }
        loops[loopIndex].inc(OverloadStat.DISABLE_KEEPALIVE_TOTAL);
        return true;
    }

    /** The published word (admin, tests): see the class comment for its layout. */
    public int word() {
        return state;
    }

    /** True while {@code action}'s bit is set (admin, tests). */
    public boolean active(final int actionBit) {
        return (state & actionBit) != 0;
    }

    /** Publishes the actions in force (the sampler only). */
    void publish(final int word) {
        state = word;
    }

    /** The word for these actions: {@code bits} and the shed share {@code shedScale} (0..{@link #FULL_SCALE}). */
    static int word(final int bits, final int shedScale) {
        return bits | shedScale << SCALE_SHIFT;
    }
}
