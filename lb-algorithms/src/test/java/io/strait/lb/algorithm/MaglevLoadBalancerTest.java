package io.strait.lb.algorithm;

import static io.strait.lb.algorithm.TestHosts.chiSquare;
import static io.strait.lb.algorithm.TestHosts.counts;
import static io.strait.lb.algorithm.TestHosts.fixedHosts;
import static io.strait.lb.algorithm.TestHosts.mix;
import static io.strait.lb.algorithm.TestHosts.shares;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.strait.lb.Host;
import io.strait.lb.HostSet;
import io.strait.lb.LbPolicy;
import io.strait.lb.LoadBalancer;
import io.strait.lb.LoadBalancerFactory;
import io.strait.lb.LoadBalancers;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaglevLoadBalancerTest extends LoadBalancerContractTest {

    private static final int M = MaglevLoadBalancer.DEFAULT_TABLE_SIZE;
    private static final int KEYS = 100_000;

    @Override
    LoadBalancerFactory factory() {
        return LoadBalancers.factory(LbPolicy.MAGLEV);
    }

    @Override
    boolean hashing() {
        return true;
    }

    @Override
    long hashOf(final int i) {
        return mix(i);
    }

    private MaglevLoadBalancer maglev(final List<Host> hosts) {
        return (MaglevLoadBalancer) factory().create(HostSet.of(hosts), 0);
    }

    private static Map<Host, Integer> slots(final MaglevLoadBalancer lb) {
        final Map<Host, Integer> out = new IdentityHashMap<>();
        for (final Host h : lb.table()) {
            out.merge(h, 1, Integer::sum);
        }
        return out;
    }

    @Test
    void equalWeightsShareTheTableWithinOneSlot() {
        // With equal weights every host claims one slot in every turn (t w >= c w holds exactly when c < t + 1), so
        // after T full turns each holds T slots, and the last, partial turn gives some of them one more: every host
        // holds floor(M / n) or ceil(M / n) slots, far inside "a few %" of M / n (1 / 6553 for n = 10; 1 / 65 for
        // n = 1000).
        for (final int n : new int[] {1, 7, 10, 100, 1000}) {
            final List<Host> hosts = fixedHosts(40_000, n);
            final Map<Host, Integer> slots = slots(maglev(hosts));
            assertThat(slots).hasSize(n);
            for (final int c : slots.values()) {
                assertThat(c).isBetween(M / n, (M + n - 1) / n);
            }
        }
    }

    @Test
    void weightedTableSharesFollowTheWeights() {
        // In turn t host i claims while c_i <= t w_i / w_max, so after T full turns c_i = floor(T w_i / w_max) + 1
        // and a partial turn adds at most 1: c_i is in [T w_i / w_max, T w_i / w_max + 2]. The c_i sum to M, so
        // T W / w_max is in [M - 2n, M] and c_i is within 2 n w_i / W + 2 of M w_i / W: for 1:2:3:4, within 6.
        final List<Host> hosts = fixedHosts(41_000, 1, 2, 3, 4);
        final Map<Host, Integer> slots = slots(maglev(hosts));
        for (int i = 0; i < 4; i++) {
            assertThat((double) slots.get(hosts.get(i))).isCloseTo(M * (i + 1) / 10.0,
                within(6.0));
        }
    }

    @Test
    void weightedKeysFollowTheWeights() {
        // Keys uniform over 2^64 reach slot hash mod M; 2^64 mod M != 0 biases a slot by < 1 / 2^48, nothing. With
        // table shares within 6 / M of w_i / W (above), keys are multinomial with p_i = w_i / W + O(1e-4): the bias
        // adds N sum(d^2 / p) < 0.1 to Pearson's statistic, 3 degrees of freedom, P(chi2 > 16.27) = 0.001. Uniform
        // picking would give ~41,667.
        final List<Host> hosts = fixedHosts(42_000, 1, 2, 3, 4);
        final SplittableRandom random = new SplittableRandom(23);
        final long[] c = counts(maglev(hosts), hosts, KEYS, i -> random.nextLong());
        assertThat(chiSquare(c, shares(1, 2, 3, 4))).isLessThan(16.27);
    }

    @Test
    void pickIsTheUnsignedRemainder() {
        final List<Host> hosts = fixedHosts(43_000, 1, 5, 2);
        final MaglevLoadBalancer lb = maglev(hosts);
        final Host[] table = lb.table();
        final SplittableRandom random = new SplittableRandom(29);
        final long[] edges = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, M, M - 1L, -M, 2L * M + 1};
        for (final long h : edges) {
            assertThat(lb.pick(h)).isSameAs(table[(int) Long.remainderUnsigned(h, M)]);
        }
        for (int i = 0; i < 100_000; i++) {
            final long h = random.nextLong();
            assertThat(lb.pick(h)).isSameAs(table[(int) Long.remainderUnsigned(h, M)]);
        }
    }

    @Test
    void sameHashSameHostWhateverTheSeedOrTheInstance() {
        final List<Host> a = fixedHosts(44_000, 1, 2, 3, 4, 5, 1, 1);
        final List<Host> b = fixedHosts(44_000, 1, 2, 3, 4, 5, 1, 1);
        final LoadBalancer x = factory().create(HostSet.of(a), 1);
        final LoadBalancer y = factory().create(HostSet.of(b), 99);
        final SplittableRandom random = new SplittableRandom(31);
        for (int i = 0; i < 10_000; i++) {
            final long h = random.nextLong();
            assertThat(y.pick(h).toString()).isEqualTo(x.pick(h).toString());
        }
    }

    @Test
    void addingAHostMovesAboutOneInNPlusOneKeys() {
        for (final int n : new int[] {10, 50}) {
            assertAddingAHostMovesFew(n);
        }
    }

    private void assertAddingAHostMovesFew(final int n) {
        // The new host ends up holding floor or ceil of M / (N + 1) slots, each of which some old host held before,
        // so at least that share of the table changes owner; the keys that land there are binomial, so the moved
        // fraction is at least 1 / (N + 1) - 5 sqrt(p (1 - p) / 100,000) (0.0045 for N = 10). Maglev does not promise
        // minimal disruption: the new host's claims shift where old hosts' later turns land, and the paper (section
        // 5.3) measures a small excess when M >> N; it grows with N (over five address sets measured here: 1.01 to
        // 1.05 / (N + 1) for N = 10, 1.22 to 1.27 / (N + 1) for N = 50). The upper bound, 1.5 / (N + 1), allows an
        // excess of half the minimum, where a non-consistent scheme (hash mod N) would move N / (N + 1) of the keys.
        final List<Host> before = fixedHosts(45_000, n);
        final List<Host> after = new ArrayList<>(before);
        after.add(fixedHosts(45_000 + n, 1).get(0));
        final LoadBalancer old = factory().create(HostSet.of(before), 0);
        final LoadBalancer now = factory().create(HostSet.of(after), 0);
        final SplittableRandom random = new SplittableRandom(37);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            final long h = random.nextLong();
            if (old.pick(h) != now.pick(h)) {
                moved++;
            }
        }
        final double p = 1.0 / (n + 1);
        final double fraction = (double) moved / KEYS;
        assertThat(fraction).isBetween(p - 5 * Math.sqrt(p * (1 - p) / KEYS), 1.5 * p);
    }

    @Test
    void smallPrimeTablesWork() {
        final List<Host> hosts = fixedHosts(46_000, 3);
        final MaglevLoadBalancer lb = (MaglevLoadBalancer) LoadBalancers.maglev(7).create(HostSet.of(hosts), 0);
        assertThat(lb.table()).hasSize(7).doesNotContainNull();
        assertThat(slots(lb).values()).allMatch(c -> c == 2 || c == 3);
    }

    @Test
    void oneUpdateSharesOneTable() {
        final HostSet set = HostSet.of(fixedHosts(47_000, 5));
        final MaglevLoadBalancer a = (MaglevLoadBalancer) factory().create(set, 1);
        final MaglevLoadBalancer b = (MaglevLoadBalancer) factory().create(set, 2);
        assertThat(a).isNotSameAs(b);
        assertThat(a.table()).isSameAs(b.table());
    }
}
