package io.strait.core.overload;

import io.strait.core.config.OverloadConfig;
import io.strait.core.config.OverloadConfig.Action;
import io.strait.core.config.OverloadConfig.ActionConfig;
import io.strait.core.config.OverloadConfig.Resource;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Confined to the sampler thread (its owner calls it under the sample lock). When the next sample is due. While any
 * action is in force, or any resource's pressure is at or over its <em>quiet level</em> (half the lowest threshold
 * among the actions that watch it: 0.45 for the default 0.90), the sampler runs every {@code refresh_interval}.
 * Otherwise the interval doubles after each such quiet sample, up to {@link #MAX_QUIET_NANOS} (or the refresh
 * interval, when that is longer), and never so far that a resource rising as fast as it did since the last sample
 * would pass its quiet level before the next one. An idle proxy then wakes its sampler once a second instead of ten
 * times: each wake-up costs the process some 0.1-0.2 ms of CPU, most of it the wake-up itself.
 *
 * <p>The bound: a resource is seen over a threshold at most {@link #MAX_QUIET_NANOS} after it passes it, instead of
 * {@code refresh_interval} after, and only when it climbs from under half that threshold to over it between two
 * samples (with the defaults, half the direct memory budget within one second, all of it held by live buffers).
 */
final class SampleCadence {

    /** The longest interval between two quiet samples (unless the refresh interval is longer). */
    static final long MAX_QUIET_NANOS = 1_000_000_000L;
    /** A resource is quiet while its pressure is under this share of the lowest threshold that watches it. */
    static final double QUIET_SHARE = 0.5;

    private final long baseNanos;
    private final long maxNanos;
    /** By resource ordinal: its quiet level; infinite for a resource no action watches. */
    private final double[] quietBelow;
    /** By resource ordinal: the pressures at the last sample; null before the first. */
    private double[] last;
    private long lastAt;
    private long interval;

    /** The cadence of {@code config}'s monitored resources and actions. */
    SampleCadence(final OverloadConfig config, final Map<Action, Set<Resource>> watched) {
        this.baseNanos = Math.max(1, config.refreshInterval().toNanos());
        this.maxNanos = Math.max(baseNanos, MAX_QUIET_NANOS);
        this.quietBelow = new double[Resource.values().length];
        Arrays.fill(quietBelow, Double.POSITIVE_INFINITY);
        for (final Map.Entry<Action, ActionConfig> e : config.actions().entrySet()) {
            final Set<Resource> rs = watched.get(e.getKey());
            if (rs == null) {
                continue;
            }
            final double level = e.getValue().threshold() * QUIET_SHARE;
            for (final Resource r : rs) {
                quietBelow[r.ordinal()] = Math.min(quietBelow[r.ordinal()], level);
            }
        }
        this.interval = baseNanos;
    }

    /**
     * The delay to the next sample, given this sample's {@code pressures} (by resource ordinal), whether any action is
     * in force, and the time of this sample ({@code nowNanos}, a monotonic clock).
     */
    long next(final double[] pressures, final boolean anyActionInForce, final long nowNanos) {
        final double[] previous = last;
        final long elapsed = nowNanos - lastAt;
        last = pressures.clone();
        lastAt = nowNanos;
        if (anyActionInForce) {
            interval = baseNanos;
            return interval;
        }
        long next = Math.min(maxNanos, interval * 2);
        for (int r = 0; r < pressures.length; r++) {
            final double p = pressures[r];
            final double quiet = quietBelow[r];
            if (p >= quiet) {
                interval = baseNanos;
                return interval;
            }
            final double rise = previous == null ? 0 : p - previous[r];
            if (rise > 0 && elapsed > 0) {
                // the last rise, continued, reaches the quiet level after this long: sample before it does
                next = Math.min(next, (long) ((quiet - p) / rise * elapsed));
            }
        }
        interval = Math.max(baseNanos, next);
        return interval;
    }
}
