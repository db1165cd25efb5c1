package io.strait.lb.algorithm;

import static io.strait.lb.algorithm.TestHosts.host;
import static io.strait.lb.algorithm.TestHosts.hosts;
import static io.strait.lb.algorithm.TestHosts.unhealthy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancerFactory;
import io.strait.lb.LoadBalancers;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every algorithm must do, whatever its policy; each algorithm's test extends this and names its factory
 * (JCTools' {@code MpqSanityTest} pattern).
 */
abstract class LoadBalancerContractTest {

    /** The factory under test. */
    abstract LoadBalancerFactory factory();

    LoadBalancer create(final List<Host> hosts) {
        return factory().create(HostSet.of(hosts), 42L);
    }

    /**
     * True for hashing policies (ring hash, Maglev): they choose by the request's hash and must ignore the seed.
     * Their tests also override {@link #hashOf} so that the contract's picks spread over the hash space.
     */
    boolean hashing() {
        return false;
    }

    /**
     * The hash passed to the contract's {@code i}-th pick. The identity for policies that ignore the hash (so their
     * tests are exactly as before); hashing policies return {@link TestHosts#mix}{@code (i)}, since consecutive small
     * integers all fall before a ring's first point or into a few neighbouring table slots.
     */
    long hashOf(final int i) {
        return i;
    }

    private long[] counts(final LoadBalancer lb, final List<Host> hosts, final int picks) {
        return TestHosts.counts(lb, hosts, picks, this::hashOf);
    }

    @Test
    void emptyHostSetPicksNull() {
        final LoadBalancer lb = create(List.of());
        assertThat(lb.pick(0)).isNull();
        assertThat(lb.pick(1)).isNull();
        assertThat(LoadBalancers.inPanic(lb)).isFalse();
    }

    @Test
    void singleHostIsAlwaysPicked() {
        final Host only = host(3);
        final LoadBalancer lb = create(List.of(only));
        for (int i = 0; i < 100; i++) {
            assertThat(lb.pick(hashOf(i))).isSameAs(only);
        }
    }

    @Test
    void everyOneOfManyHostsIsPicked() {
        // 1000 hosts, 50 picks each on average: a fair random policy misses one with probability ~1000 * e^-50.
        final List<Host> hosts = hosts(1000);
        final long[] counts = counts(create(hosts), hosts, 50_000);
        for (final long c : counts) {
            assertThat(c).isPositive();
        }
    }

    @Test
    void neverPicksAnUnhealthyHostWhileHalfAreHealthy() {
        // Exactly 50% healthy: not below the threshold, so no panic.
        final List<Host> hosts = List.of(host(1), unhealthy(1), host(2), unhealthy(2), host(3), unhealthy(3));
        final LoadBalancer lb = create(hosts);
        assertThat(LoadBalancers.inPanic(lb)).isFalse();
        final long[] counts = counts(lb, hosts, 10_000);
        assertThat(counts[1]).isZero();
        assertThat(counts[3]).isZero();
        assertThat(counts[5]).isZero();
        assertThat(counts[0]).isPositive();
        assertThat(counts[2]).isPositive();
        assertThat(counts[4]).isPositive();
    }

    @Test
    void weightZeroIsNeverPicked() {
        final List<Host> hosts = List.of(host(0), host(1), host(0), host(2));
        final long[] counts = counts(create(hosts), hosts, 10_000);
        assertThat(counts[0]).isZero();
        assertThat(counts[2]).isZero();
        assertThat(counts[1]).isPositive();
        assertThat(counts[3]).isPositive();
    }

    @Test
    void onlyWeightZeroHostsPickNull() {
        final LoadBalancer lb = create(List.of(host(0), host(0)));
        assertThat(lb.pick(0)).isNull();
    }

    @Test
    void panicWhenFewerThanHalfAreHealthyPicksAllHosts() {
        // 2 of 5 healthy = 40% < 50%: every host of weight > 0 is eligible again.
        final List<Host> hosts = List.of(host(1), unhealthy(1), unhealthy(1), host(1), unhealthy(1));
        final LoadBalancer lb = create(hosts);
        assertThat(LoadBalancers.inPanic(lb)).isTrue();
        for (final long c : counts(lb, hosts, 10_000)) {
            assertThat(c).isPositive();
        }
    }

    @Test
    void allUnhealthyIsPanicAndStillPicks() {
        final List<Host> hosts = List.of(unhealthy(1), unhealthy(1));
        final LoadBalancer lb = create(hosts);
        assertThat(LoadBalancers.inPanic(lb)).isTrue();
        for (final long c : counts(lb, hosts, 1_000)) {
            assertThat(c).isPositive();
        }
    }

    @Test
    void panicStillNeverPicksWeightZero() {
        final List<Host> hosts = List.of(unhealthy(0), unhealthy(1), host(1), unhealthy(1));
        final LoadBalancer lb = create(hosts);
        assertThat(LoadBalancers.inPanic(lb)).isTrue(); // 1 of 3 weighted hosts healthy
        final long[] counts = counts(lb, hosts, 10_000);
        assertThat(counts[0]).isZero();
        assertThat(counts[1]).isPositive();
        assertThat(counts[3]).isPositive();
    }

    @Test
    void weightZeroHostsDoNotCountTowardsPanic() {
        // 2 of the 2 hosts that can take traffic are healthy: no panic, though 3 of 5 hosts are unhealthy.
        final List<Host> hosts = List.of(host(1), unhealthy(0), host(1), unhealthy(0), unhealthy(0));
        final LoadBalancer lb = create(hosts);
        assertThat(LoadBalancers.inPanic(lb)).isFalse();
        final long[] counts = counts(lb, hosts, 1_000);
        assertThat(counts[0] + counts[2]).isEqualTo(1_000);
    }

    @Test
    void panicThresholdZeroDisablesPanicAndPicksNullWithNoHealthyHost() {
        final List<Host> hosts = List.of(unhealthy(1), unhealthy(1), unhealthy(2));
        final LoadBalancer lb = factory().create(HostSet.of(hosts, null, 0), 42L);
        assertThat(lb.inPanic()).isFalse();
        for (int i = 0; i < 100; i++) {
            assertThat(lb.pick(hashOf(i))).isNull();
        }
    }

    @Test
    void panicThresholdZeroKeepsToTheFewHealthyHosts() {
        // 1 of 4 healthy = 25%: panic at the default 50%, not with the threshold off.
        final List<Host> hosts = List.of(unhealthy(1), host(1), unhealthy(1), unhealthy(1));
        assertThat(factory().create(HostSet.of(hosts), 42L).inPanic()).isTrue();
        final LoadBalancer lb = factory().create(HostSet.of(hosts, null, 0), 42L);
        assertThat(lb.inPanic()).isFalse();
        final long[] counts = counts(lb, hosts, 1_000);
        assertThat(counts[1]).isEqualTo(1_000);
    }

    @Test
    void panicThresholdIsTheHostSets() {
        // 2 of 3 healthy = 66.7%: below a 70% threshold, at or above 50% and 66%.
        final List<Host> hosts = List.of(host(1), unhealthy(1), host(1));
        assertThat(factory().create(HostSet.of(hosts, null, 50), 42L).inPanic()).isFalse();
        assertThat(factory().create(HostSet.of(hosts, null, 66), 42L).inPanic()).isFalse();
        final LoadBalancer lb = factory().create(HostSet.of(hosts, null, 70), 42L);
        assertThat(lb.inPanic()).isTrue();
        assertThat(counts(lb, hosts, 10_000)[1]).isPositive();
        assertThat(factory().create(HostSet.of(hosts, null, 100), 42L).inPanic()).isTrue();
    }

    @Test
    void inPanicMatchesTheStaticAccessor() {
        final List<Host> hosts = List.of(unhealthy(1), unhealthy(1), host(1));
        final LoadBalancer lb = create(hosts);
        assertThat(lb.inPanic()).isEqualTo(LoadBalancers.inPanic(lb)).isTrue();
    }

    @Test
    void differentSeedsStartAtDifferentHosts() {
        assumeFalse(hashing(), "hashing policies ignore the seed");
        final HostSet set = HostSet.of(hosts(10));
        final Set<Host> first = new HashSet<>();
        for (long seed = 0; seed < 100; seed++) {
            first.add(factory().create(set, seed).pick(0));
        }
        // A seed-derived start that is uniform over 10 hosts gives < 5 distinct firsts in 100 seeds with p < 1e-30.
        assertThat(first).hasSizeGreaterThanOrEqualTo(5);
    }

    @Test
    void hashingPoliciesIgnoreTheSeed() {
        assumeTrue(hashing(), "only hashing policies promise this");
        final HostSet set = HostSet.of(hosts(10));
        final LoadBalancer first = factory().create(set, 0);
        for (long seed = 1; seed < 20; seed++) {
            final LoadBalancer other = factory().create(set, seed * 0x9E3779B97F4A7C15L);
            for (int i = 0; i < 1_000; i++) {
                assertThat(other.pick(hashOf(i))).isSameAs(first.pick(hashOf(i)));
            }
        }
    }

    @Test
    void pickAllocatesNothing() {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final List<Host> hosts = List.of(host(1), host(2), host(3), unhealthy(1), host(5), host(1));
        final LoadBalancer equal = create(hosts(16));
        final LoadBalancer weighted = create(hosts);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += equal.pick(hashOf(i)).id() + weighted.pick(hashOf(i)).id();
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            sink += equal.pick(hashOf(i)).id() + weighted.pick(hashOf(i)).id();
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(sink).isPositive();
        // 200,000 picks: even 8 bytes each would be 1.6 MB; allow a little for the measurement itself.
        assertThat(allocated).isLessThan(4_096);
    }
}
