package io.strait.core.route;

import static io.strait.core.route.TestConfigs.clusters;
import static io.strait.core.route.TestConfigs.listener;
import static io.strait.core.route.TestConfigs.prefix;
import static io.strait.core.route.TestConfigs.vhost;
import static io.strait.core.route.TestConfigs.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.strait.core.config.WeightedClusterConfig;

import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WeightedClusterTest {

    private static final int PICKS = 10_000;

    private final TestRequests requests = new TestRequests();

    @AfterEach
    void release() {
        requests.releaseAll();
    }

    /** Compiles one weighted route; cluster names "c0".."c4" resolve to indexes 10..14 (not positions). */
    private Route route(final WeightedClusterConfig... clusters) {
        final RouteTable t = RouteTable.compile(listener(vhost("vh", List.of("*"), weighted(prefix("/"), clusters))),
            name -> 10 + Integer.parseInt(name.substring(1)));
        final Route r = t.match(requests.get("h", "/"));
        assertThat(r.isWeighted()).isTrue();
        return r;
    }

    private static WeightedClusterConfig w(final String cluster, final int weight) {
        return new WeightedClusterConfig(cluster, weight);
    }

    private static int[] histogram(final Route r, final long seed) {
        final int[] counts = new int[5];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < PICKS; i++) {
            counts[r.pickCluster(random.nextLong()) - 10]++;
        }
        return counts;
    }

    @Test
    void everyPointOfTheCumulativeWeightsMapsToItsCluster() {
        final Route r = route(w("c0", 1), w("c1", 0), w("c2", 3));
        assertThat(r.pickCluster(0)).isEqualTo(10);
        assertThat(r.pickCluster(1)).isEqualTo(12);
        assertThat(r.pickCluster(2)).isEqualTo(12);
        assertThat(r.pickCluster(3)).isEqualTo(12);
        assertThat(r.pickCluster(4)).isEqualTo(10);
        assertThat(r.pickCluster(-1)).isEqualTo(12);               // floorMod: negative randoms are fine
        assertThat(r.pickCluster(-4)).isEqualTo(10);
        assertThat(r.pickCluster(Long.MIN_VALUE)).isEqualTo(10);   // 2^63 is a multiple of 4
        assertThat(r.pickCluster(Long.MAX_VALUE)).isEqualTo(12);
        for (long x = -1000; x < 1000; x++) {
            assertThat(r.pickCluster(x)).isNotEqualTo(11);          // weight 0: never picked
        }
    }

    /**
     * A 10/90 split over 10,000 picks stays within ±2 percentage points (±200 picks) of the weights. The
     * standard deviation of a binomial count is sqrt(n p (1 - p)) = sqrt(10000 * 0.1 * 0.9) = 30 picks, so
     * the band is about 6.7 standard deviations wide: a fair picker essentially never leaves it, and a picker
     * that drifts by 2% or more (an off-by-one on the boundaries, swapped weights) does.
     */
    @ParameterizedTest
    @ValueSource(longs = {1L, 42L, 0xC0FFEEL})
    void tenNinetySplitWithinTwoPercent(final long seed) {
        final int[] counts = histogram(route(w("c0", 10), w("c1", 90)), seed);
        assertThat(counts[0] + counts[1]).isEqualTo(PICKS);
        assertThat(counts[0] / (double) PICKS).isCloseTo(0.10, within(0.02));
        assertThat(counts[1] / (double) PICKS).isCloseTo(0.90, within(0.02));
    }

    /**
     * Pearson's chi-square statistic of a 20/30/50 split over 10,000 picks, against the critical value at
     * significance 0.001. With k = 3 clusters the statistic has k - 1 = 2 degrees of freedom, and the
     * chi-square distribution with 2 degrees of freedom is exponential with mean 2: P(X &gt; x) = exp(-x / 2).
     * Setting exp(-x / 2) = 0.001 gives x = 2 ln 1000 = 13.8155. A fair picker exceeds it once in 1,000 seeds
     * (these seeds are fixed, so the test is deterministic); a 1-point bias on 10,000 picks already gives
     * (100^2 / 2000 + 100^2 / 5000) = 7 and a 2-point bias 28, so real skews fail.
     */
    @ParameterizedTest
    @ValueSource(longs = {7L, 2024L, 0xDEADBEEFL})
    void chiSquareOfAThreeWaySplit(final long seed) {
        final int[] weights = {20, 30, 50};
        final int[] counts = histogram(route(w("c0", 20), w("c1", 30), w("c2", 50)), seed);
        double chi2 = 0;
        for (int i = 0; i < weights.length; i++) {
            final double expected = PICKS * weights[i] / 100.0;
            final double d = counts[i] - expected;
            chi2 += d * d / expected;
        }
        final double critical = 2 * Math.log(1000);
        assertThat(critical).isCloseTo(13.8155, within(1e-4));
        assertThat(chi2).isLessThan(critical);
        assertThat(counts[3] + counts[4]).isZero();
    }

    @Test
    void hugeWeightsDoNotOverflow() {
        final int[] counts = histogram(route(w("c0", Integer.MAX_VALUE), w("c1", Integer.MAX_VALUE),
            w("c2", Integer.MAX_VALUE)), 99L);
        for (int i = 0; i < 3; i++) {
            assertThat(counts[i] / (double) PICKS).isCloseTo(1 / 3.0, within(0.02));
        }
    }

    @Test
    void plainClusterIgnoresTheRandom() {
        final RouteTable t = RouteTable.compile(listener(vhost("vh", List.of("*"),
            TestConfigs.route(prefix("/"), "b"))), clusters("a", "b"));
        final Route r = t.match(requests.get("h", "/"));
        assertThat(r.isWeighted()).isFalse();
        assertThat(r.pickCluster(0)).isOne();
        assertThat(r.pickCluster(Long.MIN_VALUE)).isOne();
        assertThat(r.pickCluster(-3)).isOne();
    }
}
