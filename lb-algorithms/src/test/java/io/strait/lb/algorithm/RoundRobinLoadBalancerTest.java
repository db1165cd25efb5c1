package io.strait.lb.algorithm;

import static io.strait.lb.algorithm.TestHosts.counts;
import static io.strait.lb.algorithm.TestHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import io.strait.lb.Host;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancerFactory;
import io.strait.lb.LoadBalancers;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinLoadBalancerTest extends LoadBalancerContractTest {

    @Override
    LoadBalancerFactory factory() {
        return LoadBalancers.factory(LbPolicy.ROUND_ROBIN);
    }

    @Test
    void cyclesInConfigurationOrderIgnoringWeights() {
        final List<Host> hosts = List.of(host(1), host(5), host(10));
        final LoadBalancer lb = create(hosts);
        int previous = hosts.indexOf(lb.pick(0));
        for (int i = 0; i < 299; i++) {
            final int at = hosts.indexOf(lb.pick(0));
            assertThat(at).isEqualTo((previous + 1) % 3);
            previous = at;
        }
        assertThat(counts(lb, hosts, 300)).containsExactly(100, 100, 100);
    }
}
