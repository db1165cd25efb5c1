package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withCluster;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigCircuitBreakersTest {

    private static final String EP = "endpoints: [ { address: 127.0.0.1:9000 } ]";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": clusters[1]." + pathAndMessage;
    }

    private static CircuitBreakersConfig parsed(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withCluster(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().clusters().get(1).circuitBreakers();
    }

    @Test
    void absentOrEmptyMeansEnvoyDefaults() {
        assertThat(parsed("name: d", EP)).isEqualTo(new CircuitBreakersConfig(1024, 1024, 1024));
        assertThat(parsed("name: d", EP, "circuit_breakers: {}")).isEqualTo(CircuitBreakersConfig.DEFAULTS);
    }

    @Test
    void eachLimitIsReadAndTheOthersDefault() {
        assertThat(parsed("name: d", EP, "circuit_breakers: { max_requests: 2 }"))
            .isEqualTo(new CircuitBreakersConfig(1024, 1024, 2));
        assertThat(parsed("name: d", EP,
            "circuit_breakers: { max_connections: 1, max_pending_requests: 7, max_requests: 2147483647 }"))
            .isEqualTo(new CircuitBreakersConfig(1, 7, Integer.MAX_VALUE));
    }

    @Test
    void maxRetriesDefaultsToThreeAndMayBeZero() {
        assertThat(parsed("name: d", EP).maxRetries()).isEqualTo(3);
        assertThat(parsed("name: d", EP, "circuit_breakers: { max_retries: 0 }"))
            .isEqualTo(new CircuitBreakersConfig(1024, 1024, 1024, 0, null));
        assertThat(parsed("name: d", EP, "circuit_breakers: { max_retries: 7 }").retryBudget()).isNull();
    }

    @Test
    void retryBudgetTakesEnvoysDefaultsForWhatIsLeftOut() {
        assertThat(parsed("name: d", EP, "circuit_breakers: { retry_budget: {} }").retryBudget())
            .isEqualTo(new RetryBudgetConfig(20.0, 3));
        assertThat(parsed("name: d", EP,
            "circuit_breakers: { retry_budget: { budget_percent: 12.5, min_retry_concurrency: 0 } }").retryBudget())
            .isEqualTo(new RetryBudgetConfig(12.5, 0));
        assertThat(parsed("name: d", EP, "circuit_breakers: { retry_budget: { budget_percent: 100 } }")
            .retryBudget()).isEqualTo(new RetryBudgetConfig(100.0, 3));
    }

    @Test
    void badRetryLimitsAreReported() {
        assertThat(errors(withCluster("name: d", EP, "circuit_breakers: { max_retries: -1 }")))
            .containsExactly(at(14, 38, "circuit_breakers.max_retries: must be at least 0, got -1"));
        assertThat(errors(withCluster("name: d", EP,
            "circuit_breakers: { retry_budget: { budget_percent: 100.5, min_retry_concurrency: -2 } }")))
            .containsExactly(
                at(14, 57, "circuit_breakers.retry_budget.budget_percent: must be between 0 and 100, got 100.5"),
                at(14, 87, "circuit_breakers.retry_budget.min_retry_concurrency: must be at least 0, got -2"));
        assertThat(errors(withCluster("name: d", EP,
            "circuit_breakers: { retry_budget: { budget_percent: lots, min_retry_concurency: 1 } }")))
            .containsExactly(
                at(14, 57, "circuit_breakers.retry_budget.budget_percent: expected a number, got a string 'lots'"),
                at(14, 63, "circuit_breakers.retry_budget.min_retry_concurency: unknown field "
                    + "'min_retry_concurency' (did you mean 'min_retry_concurrency'?)"));
    }

    @Test
    void badValuesAreReportedWithPathAndPosition() {
        assertThat(errors(withCluster("name: d", EP,
            "circuit_breakers: { max_connections: 0, max_pending_requests: x, max_requests: 2147483648 }")))
            .containsExactly(
                at(14, 42, "circuit_breakers.max_connections: must be at least 1, got 0"),
                at(14, 67, "circuit_breakers.max_pending_requests: expected an integer, got a string 'x'"),
                at(14, 84, "circuit_breakers.max_requests: must be at least 1, got 2147483648"));
        assertThat(errors(withCluster("name: d", EP, "circuit_breakers: { max_retrys: 3 }")))
            .containsExactly(at(14, 25, "circuit_breakers.max_retrys: unknown field 'max_retrys' (did you mean "
                + "'max_retries'?)"));
        assertThat(errors(withCluster("name: d", EP, "circuit_breakers: 5")))
            .containsExactly(at(14, 23, "circuit_breakers: expected a map, got an integer"));
    }
}
