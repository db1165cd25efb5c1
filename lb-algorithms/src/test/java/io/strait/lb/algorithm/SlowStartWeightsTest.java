package io.strait.lb.algorithm;

import static io.strait.lb.algorithm.TestHosts.chiSquare;
import static io.strait.lb.algorithm.TestHosts.counts;
import static io.strait.lb.algorithm.TestHosts.hosts;
import static io.strait.lb.algorithm.TestHosts.mix;
import static io.strait.lb.algorithm.TestHosts.shares;
import static org.assertj.core.api.Assertions.assertThat;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancers;
import io.strait.lb.health.SlowStart;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The weighted balancers take a host set's effective weights (slow start) instead of the configured ones; the
 * hashing balancers keep the configured weights.
 */
class SlowStartWeightsTest {

    private static final long SECOND = 1_000_000_000L;

    /** Four hosts of weight 1, the last one healthy again for a quarter of a 10 s linear window. */
    private static HostSet rampingSet(final List<Host> hosts) {
        final SlowStart slowStart = new SlowStart(10 * SECOND, 1.0, 10);
        final long now = 100 * SECOND;
        final long[] since = {SlowStart.NOT_RAMPING, SlowStart.NOT_RAMPING, SlowStart.NOT_RAMPING,
            now - 10 * SECOND / 4};
        final int[] weights = slowStart.effectiveWeights(hosts, since, now);
        assertThat(weights).containsExactly(100, 100, 100, 25);
        return HostSet.of(hosts, weights, 50);
    }

    @Test
    void weightedRoundRobinGivesTheRampingHostItsFraction() {
        final List<Host> hosts = hosts(4);
        final LoadBalancer lb = LoadBalancers.factory(LbPolicy.WEIGHTED_ROUND_ROBIN).create(rampingSet(hosts), 7);
        final long[] c = counts(lb, hosts, 3_250);
        // EDF is exact over a whole number of periods (325 picks each): 1000, 1000, 1000, 250.
        assertThat(c).containsExactly(1_000, 1_000, 1_000, 250);
    }

    @Test
    void randomGivesTheRampingHostItsFraction() {
        final List<Host> hosts = hosts(4);
        final LoadBalancer lb = LoadBalancers.factory(LbPolicy.RANDOM).create(rampingSet(hosts), 7);
        final long[] c = counts(lb, hosts, 100_000);
        // 3 degrees of freedom: P(chi2 > 16.27) = 0.001.
        assertThat(chiSquare(c, shares(100, 100, 100, 25))).isLessThan(16.27);
    }

    @Test
    void leastRequestGivesTheRampingHostItsFraction() {
        final List<Host> hosts = hosts(4);
        final LoadBalancer lb = LoadBalancers.factory(LbPolicy.LEAST_REQUEST).create(rampingSet(hosts), 7);
        final long[] c = counts(lb, hosts, 32_500);
        // No request stays active: EDF over the effective weights alone.
        assertThat(chiSquare(c, shares(100, 100, 100, 25))).isLessThan(16.27);
        assertThat(c[3]).isBetween(2_400L, 2_600L);
    }

    @Test
    void hashingPoliciesKeepTheConfiguredWeights() {
        for (final LbPolicy p : List.of(LbPolicy.MAGLEV, LbPolicy.RING_HASH)) {
            final List<Host> hosts = hosts(4);
            final LoadBalancer lb = LoadBalancers.factory(p).create(rampingSet(hosts), 7);
            final long[] c = counts(lb, hosts, 100_000, TestHosts::mix);
            assertThat(c[3]).as(p.toString()).isGreaterThan(20_000);
        }
        assertThat(mix(1)).isNotEqualTo(mix(2));
    }

    @Test
    void configuredWeightsWhenNoneRamp() {
        final SlowStart slowStart = new SlowStart(10 * SECOND, 1.0, 10);
        final List<Host> hosts = hosts(2);
        assertThat(slowStart.effectiveWeights(hosts, new long[] {SlowStart.NOT_RAMPING, 0}, 10 * SECOND)).isNull();
    }
}
