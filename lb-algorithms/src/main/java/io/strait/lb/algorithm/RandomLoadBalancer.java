package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import java.util.SplittableRandom;

/**
 * Confined to its event loop. Random choice from a per-balancer {@link SplittableRandom} seeded with the factory's
 * seed (safe because the balancer is confined to one loop): uniform when the eligible hosts' weights are equal,
 * otherwise in proportion to weight.
 *
 * <p>Weighted picks use Vose's alias method in integers, so a pick is O(1) whatever the host count: every host
 * {@code i} owns a bucket of capacity {@code W} (the sum of weights) holding {@code threshold[i]} of its own
 * probability mass and the rest ({@code W - threshold[i]}) of host {@code alias[i]}'s. A pick draws a bucket uniformly
 * and {@code r} in {@code [0, W)}: {@code r < threshold[i]} picks {@code i}, otherwise {@code alias[i]}. Host {@code j}
 * is then picked with probability exactly {@code w_j / W}, with no floating-point rounding.
 */
final class RandomLoadBalancer extends BaseLoadBalancer {

    private final SplittableRandom random;
    /** Null when weights are equal. */
    private final long[] threshold;
    private final int[] alias;
    private final long totalWeight;

    RandomLoadBalancer(final HostSet set, final long seed) {
        super(set);
        this.random = new SplittableRandom(seed);
        final Host[] hs = hosts;
        final int n = hs.length;
        if (equalWeights()) {
            this.threshold = null;
            this.alias = null;
            this.totalWeight = n;
            return;
        }
        long total = 0;
        final int[] ws = weights;
        for (final int w : ws) {
            total += w;
        }
        this.totalWeight = total;
        this.threshold = new long[n];
        this.alias = new int[n];
        // Mass of each host scaled by n, so a full bucket is exactly `total`.
        final long[] mass = new long[n];
        final int[] small = new int[n];
        final int[] large = new int[n];
        int smalls = 0;
        int larges = 0;
        for (int i = 0; i < n; i++) {
            mass[i] = (long) ws[i] * n;
            if (mass[i] < total) {
                small[smalls++] = i;
            } else {
                large[larges++] = i;
            }
        }
        while (smalls > 0 && larges > 0) {
            final int s = small[--smalls];
            final int l = large[--larges];
            threshold[s] = mass[s];
            alias[s] = l;
            mass[l] -= total - mass[s];
            if (mass[l] < total) {
                small[smalls++] = l;
            } else {
                large[larges++] = l;
            }
        }
        // In integers the masses come out exact: whatever is left is a full bucket of its own.
        while (larges > 0) {
            final int l = large[--larges];
            threshold[l] = total;
            alias[l] = l;
        }
        while (smalls > 0) {
            final int s = small[--smalls];
            threshold[s] = total;
            alias[s] = s;
        }
    }

    @Override
    public Host pick(final long hash) {
        final Host[] hs = hosts;
        final int n = hs.length;
        if (n == 0) {
            return null;
        }
        final SplittableRandom r = random;
        final int i = r.nextInt(n);
        final long[] t = threshold;
        if (t == null) {
            return hs[i];
        }
        return r.nextLong(totalWeight) < t[i] ? hs[i] : hs[alias[i]];
    }
}
