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
    void badValuesAreReportedWithPathAndPosition() {
        assertThat(errors(withCluster("name: d", EP,
            "circuit_breakers: { max_connections: 0, max_pending_requests: x, max_requests: 2147483648 }")))
            .containsExactly(
                at(14, 42, "circuit_breakers.max_connections: must be at least 1, got 0"),
                at(14, 67, "circuit_breakers.max_pending_requests: expected an integer, got a string 'x'"),
                at(14, 84, "circuit_breakers.max_requests: must be at least 1, got 2147483648"));
        assertThat(errors(withCluster("name: d", EP, "circuit_breakers: { max_retries: 3 }")))
            .containsExactly(at(14, 25, "circuit_breakers.max_retries: unknown field 'max_retries' (expected one of: "
                + "max_connections, max_pending_requests, max_requests)"));
        assertThat(errors(withCluster("name: d", EP, "circuit_breakers: 5")))
            .containsExactly(at(14, 23, "circuit_breakers: expected a map, got an integer"));
    }
}
