package io.strait.lb.algorithm;

import static io.strait.lb.algorithm.TestHosts.counts;
import static io.strait.lb.algorithm.TestHosts.host;
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

class WeightedRoundRobinLoadBalancerTest extends LoadBalancerContractTest {

    @Override
    LoadBalancerFactory factory() {
        return LoadBalancers.factory(LbPolicy.WEIGHTED_ROUND_ROBIN);
    }

    @Test
    void equalWeightsBehaveAsRoundRobin() {
        final List<Host> hosts = List.of(host(3), host(3), host(3), host(3), host(3));
        for (long seed = 0; seed < 20; seed++) {
            final LoadBalancer lb = factory().create(HostSet.of(hosts), seed);
            int previous = hosts.indexOf(lb.pick(0));
            for (int i = 0; i < 50; i++) {
                final int at = hosts.indexOf(lb.pick(0));
                assertThat(at).isEqualTo((previous + 1) % 5);
                previous = at;
            }
        }
    }

    @Test
    void picksInProportionToWeightInEveryWindow() {
        // EDF with fixed weights: host i comes due at times k / w_i. Any run of picks spanning one unit of time
        // (sum of weights = 10 picks) holds floor or ceil of w_i picks of host i, whatever the start offset; so each
        // window of 10 holds w_i +- 1, and 10,000 picks hold exactly 1000 w_i +- 1.
        final List<Host> hosts = List.of(host(1), host(2), host(3), host(4));
        for (long seed = 0; seed < 10; seed++) {
            final LoadBalancer lb = factory().create(HostSet.of(hosts), seed);
            for (int window = 0; window < 100; window++) {
                final long[] c = counts(lb, hosts, 10);
                for (int i = 0; i < 4; i++) {
                    assertThat(c[i]).isCloseTo(i + 1, within(1L));
                }
            }
            final long[] c = counts(lb, hosts, 10_000);
            for (int i = 0; i < 4; i++) {
                assertThat(c[i]).isCloseTo(1000L * (i + 1), within(1L));
            }
        }
    }

    @Test
    void heapPathPicksInProportionToWeight() {
        // Weights 1 : 1000 : 7 have a period of 1008 picks > 64 per host: the EDF heap runs at each pick. Over 10
        // periods each host gets exactly 10 w_i, +- 1 for the start offset.
        final List<Host> hosts = List.of(host(1), host(1000), host(7));
        final LoadBalancer lb = factory().create(HostSet.of(hosts), 11);
        assertThat(((WeightedRoundRobinLoadBalancer) lb).usesTable()).isFalse();
        final long[] c = counts(lb, hosts, 10_080);
        assertThat(c[0]).isCloseTo(10L, within(1L));
        assertThat(c[1]).isCloseTo(10_000L, within(1L));
        assertThat(c[2]).isCloseTo(70L, within(1L));
    }

    @Test
    void smallPeriodsAreTabulated() {
        // Weights 100 : 300 : 600 reduce by their gcd to 1 : 3 : 6, a period of 10 picks.
        final List<Host> hosts = List.of(host(100), host(300), host(600));
        final LoadBalancer lb = factory().create(HostSet.of(hosts), 11);
        assertThat(((WeightedRoundRobinLoadBalancer) lb).usesTable()).isTrue();
        assertThat(counts(lb, hosts, 10)).containsExactly(1L, 3L, 6L);
    }

    @Test
    void longRunsStayExact() {
        // Heap path (period 1000 > 3 * 64). Past the scheduler's rebase point (deadline 1024, i.e. 1,024,000 picks),
        // the proportions must hold as exactly as at the start.
        final List<Host> weighted = List.of(host(101), host(300), host(599));
        final LoadBalancer lb = factory().create(HostSet.of(weighted), 7);
        assertThat(((WeightedRoundRobinLoadBalancer) lb).usesTable()).isFalse();
        counts(lb, weighted, 2_000_000);
        final long[] c = counts(lb, weighted, 100_000);
        assertThat(c[0]).isCloseTo(10_100L, within(1L));
        assertThat(c[1]).isCloseTo(30_000L, within(1L));
        assertThat(c[2]).isCloseTo(59_900L, within(1L));
    }
}
