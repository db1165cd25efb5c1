package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import java.util.SplittableRandom;

/**
 * Random choice from a per-balancer {@link SplittableRandom} seeded with the factory's seed (safe because the balancer
 * is confined to one loop): uniform when the eligible hosts' weights are equal, otherwise in proportion to weight
 * (a draw in {@code [0, sum of weights)} located by binary search over the cumulative weights). Confined to its event
 * loop.
 */
final class RandomLoadBalancer extends BaseLoadBalancer {

    private final SplittableRandom random;
    /** {@code cumulative[i]} = sum of the weights of hosts {@code 0..i}; null when weights are equal. */
    private final long[] cumulative;
    private final long totalWeight;

    RandomLoadBalancer(final HostSet set, final long seed) {
        super(set);
        this.random = new SplittableRandom(seed);
        if (equalWeights()) {
            this.cumulative = null;
            this.totalWeight = hosts.length;
        } else {
            final Host[] hs = hosts;
            this.cumulative = new long[hs.length];
            long sum = 0;
            for (int i = 0; i < hs.length; i++) {
                sum += hs[i].weight();
                cumulative[i] = sum;
            }
            this.totalWeight = sum;
        }
    }

    @Override
    public Host pick(final long hash) {
        final Host[] hs = hosts;
        if (hs.length == 0) {
            return null;
        }
        final long[] cum = cumulative;
        if (cum == null) {
            return hs[random.nextInt(hs.length)];
        }
        final long r = random.nextLong(totalWeight);
        // The first i with cum[i] > r.
        int lo = 0;
        int hi = cum.length - 1;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (cum[mid] > r) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return hs[lo];
    }
}
