package io.strait.core.config;

import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.Clusters;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.lb.Host;
import io.strait.lb.LoadBalancer;
import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withCluster;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The balancer tuning keys of a cluster ({@code least_request}, {@code ring_hash}, {@code maglev}): parsed, checked,
 * and obeyed by the balancer the cluster builds.
 */
class ConfigLbSettingsTest {

    private static final String LR = "lb: least_request";
    private static final String TWO = "endpoints: [ { address: 127.0.0.1:9000, weight: 1 }, "
        + "{ address: 127.0.0.1:9001, weight: 3 } ]";

    private static ClusterConfig parsed(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withCluster(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().clusters().get(1);
    }

    @Test
    void absentMeansEnvoysDefaultsAndEachKeyIsRead() {
        assertThat(parsed("name: d", LR, TWO).leastRequest()).isNull();
        assertThat(parsed("name: d", LR, TWO, "least_request: {}").leastRequest())
            .isEqualTo(LeastRequestConfig.DEFAULT);
        assertThat(parsed("name: d", LR, TWO, "least_request: { choice_count: 5, active_request_bias: 0.5 }")
            .leastRequest()).isEqualTo(new LeastRequestConfig(5, 0.5));
    }

    @Test
    void badSettingsAreReportedWithTheirField() {
        assertThat(errors(withCluster("name: d", "lb: round_robin", TWO, "least_request: { choice_count: 3 }")))
            .singleElement().asString()
            .contains("clusters[1].least_request: least_request settings need lb: least_request (lb is round_robin)");
        assertThat(errors(withCluster("name: d", LR, TWO, "least_request: { choice_count: 1 }")))
            .singleElement().asString().contains("least_request.choice_count: must be between 2 and 100, got 1");
        assertThat(errors(withCluster("name: d", LR, TWO, "least_request: { active_request_bias: -1 }")))
            .singleElement().asString().contains("least_request.active_request_bias");
        assertThat(errors(withCluster("name: d", LR, TWO, "least_request: { choice: 3 }")))
            .singleElement().asString().contains("least_request.choice").contains("choice_count");
    }

    /** Share of picks that go to the weight-1 host while it has 20 active requests and the weight-3 host none. */
    private static double shareOfBusyHost(final String... lines) {
        final Cluster c = Clusters.create(parsed(lines), new StatsRegistry(1).scope("cluster.d.",
            ClusterStat.class), 1);
        final Host busy = c.hosts().get(0);
        for (int i = 0; i < 20; i++) {
            busy.incrementActive();
        }
        final LoadBalancer lb = c.lbFactory().create(c.hostSet(), 42);
        int toBusy = 0;
        final int picks = 40_000;
        for (int i = 0; i < picks; i++) {
            if (lb.pick(0) == busy) {
                toBusy++;
            }
        }
        return (double) toBusy / picks;
    }

    @Test
    void theBiasReachesTheBalancer() {
        // Bias 0: weighted round robin, the busy host keeps its weight's share, 1/4.
        assertThat(shareOfBusyHost("name: d", LR, TWO, "least_request: { active_request_bias: 0 }"))
            .isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.01));
        // Default bias 1: weight / (active + 1) = 1/21 against 3/1, so about 1.6% of the picks.
        assertThat(shareOfBusyHost("name: d", LR, TWO)).isLessThan(0.03);
    }

    @Test
    void ringHashAndMaglevSizesAreReadAndChecked() {
        assertThat(parsed("name: d", "lb: ring_hash", TWO,
            "ring_hash: { minimum_ring_size: 64, maximum_ring_size: 4096 }").ringHash())
            .isEqualTo(new RingHashConfig(64, 4096));
        assertThat(parsed("name: d", "lb: ring_hash", TWO, "ring_hash: {}").ringHash())
            .isEqualTo(new RingHashConfig(1024, 8L * 1024 * 1024));
        assertThat(parsed("name: d", "lb: maglev", TWO, "maglev: { table_size: 7 }").maglev())
            .isEqualTo(new MaglevConfig(7));
        assertThat(errors(withCluster("name: d", "lb: ring_hash", TWO,
            "ring_hash: { minimum_ring_size: 100, maximum_ring_size: 10 }")))
            .singleElement().asString()
            .contains("ring_hash.maximum_ring_size: maximum_ring_size 10 is below minimum_ring_size 100");
        assertThat(errors(withCluster("name: d", "lb: maglev", TWO, "maglev: { table_size: 8 }")))
            .singleElement().asString().contains("maglev.table_size").contains("prime");
        assertThat(errors(withCluster("name: d", "lb: random", TWO, "maglev: { table_size: 7 }")))
            .singleElement().asString().contains("maglev settings need lb: maglev (lb is random)");
    }

    @Test
    void theMaglevTableSizeReachesTheBalancer() {
        // Two equal hosts fill a 7-slot table 4:3, so one gets 4/7 of the keys; the default 65,537 slots split ~1:1.
        final ClusterConfig config = parsed("name: d", "lb: maglev",
            "endpoints: [ { address: 127.0.0.1:9000 }, { address: 127.0.0.1:9001 } ]", "maglev: { table_size: 7 }");
        final Cluster c = Clusters.create(config, new StatsRegistry(1).scope("cluster.d.", ClusterStat.class), 1);
        final LoadBalancer lb = c.lbFactory().create(c.hostSet(), 1);
        final java.util.SplittableRandom keys = new java.util.SplittableRandom(7);
        int first = 0;
        final int picks = 70_000;
        for (int i = 0; i < picks; i++) {
            if (lb.pick(keys.nextLong()) == c.hosts().get(0)) {
                first++;
            }
        }
        final double share = (double) first / picks;
        assertThat(Math.max(share, 1 - share)).isCloseTo(4.0 / 7, org.assertj.core.data.Offset.offset(0.01));
    }
}
