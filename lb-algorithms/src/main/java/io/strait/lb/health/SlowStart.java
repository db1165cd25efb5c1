package io.strait.lb.health;

import io.strait.lb.Host;

import java.util.List;

/**
 * Immutable. Envoy's slow-start mode: a host that has just become healthy (an active health check passed again, or
 * its outlier ejection ended) gets only part of its weight, growing over {@code window}:
 * {@code factor = max(minWeightPercent / 100, (timeSinceHealthy / window)^(1 / aggression))}, then its full weight.
 * Aggression 1.0 ramps linearly; larger values ramp faster at first.
 *
 * <p>The factors become {@link io.strait.lb.HostSet} effective weights ({@link #effectiveWeights}), which the weighted
 * balancers use; the cluster rebuilds its host set a few times per window while a host ramps, never per request.
 */
public final class SlowStart {

    /** Effective weights are configured weights times this, so that a factor keeps two decimal places. */
    public static final int SCALE = 100;

    /** The {@code healthySince} value of a host that is not ramping (it never came back from being unhealthy). */
    public static final long NOT_RAMPING = Long.MIN_VALUE;

    private final long windowNanos;
    private final double aggression;
    private final double minFactor;

    /**
     * Slow start settings.
     *
     * @param windowNanos      the ramp's length, &gt; 0
     * @param aggression       &gt; 0, finite (Envoy default 1.0)
     * @param minWeightPercent the factor's floor in percent, in [0, 100] (Envoy default 10)
     */
    public SlowStart(final long windowNanos, final double aggression, final double minWeightPercent) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("window must be > 0");
        }
        if (!(aggression > 0) || Double.isInfinite(aggression)) {
            throw new IllegalArgumentException("aggression must be finite and > 0: " + aggression);
        }
        if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
            throw new IllegalArgumentException("min weight percent must be in [0, 100]: " + minWeightPercent);
        }
        this.windowNanos = windowNanos;
        this.aggression = aggression;
        this.minFactor = minWeightPercent / 100.0;
    }

    /** The ramp's length in nanoseconds. */
    public long windowNanos() {
        return windowNanos;
    }

    /**
     * The weight factor of a host healthy for {@code sinceHealthyNanos}: in [{@code min}, 1], 1 from the window's
     * end on (and for a negative time, which means: not ramping).
     */
    public double factor(final long sinceHealthyNanos) {
        if (sinceHealthyNanos < 0 || sinceHealthyNanos >= windowNanos) {
            return 1.0;
        }
        final double x = (double) sinceHealthyNanos / windowNanos;
        final double f = aggression == 1.0 ? x : Math.pow(x, 1.0 / aggression);
        return Math.max(minFactor, f);
    }

    /** True if a host healthy since {@code healthySinceNanos} ({@link #NOT_RAMPING}: not ramping) still ramps. */
    public boolean ramping(final long healthySinceNanos, final long nowNanos) {
        return healthySinceNanos != NOT_RAMPING && nowNanos - healthySinceNanos < windowNanos;
    }

    /**
     * Effective weights for a host set: each host's configured weight times {@link #SCALE}, times its factor while it
     * ramps (at least 1 for a host of weight &gt; 0); null when no host ramps (the configured weights apply).
     *
     * @param hosts        the cluster's hosts
     * @param healthySince per host, when it last became healthy ({@code nanoTime}), or {@link #NOT_RAMPING}
     * @param nowNanos     now
     */
    public int[] effectiveWeights(final List<Host> hosts, final long[] healthySince, final long nowNanos) {
        int[] out = null;
        for (int i = 0; i < hosts.size(); i++) {
            if (ramping(healthySince[i], nowNanos)) {
                out = new int[hosts.size()];
                break;
            }
        }
        if (out == null) {
            return null;
        }
        for (int i = 0; i < out.length; i++) {
            final int w = hosts.get(i).weight();
            final long scaled = Math.min((long) w * SCALE, Integer.MAX_VALUE);
            if (w == 0) {
                out[i] = 0;
            } else if (ramping(healthySince[i], nowNanos)) {
                out[i] = (int) Math.max(1L, Math.round(scaled * factor(nowNanos - healthySince[i])));
            } else {
                out[i] = (int) scaled;
            }
        }
        return out;
    }
}
