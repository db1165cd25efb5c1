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
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RingHashLoadBalancerTest extends LoadBalancerContractTest {

    private static final int KEYS = 100_000;

    /**
     * The contract runs on a ring of at least 65,536 points. With Envoy's default minimum of 1024, 1000 hosts get 2
     * points each; a host's share is then Gamma(2)-distributed with mean 1/1000, and the chance that 50,000 keys miss
     * it is E[exp(-50,000 s)] = (1 + 50,000 / 2000)^-2 ~ 1/676: about 1.5 of 1000 hosts would get no key (a real
     * property of small rings, and why Envoy advises a larger minimum for many hosts). With 66 points each it is
     * (1 + 50,000 / 65,536)^-66 ~ e^-37. The tests below use the default ring wherever they name no sizes.
     */
    @Override
    LoadBalancerFactory factory() {
        return LoadBalancers.ringHash(65_536, RingHashLoadBalancer.DEFAULT_MAX_RING_SIZE);
    }

    @Override
    boolean hashing() {
        return true;
    }

    @Override
    long hashOf(final int i) {
        return mix(i);
    }

    private static RingHashLoadBalancer ring(final LoadBalancerFactory f, final List<Host> hosts) {
        return (RingHashLoadBalancer) f.create(HostSet.of(hosts), 0);
    }

    private static LoadBalancerFactory defaults() {
        return LoadBalancers.factory(LbPolicy.RING_HASH);
    }

    @Test
    void ringSizeFollowsEnvoy() {
        // Equal weights: ceil(1024 / n) points each. 1:2:3:4: w_min = 0.1, scale = ceil(102.4) / 0.1 = 1030.
        assertThat(ring(defaults(), fixedHosts(31_000, 1)).ringSize()).isEqualTo(1024);
        assertThat(ring(defaults(), fixedHosts(31_000, 10)).ringSize()).isEqualTo(1030);
        assertThat(ring(defaults(), fixedHosts(31_000, 1000)).ringSize()).isEqualTo(2000);
        assertThat(ring(defaults(), fixedHosts(31_000, 1, 2, 3, 4)).ringSize()).isEqualTo(1030);
        // The maximum caps the scale: 1 : 1000 would need 1001 points; a maximum of 5 leaves the light host its one.
        final List<Host> skewed = fixedHosts(31_000, 1, 1000);
        final RingHashLoadBalancer capped = ring(LoadBalancers.ringHash(1, 5), skewed);
        assertThat(capped.ringSize()).isEqualTo(5);
        assertThat(capped.share(skewed.get(0))).isPositive();
    }

    @Test
    void sameHashSameHostWhateverTheSeedOrTheInstance() {
        // Two host lists with the same addresses but distinct Host objects, different seeds: the same hash must reach
        // the same address, so the ring depends on addresses only.
        final List<Host> a = fixedHosts(32_000, 1, 2, 3, 4, 5, 1, 1);
        final List<Host> b = fixedHosts(32_000, 1, 2, 3, 4, 5, 1, 1);
        final LoadBalancer x = defaults().create(HostSet.of(a), 1);
        final LoadBalancer y = defaults().create(HostSet.of(b), 99);
        final SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 10_000; i++) {
            final long h = random.nextLong();
            assertThat(y.pick(h).toString()).isEqualTo(x.pick(h).toString());
            assertThat(x.pick(h)).isSameAs(x.pick(h));
        }
    }

    @Test
    void picksTheFirstPointAtOrAfterTheHash() {
        // Keys uniform over the hash space must land on each host in proportion to the arcs it owns: chi-square
        // against the ring's own shares, 3 degrees of freedom, P(chi2 > 16.27) = 0.001. A search that was off by one
        // point, or compared signed, would mismatch the shares by whole arcs.
        final List<Host> hosts = fixedHosts(33_000, 1, 2, 3, 4);
        final RingHashLoadBalancer lb = ring(defaults(), hosts);
        final double[] expected = new double[4];
        for (int i = 0; i < 4; i++) {
            expected[i] = lb.share(hosts.get(i));
        }
        assertThat(expected[0] + expected[1] + expected[2] + expected[3]).isCloseTo(1.0, within(1e-9));
        final SplittableRandom random = new SplittableRandom(7);
        final long[] c = counts(lb, hosts, KEYS, i -> random.nextLong());
        assertThat(chiSquare(c, expected)).isLessThan(16.27);
        // The extremes: hash 0 and -1 (2^64 - 1) both reach a host, and a hash above the last point wraps to point 0.
        assertThat(lb.pick(0)).isNotNull();
        assertThat(lb.pick(-1L)).isSameAs(lb.pick(0));
    }

    @Test
    void weightsSetTheSharesOfKeys() {
        // Weights 1:2:3:4, ring of R ~ 131,080 points, N = 100,000 random keys. Host i's share of the ring is a sum of
        // k_i of R uniform spacings: Beta(k_i, R - k_i), so shares deviate from p_i with covariance
        // (diag(p) - p p^T) / R. Key counts add multinomial noise with covariance N (diag(p) - p p^T). The two are
        // independent, so count - N p has covariance N (1 + N / R) (diag(p) - p p^T) and Pearson's statistic divided
        // by (1 + N / R) is chi-square with 3 degrees of freedom: P(> 16.27) = 0.001. The bound is 16.27 (1 + N / R)
        // ~ 28.7. Picking uniformly instead would give ~N sum((0.25 - p)^2 / p) ~ 41,667.
        final List<Host> hosts = fixedHosts(34_000, 1, 2, 3, 4);
        final RingHashLoadBalancer lb =
            ring(LoadBalancers.ringHash(131_072, RingHashLoadBalancer.DEFAULT_MAX_RING_SIZE), hosts);
        final int r = lb.ringSize();
        assertThat(r).isEqualTo(131_080);
        final SplittableRandom random = new SplittableRandom(11);
        final long[] c = counts(lb, hosts, KEYS, i -> random.nextLong());
        assertThat(chiSquare(c, shares(1, 2, 3, 4))).isLessThan(16.27 * (1 + (double) KEYS / r));
    }

    @Test
    void addingAHostToFiftyMovesOnlyKeysToIt() {
        // 50 -> 51 hosts: ceil(1024 / 50) = ceil(1024 / 51) = 21 points each, so the old points all stay and the
        // new host's 21 points take over the arcs just before them: every key that moves, moves to the new host, and
        // the moved fraction is the new host's share of the ring, s ~ Beta(21, 1050), mean 1 / 51 and relative
        // standard deviation sqrt((1 - p) / 21) = 0.216 (the key sampling adds sqrt((1 - p) / (p N)) = 0.022). Bounds
        // [0.13, 1.87] / (N + 1) are 4 standard deviations either way. And against the ring's exact share s, the
        // moved count is binomial(100,000, s): within 5 sqrt(s (1 - s) / 100,000).
        final List<Host> before = fixedHosts(35_000, 50);
        final List<Host> after = new ArrayList<>(before);
        final Host added = fixedHosts(35_050, 1).get(0);
        after.add(added);
        final RingHashLoadBalancer old = ring(defaults(), before);
        final RingHashLoadBalancer now = ring(defaults(), after);
        assertThat(old.ringSize()).isEqualTo(1050);
        assertThat(now.ringSize()).isEqualTo(1071);
        final SplittableRandom random = new SplittableRandom(13);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            final long h = random.nextLong();
            if (old.pick(h) != now.pick(h)) {
                moved++;
                assertThat(now.pick(h)).isSameAs(added);
            }
        }
        final double fraction = (double) moved / KEYS;
        assertThat(fraction).isBetween(0.13 / 51, 1.87 / 51);
        final double s = now.share(added);
        assertThat(fraction).isCloseTo(s, within(5 * Math.sqrt(s * (1 - s) / KEYS)));
    }

    @Test
    void addingAHostToTenMovesAboutTwiceTheMinimum() {
        // 10 -> 11 hosts: Envoy's sizing gives ceil(1024 / 10) = 103 points each before, ceil(1024 / 11) = 94 after,
        // so besides the new host's arcs (share ~ Beta(94, 1034): 0.091 +- 0.009) every old host drops its points
        // 94..102, whose arcs (share ~ 90 / 1030 = 0.087 +- 0.009) pass to the next surviving point, another host's
        // but for ~1/11 of them. Expected moved fraction ~ 0.091 + 0.087 (1 - 0.091) 10 / 11 ~ 0.16 = 1.8 / (N + 1),
        // standard deviation ~ sqrt(184) / 1032 ~ 0.013 = 0.15 / (N + 1). Bounds: at least the new host's share less
        // 4.5 of its standard deviations, 0.5 / (N + 1); at most 2.6 / (N + 1), 5 standard deviations above. A scheme
        // that rehashed everything would move N / (N + 1).
        final List<Host> before = fixedHosts(36_000, 10);
        final List<Host> after = new ArrayList<>(before);
        after.add(fixedHosts(36_010, 1).get(0));
        final LoadBalancer old = defaults().create(HostSet.of(before), 0);
        final LoadBalancer now = defaults().create(HostSet.of(after), 0);
        final SplittableRandom random = new SplittableRandom(17);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            final long h = random.nextLong();
            if (old.pick(h) != now.pick(h)) {
                moved++;
            }
        }
        assertThat((double) moved / KEYS).isBetween(0.5 / 11, 2.6 / 11);
    }

    @Test
    void oneUpdateSharesOneRing() {
        final HostSet set = HostSet.of(fixedHosts(37_000, 5));
        final LoadBalancerFactory f = defaults();
        final RingHashLoadBalancer a = (RingHashLoadBalancer) f.create(set, 1);
        final RingHashLoadBalancer b = (RingHashLoadBalancer) f.create(set, 2);
        assertThat(a).isNotSameAs(b);
        final SplittableRandom random = new SplittableRandom(19);
        for (int i = 0; i < 1000; i++) {
            final long h = random.nextLong();
            assertThat(a.pick(h)).isSameAs(b.pick(h));
        }
    }
}
