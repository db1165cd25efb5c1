package io.strait.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadBalancersTest {

    @Test
    void everyImplementedPolicyHasItsOwnFactory() {
        final LoadBalancerFactory rr = LoadBalancers.factory(LbPolicy.ROUND_ROBIN);
        final LoadBalancerFactory wrr = LoadBalancers.factory(LbPolicy.WEIGHTED_ROUND_ROBIN);
        final LoadBalancerFactory lr = LoadBalancers.factory(LbPolicy.LEAST_REQUEST);
        final LoadBalancerFactory random = LoadBalancers.factory(LbPolicy.RANDOM);
        assertThat(List.of(rr, wrr, lr, random)).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(LoadBalancers.factory(LbPolicy.ROUND_ROBIN)).isSameAs(rr);
        final HostSet set = HostSet.of(List.of(new Host(new InetSocketAddress("127.0.0.1", 8080), 1)));
        for (final LoadBalancerFactory f : List.of(rr, wrr, lr, random)) {
            assertThat(f.create(set, 1).pick(0)).isSameAs(set.all().get(0));
        }
    }

    @Test
    void hashingPoliciesAreNotImplementedYet() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.factory(LbPolicy.RING_HASH))
            .withMessageContaining("ring_hash");
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.factory(LbPolicy.MAGLEV))
            .withMessageContaining("maglev");
    }

    @Test
    void leastRequestParametersAreValidated() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.leastRequest(0, 1.0));
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.leastRequest(2, -0.5));
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.leastRequest(2, Double.NaN));
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.leastRequest(2, Double.POSITIVE_INFINITY));
        assertThat(LoadBalancers.leastRequest(3, 0.5)).isNotNull();
    }

    @Test
    void foreignBalancersAreNeverInPanic() {
        final LoadBalancer foreign = hash -> null;
        assertThat(LoadBalancers.inPanic(foreign)).isFalse();
    }
}
