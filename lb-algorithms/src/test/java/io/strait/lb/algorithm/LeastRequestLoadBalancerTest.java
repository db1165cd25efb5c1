package io.strait.lb.algorithm;

import static io.strait.lb.algorithm.TestHosts.chiSquare;
import static io.strait.lb.algorithm.TestHosts.counts;
import static io.strait.lb.algorithm.TestHosts.host;
import static io.strait.lb.algorithm.TestHosts.hosts;
import static io.strait.lb.algorithm.TestHosts.shares;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancerFactory;
import io.strait.lb.LoadBalancers;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastRequestLoadBalancerTest extends LoadBalancerContractTest {

    @Override
    LoadBalancerFactory factory() {
        return LoadBalancers.factory(LbPolicy.LEAST_REQUEST);
    }

    private static void active(final Host h, final int n) {
        for (int i = 0; i < n; i++) {
            h.incrementActive();
        }
    }

    @Test
    void twoChoicesAvoidTheBusiestHost() {
        // P2C picks the busy host only when both draws land on it: p = (1/4)^2 = 1/16. Over 16,000 picks that is
        // binomial with mean 1000 and sd sqrt(16,000 * 1/16 * 15/16) = 30.6; allow 5 sd (153).
        final List<Host> hosts = hosts(4);
        active(hosts.get(0), 10);
        final long[] c = counts(create(hosts), hosts, 16_000);
        assertThat(c[0]).isCloseTo(1000L, within(153L));
    }

    @Test
    void twoChoicesFollowTheOrderOfLoad() {
        // Loads 0 < 1 < 2 < 3: host i wins when the lesser of two uniform draws is i, with probability
        // ((4 - i)^2 - (3 - i)^2) / 16 = 7/16, 5/16, 3/16, 1/16. Chi-square, 3 dof, P(> 16.27) = 0.001.
        final List<Host> hosts = hosts(4);
        for (int i = 0; i < 4; i++) {
            active(hosts.get(i), i);
        }
        final long[] c = counts(create(hosts), hosts, 16_000);
        assertThat(chiSquare(c, shares(7, 5, 3, 1))).isLessThan(16.27);
        assertThat(c[0]).isGreaterThan(c[1]);
        assertThat(c[1]).isGreaterThan(c[2]);
        assertThat(c[2]).isGreaterThan(c[3]);
    }

    @Test
    void tiesAreUniform() {
        // Equal loads: the first draw stays, so the pick is one uniform draw. Chi-square, 3 dof, P(> 16.27) = 0.001.
        final List<Host> hosts = hosts(4);
        for (final Host h : hosts) {
            active(h, 5);
        }
        final long[] c = counts(create(hosts), hosts, 16_000);
        assertThat(chiSquare(c, shares(1, 1, 1, 1))).isLessThan(16.27);
    }

    @Test
    void oneChoiceIgnoresLoad() {
        // choice count 1 is plain random: the busy host keeps its 1/4, i.e. 4000 +- 5 sd (sd = 54.8).
        final List<Host> hosts = hosts(4);
        active(hosts.get(0), 10);
        final LoadBalancer lb = LoadBalancers.leastRequest(1, 1.0).create(HostSet.of(hosts), 3);
        assertThat(counts(lb, hosts, 16_000)[0]).isCloseTo(4000L, within(274L));
    }

    @Test
    void unequalWeightsWithoutLoadFollowWeights() {
        // EDF with fixed effective weights 2 and 1: exactly 2:1 over 3000 picks, +- 1 for the start offset.
        final Host a = host(2);
        final Host b = host(1);
        final long[] c = counts(create(List.of(a, b)), List.of(a, b), 3000);
        assertThat(c[0]).isCloseTo(2000L, within(1L));
        assertThat(c[1]).isCloseTo(1000L, within(1L));
    }

    @Test
    void unequalWeightsAreDividedByLoad() {
        // Effective weight = weight / (active + 1)^bias. A: 2 / (3 + 1) = 0.5, B: 1 / 1 = 1, so B gets 2/3.
        final Host a = host(2);
        final Host b = host(1);
        active(a, 3);
        final List<Host> hosts = List.of(a, b);
        final long[] c = counts(create(hosts), hosts, 3000);
        assertThat(c[0]).isCloseTo(1000L, within(2L));
        assertThat(c[1]).isCloseTo(2000L, within(2L));
    }

    @Test
    void biasTunesTheLoadPenalty() {
        final Host a = host(2);
        final Host b = host(1);
        active(a, 3);
        final List<Host> hosts = List.of(a, b);
        // Bias 0: load ignored, 2:1 by weight.
        final long[] zero = counts(LoadBalancers.leastRequest(2, 0.0).create(HostSet.of(hosts), 5), hosts, 3000);
        assertThat(zero[0]).isCloseTo(2000L, within(2L));
        // Bias 2: A's effective weight is 2 / 4^2 = 1/8 against B's 1: A gets 1/9 of 9000 picks.
        final long[] two = counts(LoadBalancers.leastRequest(2, 2.0).create(HostSet.of(hosts), 5), hosts, 9000);
        assertThat(two[0]).isCloseTo(1000L, within(2L));
    }

    @Test
    void loadChangesAreSeenAtTheNextPick() {
        // Equal weights read active counts at each pick: once host 0 is loaded, it (nearly) stops being chosen.
        final List<Host> hosts = hosts(2);
        final LoadBalancer lb = create(hosts);
        assertThat(counts(lb, hosts, 1000)[0]).isPositive();
        active(hosts.get(0), 1);
        // Host 0 now wins only when both draws are host 0: p = 1/4, so about 250 of 1000 (sd 13.7).
        assertThat(counts(lb, hosts, 1000)[0]).isCloseTo(250L, within(69L));
    }
}
