package io.strait.lb.algorithm;

import static io.strait.lb.algorithm.TestHosts.chiSquare;
import static io.strait.lb.algorithm.TestHosts.counts;
import static io.strait.lb.algorithm.TestHosts.host;
import static io.strait.lb.algorithm.TestHosts.hosts;
import static io.strait.lb.algorithm.TestHosts.shares;
import static org.assertj.core.api.Assertions.assertThat;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancerFactory;
import io.strait.lb.LoadBalancers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomLoadBalancerTest extends LoadBalancerContractTest {

    @Override
    LoadBalancerFactory factory() {
        return LoadBalancers.factory(LbPolicy.RANDOM);
    }

    @Test
    void equalWeightsAreUniform() {
        // Chi-square, 10 hosts = 9 degrees of freedom: P(chi2 > 27.88) = 0.001 for a uniform picker, so a fixed seed
        // passing it is no accident. A picker off by one point for one host (11% instead of 10%) has an expected
        // statistic of ~N * sum((p - q)^2 / q) = 100,000 * (0.01^2 / 0.1 + 9 * 0.0011^2 / 0.1) ~ 111: caught.
        final List<Host> hosts = hosts(10);
        final double[] uniform = new double[10];
        Arrays.fill(uniform, 0.1);
        for (long seed = 1; seed <= 3; seed++) {
            final long[] c = counts(factory().create(HostSet.of(hosts), seed), hosts, 100_000);
            assertThat(chiSquare(c, uniform)).isLessThan(27.88);
        }
    }

    @Test
    void unequalWeightsArePickedInProportion() {
        // 4 hosts, weights 1:2:3:4, 3 degrees of freedom: P(chi2 > 16.27) = 0.001. Picking uniformly instead would
        // give ~100,000 * sum((0.25 - q)^2 / q) ~ 41,667: caught.
        final List<Host> hosts = List.of(host(1), host(2), host(3), host(4));
        for (long seed = 1; seed <= 3; seed++) {
            final LoadBalancer lb = factory().create(HostSet.of(hosts), seed);
            final long[] c = counts(lb, hosts, 100_000);
            assertThat(chiSquare(c, shares(1, 2, 3, 4))).isLessThan(16.27);
        }
    }

    @Test
    void sameSeedSameSequence() {
        final HostSet set = HostSet.of(hosts(50));
        final LoadBalancer a = factory().create(set, 99);
        final LoadBalancer b = factory().create(set, 99);
        for (int i = 0; i < 1000; i++) {
            assertThat(a.pick(i)).isSameAs(b.pick(i));
        }
    }
}
