package io.strait.lb.algorithm;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import java.util.SplittableRandom;

/**
 * Confined to its event loop. Smooth weighted round robin by earliest deadline first (Envoy's {@code
 * edf_scheduler.h}): each pick takes the host with the earliest deadline and moves its deadline on by {@code 1 /
 * weight}, so a host of weight 3 comes up three times as often as one of weight 1, interleaved rather than in bursts.
 * With equal weights it is round robin in configuration order.
 *
 * <p>With fixed weights the EDF sequence repeats every {@code R} picks, {@code R} being the sum of the weights divided
 * by their greatest common divisor. When {@code R <= }{@value #TABLE_PICKS_PER_HOST}{@code  * n} (equal weights,
 * small integer weights), one period is computed when the balancer is built and a pick is a table lookup (at most
 * 256 bytes per host); otherwise each pick runs the {@link EdfScheduler} heap, {@code O(log n)}.
 *
 * <p>Start offset: the sequence starts at a seed-derived position, uniform over the period with a table (with equal
 * weights: uniform over the hosts), or after {@code [0, min(sum of weights, 16 n))} warm-up picks with the heap, so
 * loops sharing one host set do not move in lockstep.
 */
final class WeightedRoundRobinLoadBalancer extends BaseLoadBalancer {

    /** The longest period, per host, that is precomputed into a table. */
    static final int TABLE_PICKS_PER_HOST = 64;

    /** One period of the EDF sequence, as indices into {@code hosts}; null when the heap runs instead. */
    private final int[] table;
    private int next;
    private final double[] interval;
    private final EdfScheduler edf;

    WeightedRoundRobinLoadBalancer(final HostSet set, final long seed) {
        super(set);
        final Host[] hs = hosts;
        final int n = hs.length;
        final SplittableRandom random = new SplittableRandom(seed);
        long gcd = 0;
        long total = 0;
        final int[] ws = weights;
        for (final int w : ws) {
            gcd = gcd(gcd, w);
            total += w;
        }
        if (n == 0) {
            this.table = null;
            this.interval = null;
            this.edf = null;
            return;
        }
        final long period = total / gcd;
        this.interval = new double[n];
        for (int i = 0; i < n; i++) {
            interval[i] = 1.0 / (ws[i] / gcd);
        }
        final EdfScheduler scheduler = new EdfScheduler(interval);
        if (period <= (long) TABLE_PICKS_PER_HOST * n) {
            final int[] t = new int[(int) period];
            for (int k = 0; k < t.length; k++) {
                final int e = scheduler.top();
                scheduler.advanceTop(interval[e]);
                t[k] = e;
            }
            this.table = t;
            this.next = random.nextInt(t.length);
            this.edf = null;
        } else {
            this.table = null;
            this.edf = scheduler;
            final long warmUp = random.nextLong(Math.min(total, 16L * n));
            for (long k = 0; k < warmUp; k++) {
                scheduler.advanceTop(interval[scheduler.top()]);
            }
        }
    }

    private static long gcd(final long a, final long b) {
        long x = a;
        long y = b;
        while (y != 0) {
            final long r = x % y;
            x = y;
            y = r;
        }
        return x;
    }

    /** True when picks come from a precomputed period (for tests). */
    boolean usesTable() {
        return table != null;
    }

    @Override
    public Host pick(final long hash) {
        final int[] t = table;
        if (t != null) {
            final int i = next;
            next = i + 1 == t.length ? 0 : i + 1;
            return hosts[t[i]];
        }
        final EdfScheduler s = edf;
        if (s == null) {
            return null;
        }
        final int e = s.top();
        s.advanceTop(interval[e]);
        return hosts[e];
    }
}
