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
    void hashingPoliciesHaveFactories() {
        final LoadBalancerFactory ring = LoadBalancers.factory(LbPolicy.RING_HASH);
        final LoadBalancerFactory maglev = LoadBalancers.factory(LbPolicy.MAGLEV);
        assertThat(List.of(ring, maglev)).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(LoadBalancers.factory(LbPolicy.MAGLEV)).isSameAs(maglev);
        final HostSet set = HostSet.of(List.of(new Host(new InetSocketAddress("127.0.0.1", 8080), 1)));
        for (final LoadBalancerFactory f : List.of(ring, maglev)) {
            assertThat(f.create(set, 1).pick(-7)).isSameAs(set.all().get(0));
        }
    }

    @Test
    void hashingParametersAreValidated() {
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.ringHash(0, 1024));
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.ringHash(2048, 1024));
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.ringHash(1024, 8L * 1024 * 1024 + 1));
        assertThat(LoadBalancers.ringHash(1, 1)).isNotNull();
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.maglev(65_536))
            .withMessageContaining("prime");
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.maglev(1));
        assertThatIllegalArgumentException().isThrownBy(() -> LoadBalancers.maglev(5_000_101));
        assertThat(LoadBalancers.maglev(5_000_011)).isNotNull();
        assertThat(LoadBalancers.maglev(251)).isNotNull();
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
