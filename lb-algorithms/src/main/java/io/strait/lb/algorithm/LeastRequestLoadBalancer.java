package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import java.util.SplittableRandom;

/**
 * Confined to its event loop. Envoy's least-request balancer.
 *
 * <ul>
 *   <li>Equal weights: <em>power of {@code choiceCount} choices</em> (Mitzenmacher, "The Power of Two Choices in
 *   Randomized Load Balancing", 2001): draw {@code choiceCount} hosts uniformly at random, with replacement, and keep
 *   the one with strictly fewer {@link Host#activeRequests() active requests}; on a tie the earlier draw stays. With
 *   the default of 2 this nearly equalizes load at the cost of two random numbers and two volatile reads.</li>
 *   <li>Unequal weights: an {@link EdfScheduler} whose entries move on by {@code 1 / effective weight}, with
 *   {@code effective weight = weight / (active + 1)^bias} ({@code weight} being the host set's effective weight,
 *   lower during slow start). As in Envoy the effective weight of a host is computed
 *   when it is picked (the request being placed is not yet counted: the caller increments after the pick), so a host
 *   that is busy now comes up again later. Bias 1.0 (the default) makes weight per active request the measure;
 *   bias 0 turns the balancer into weighted round robin; larger biases punish load more.</li>
 * </ul>
 */
final class LeastRequestLoadBalancer extends BaseLoadBalancer {

    /** Envoy's default {@code choice_count}. */
    static final int DEFAULT_CHOICE_COUNT = 2;
    /** Envoy's default {@code active_request_bias}. */
    static final double DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;

    private final SplittableRandom random;
    private final int choiceCount;
    private final double bias;
    /** Null when weights are equal (choices mode). */
    private final EdfScheduler edf;

    LeastRequestLoadBalancer(final HostSet set, final long seed, final int choiceCount, final double bias) {
        super(set);
        this.random = new SplittableRandom(seed);
        this.choiceCount = choiceCount;
        this.bias = bias;
        final Host[] hs = hosts;
        if (hs.length == 0 || equalWeights()) {
            this.edf = null;
            return;
        }
        final double[] intervals = new double[hs.length];
        for (int i = 0; i < hs.length; i++) {
            intervals[i] = 1.0 / effectiveWeight(i);
        }
        this.edf = new EdfScheduler(intervals);
        // A seed-derived start, as for weighted round robin, so loops do not move in lockstep.
        final long warmUp = random.nextInt(hs.length);
        for (long k = 0; k < warmUp; k++) {
            edf.advanceTop(1.0 / effectiveWeight(edf.top()));
        }
    }

    private double effectiveWeight(final int i) {
        final Host h = hosts[i];
        final int w = weights[i];
        final double b = bias;
        final long active = Math.max(h.activeRequests(), 0); // never divide by <= 0, even after a stray decrement
        if (b == 1.0) {
            return w / (double) (active + 1);
        }
        if (b == 0.0) {
            return w;
        }
        return w / Math.pow(active + 1, b);
    }

    @Override
    public Host pick(final long hash) {
        final Host[] hs = hosts;
        final int n = hs.length;
        if (n == 0) {
            return null;
        }
        final EdfScheduler s = edf;
        if (s != null) {
            final int e = s.top();
            s.advanceTop(1.0 / effectiveWeight(e));
            return hs[e];
        }
        if (n == 1) {
            return hs[0];
        }
        final SplittableRandom r = random;
        Host candidate = hs[r.nextInt(n)];
        long candidateActive = candidate.activeRequests();
        for (int c = 1; c < choiceCount; c++) {
            final Host sampled = hs[r.nextInt(n)];
            final long sampledActive = sampled.activeRequests();
            if (sampledActive < candidateActive) {
                candidate = sampled;
                candidateActive = sampledActive;
            }
        }
        return candidate;
    }
}
