package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withCluster;
import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigClusterErrorsTest {

    private static final String EP = "endpoints: [ { address: 127.0.0.1:9000 } ]";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": clusters[1]." + pathAndMessage;
    }

    @Test
    void fixtureClusterIsValid() {
        assertThat(errors(withCluster("name: d", EP))).isEmpty();
    }

    @Test
    void nameIsRequiredValidAndUnique() {
        assertThat(errors(withCluster(EP))).containsExactly(at(12, 5, "name: missing required field 'name'"));
        assertThat(errors(withCluster("name: c", EP)))
            .containsExactly(at(12, 11, "name: duplicate cluster name 'c' (also clusters[0])"));
        assertThat(errors(withCluster("name: \"c d\"", EP)))
            .containsExactly(at(12, 11, "name: invalid cluster name 'c d' (use letters, digits, '_', '.' and '-')"));
    }

    @Test
    void lbPolicies() {
        assertThat(errors(withCluster("name: d", "lb: maglev", EP))).isEmpty();
        assertThat(errors(withCluster("name: d", "lb: ring_hash", EP))).isEmpty();
        assertThat(errors(withCluster("name: d", "lb: round_robbin", EP)))
            .containsExactly(at(13, 9, "lb: unknown lb policy 'round_robbin' (expected one of round_robin, "
                + "weighted_round_robin, least_request, random, ring_hash, maglev; did you mean 'round_robin'?)"));
    }

    @Test
    void endpointsAreChecked() {
        assertThat(errors(withCluster("name: d"))).containsExactly(at(12, 5, "endpoints: missing required field "
            + "'endpoints'"));
        assertThat(errors(withCluster("name: d", "endpoints: []")))
            .containsExactly(at(13, 16, "endpoints: must not be empty"));
        assertThat(errors(withCluster("name: d", "endpoints:",
            "  - { address: 127.0.0.1:0 }",
            "  - { address: 127.0.0.1:1, weight: -1 }",
            "  - { address: 127.0.0.1:2, weight: 1.5 }",
            "  - { weight: 1 }",
            "  - 127.0.0.1:3",
            "  - { address: 127.0.0.1:2 }")))
            .containsExactly(
                at(14, 20, "endpoints[0].address: port 0 is out of range 1..65535"),
                at(15, 41, "endpoints[1].weight: must be at least 0, got -1"),
                at(16, 41, "endpoints[2].weight: expected an integer, got a number '1.5'"),
                at(17, 9, "endpoints[3].address: missing required field 'address'"),
                at(18, 9, "endpoints[4]: expected a map, got a string"),
                at(19, 20, "endpoints[5].address: endpoint 127.0.0.1:2 is listed twice (also "
                    + "clusters[1].endpoints[2])"));
        assertThat(errors(withCluster("name: d", "endpoints: [ { address: \"h:1\", weight: 0 }, "
            + "{ address: \"h:2\", weight: 0 } ]")))
            .containsExactly(at(13, 16, "endpoints: at least one endpoint must have a weight above 0"));
    }

    @Test
    void connectTimeoutAndPool() {
        assertThat(errors(withCluster("name: d", EP, "connect_timeout: 0s")))
            .containsExactly(at(14, 22, "connect_timeout: must be greater than 0"));
        assertThat(errors(withCluster("name: d", EP, "pool: { max_idle: -1, idle_timeout: 1d, max_iddle: 3 }")))
            .containsExactly(
                at(14, 23, "pool.max_idle: must be at least 0, got -1"),
                at(14, 41, "pool.idle_timeout: duration '1d' has an unknown unit 'd' (use us, ms, s, m or h)"),
                at(14, 45, "pool.max_iddle: unknown field 'max_iddle' (did you mean 'max_idle'?)"));
        assertThat(errors(withCluster("name: d", EP, "pool: 3")))
            .containsExactly(at(14, 11, "pool: expected a map, got an integer"));
    }

    @Test
    void healthFeaturesOfTheDesignSketchAreAccepted() {
        assertThat(errors(withCluster("name: d", EP,
            "health_check: { path: /healthz, interval: 2s, unhealthy_threshold: 3, healthy_threshold: 2 }",
            "outlier_detection: { consecutive_5xx: 5, base_ejection_time: 30s, max_ejection_percent: 50 }",
            "circuit_breakers: { max_connections: 1024, max_pending_requests: 1024, max_requests: 1024 }")))
            .isEmpty();
    }

    @Test
    void runtimeIsChecked() {
        assertThat(errors(withTopLevel("runtime: { event_loops: 0, transport: epol, drain_timeout: -5s }")))
            .containsExactly(
                "t.yaml:12:25: runtime.event_loops: must be between 1 and 1024, got 0",
                "t.yaml:12:39: runtime.transport: unknown transport 'epol' (expected one of auto, epoll, io_uring, "
                    + "nio; did you mean 'epoll'?)",
                "t.yaml:12:60: runtime.drain_timeout: duration '-5s' must not be negative");
        assertThat(errors(withTopLevel("runtime: { event_loops: many }")))
            .containsExactly("t.yaml:12:25: runtime.event_loops: expected 'auto' or a positive integer, got a string "
                + "'many'");
        assertThat(errors(withTopLevel("runtime: { event_loop: 2 }")))
            .containsExactly("t.yaml:12:12: runtime.event_loop: unknown field 'event_loop' (did you mean "
                + "'event_loops'?)");
    }

    @Test
    void adminIsChecked() {
        assertThat(errors(withTopLevel("admin: { adress: 127.0.0.1:9901 }")))
            .containsExactly(
                "t.yaml:12:10: admin.adress: unknown field 'adress' (did you mean 'address'?)");
        assertThat(errors(withTopLevel("admin: { address: \"localhost\" }")))
            .containsExactly("t.yaml:12:19: admin.address: 'localhost' is not host:port (the port is missing, e.g. "
                + "localhost:8080)");
    }
}
