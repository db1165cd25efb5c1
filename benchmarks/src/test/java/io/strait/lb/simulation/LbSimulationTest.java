package io.strait.lb.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.strait.lb.LbPolicy;
import io.strait.lb.simulation.LbSimulation.Result;
import io.strait.lb.simulation.LbSimulation.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class LbSimulationTest {

    private static final Scenario SCENARIO = Scenario.defaults().withRequests(50_000);

    @Test
    void leastRequestBeatsRoundRobinAndRandomOnMeanAndP99() {
        final Result rr = LbSimulation.run(SCENARIO, LbPolicy.ROUND_ROBIN);
        final Result random = LbSimulation.run(SCENARIO, LbPolicy.RANDOM);
        final Result lr = LbSimulation.run(SCENARIO, LbPolicy.LEAST_REQUEST);

        assertThat(List.of(rr.count(), random.count(), lr.count())).containsOnly(50_000L);
        assertThat(lr.meanMs()).isLessThan(rr.meanMs()).isLessThan(random.meanMs());
        assertThat(lr.p99Ms()).isLessThan(rr.p99Ms()).isLessThan(random.p99Ms());
        // Least request steers work away from the slow hosts; the oblivious policies send them their 20% share.
        assertThat(lr.slowShare()).isLessThan(0.15);
        assertThat(rr.slowShare()).isCloseTo(0.2, offset(0.001));
    }

    @Test
    void sameSeedGivesIdenticalResults() {
        assertThat(LbSimulation.runAll(SCENARIO)).isEqualTo(LbSimulation.runAll(SCENARIO));
    }

    @Test
    void anotherSeedGivesOtherResults() {
        final Scenario other = new Scenario(SCENARIO.hosts(), SCENARIO.slow(), SCENARIO.slowdown(),
                SCENARIO.concurrency(), SCENARIO.requests(), SCENARIO.utilisation(), SCENARIO.seed() + 1);
        assertThat(LbSimulation.run(other, LbPolicy.LEAST_REQUEST))
                .isNotEqualTo(LbSimulation.run(SCENARIO, LbPolicy.LEAST_REQUEST));
    }

    @Test
    void equalHostsAtLowLoadServeAlmostWithoutQueueing() {
        // No slow hosts, 30% load: latency is about the 1 ms mean service time whatever the policy.
        final Scenario even = new Scenario(10, 0, 1.0, 8, 20_000, 0.3, 7L);
        for (final Result r : LbSimulation.runAll(even)) {
            assertThat(r.meanMs()).as(r.policy()).isBetween(0.9, 1.1);
            assertThat(r.slowShare()).isZero();
        }
    }

    @Test
    void rejectsBadScenarios() {
        assertThatThrownBy(() -> new Scenario(10, 11, 5.0, 8, 1000, 0.75, 1L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Scenario(10, 2, 5.0, 8, 1000, 1.0, 1L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Scenario(10, 2, 0.5, 8, 1000, 0.75, 1L))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tableHasOneRowPerPolicy() {
        final String table = LbSimulation.markdownTable(LbSimulation.runAll(SCENARIO.withRequests(2_000)));
        assertThat(table.lines()).hasSize(2 + LbSimulation.POLICIES.size());
        assertThat(table).contains("| round_robin |", "| random |", "| least_request |",
                "| weighted_round_robin (weights ∝ speed) |");
    }
}
