package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import java.util.SplittableRandom;

/**
 * Smooth weighted round robin through an {@link EdfScheduler}: each pick takes the host with the earliest deadline
 * and moves its deadline on by {@code 1 / weight}, so a host of weight 3 comes up three times as often as one of
 * weight 1, interleaved rather than in bursts. With equal weights it is round robin in configuration order.
 * Confined to its event loop.
 *
 * <p>Start offset: the scheduler is advanced by a seed-derived number of picks in {@code [0, min(sum of weights,
 * 16 n))} when built, so loops sharing one host set start at different places of the sequence. With equal weights
 * that bound is a multiple of {@code n}, so the first host is uniform over the hosts.
 */
final class WeightedRoundRobinLoadBalancer extends BaseLoadBalancer {

    private final double[] interval;
    private final EdfScheduler edf;

    WeightedRoundRobinLoadBalancer(final HostSet set, final long seed) {
        super(set);
        final Host[] hs = hosts;
        final int n = hs.length;
        this.interval = new double[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            interval[i] = 1.0 / hs[i].weight();
            total += hs[i].weight();
        }
        if (n == 0) {
            this.edf = null;
            return;
        }
        this.edf = new EdfScheduler(interval);
        final long warmUp = new SplittableRandom(seed).nextLong(Math.min(total, 16L * n));
        for (long k = 0; k < warmUp; k++) {
            edf.advanceTop(interval[edf.top()]);
        }
    }

    @Override
    public Host pick(final long hash) {
        final EdfScheduler s = edf;
        if (s == null) {
            return null;
        }
        final int e = s.top();
        s.advanceTop(interval[e]);
        return hosts[e];
    }
}
