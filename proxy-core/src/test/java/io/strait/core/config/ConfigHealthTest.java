package io.strait.core.config;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.strait.core.config.HealthCheckConfig.StatusRange;
import io.strait.core.config.HealthCheckConfig.Type;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigHealthTest {

    private static final String EP = "endpoints: [ { address: 127.0.0.1:9000 } ]";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": clusters[1]." + pathAndMessage;
    }

    private static ClusterConfig parsed(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withCluster(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().clusters().get(1);
    }

    private static List<String> errs(final String line) {
        return errors(withCluster("name: d", EP, line));
    }

    @Test
    void absentMeansNoHealthCheckingAndPanicAt50() {
        final ClusterConfig c = parsed("name: d", EP);
        assertThat(c.healthCheck()).isNull();
        assertThat(c.outlierDetection()).isNull();
        assertThat(c.slowStart()).isNull();
        assertThat(c.panicThreshold()).isEqualTo(50);
        assertThat(new ClusterConfig(c.name(), c.lb(), c.endpoints(), c.connectTimeout(), c.pool(),
            c.circuitBreakers())).isEqualTo(c);
    }

    @Test
    void httpHealthCheckDefaults() {
        final HealthCheckConfig h = parsed("name: d", EP, "health_check: { path: /healthz }").healthCheck();
        assertThat(h).isEqualTo(new HealthCheckConfig(Type.HTTP, "/healthz", "d", List.of(new StatusRange(200, 299)),
            Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(1), 3, 2));
        assertThat(h.expects(200)).isTrue();
        assertThat(h.expects(299)).isTrue();
        assertThat(h.expects(300)).isFalse();
    }

    @Test
    void everyHealthCheckKey() {
        final HealthCheckConfig h = parsed("name: d", EP, "health_check: { type: http, path: \"/h?x=1\", "
            + "host: hc.local, "
            + "expected_statuses: [ 200-399, 418 ], interval: 200ms, interval_jitter: 20ms, timeout: 100ms, "
            + "unhealthy_threshold: 1, healthy_threshold: 4 }").healthCheck();
        assertThat(h).isEqualTo(new HealthCheckConfig(Type.HTTP, "/h?x=1", "hc.local",
            List.of(new StatusRange(200, 399), new StatusRange(418, 418)), Duration.ofMillis(200),
            Duration.ofMillis(20), Duration.ofMillis(100), 1, 4));
        assertThat(h.expects(418)).isTrue();
        assertThat(h.expects(400)).isFalse();
        assertThat(parsed("name: d", EP, "health_check: { path: /, interval: 2s, interval_jitter: 50% }")
            .healthCheck().intervalJitter()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void tcpIsInferredWithoutAPath() {
        final HealthCheckConfig h = parsed("name: d", EP, "health_check: { interval: 2s }").healthCheck();
        assertThat(h.type()).isEqualTo(Type.TCP);
        assertThat(h.path()).isNull();
        assertThat(h.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parsed("name: d", EP, "health_check: { type: tcp }").healthCheck().type()).isEqualTo(Type.TCP);
    }

    @Test
    void healthCheckErrors() {
        assertThat(errs("health_check: { type: http }"))
            .containsExactly(at(14, 27, "health_check.type: an http health check needs a 'path'"));
        assertThat(errs("health_check: { type: tcp, path: /h }"))
            .containsExactly(at(14, 38, "health_check.path: a tcp health check has no path (drop 'path' or use "
                + "type: http)"));
        assertThat(errs("health_check: { type: grpc }")).singleElement().asString()
            .contains("health_check.type: unknown health check type 'grpc'");
        assertThat(errs("health_check: { path: healthz }")).containsExactly(at(14, 27,
            "health_check.path: path must start with '/' and hold no spaces or control characters"));
        assertThat(errs("health_check: { path: /h, expected_statuses: [ 200-99, 600, x, 302 ] }")).containsExactly(
            at(14, 52, "health_check.expected_statuses[0]: expected a status (200) or an inclusive range of statuses "
                + "(\"200-399\"), each in 100..599, the range's first not above its last"),
            at(14, 60, "health_check.expected_statuses[1]: expected a status (200) or an inclusive range of statuses "
                + "(\"200-399\"), each in 100..599, the range's first not above its last"),
            at(14, 65, "health_check.expected_statuses[2]: expected a status (200) or an inclusive range of statuses "
                + "(\"200-399\"), each in 100..599, the range's first not above its last"));
        assertThat(errs("health_check: { path: /h, expected_statuses: [] }"))
            .containsExactly(at(14, 50, "health_check.expected_statuses: must not be empty"));
        assertThat(errs("health_check: { path: /h, unhealthy_threshold: 0, healthy_threshold: -1 }")).containsExactly(
            at(14, 52, "health_check.unhealthy_threshold: must be at least 1, got 0"),
            at(14, 74, "health_check.healthy_threshold: must be at least 1, got -1"));
        assertThat(errs("health_check: { path: /h, interval: 1s, timeout: 1s }"))
            .containsExactly(at(14, 54, "health_check.timeout: timeout (1s) must be shorter than interval (1s)"));
        assertThat(errs("health_check: { path: /h, interval: 500ms }"))
            .containsExactly(at(14, 41, "health_check.interval: timeout (1s) must be shorter than interval (500ms)"));
        assertThat(errs("health_check: { path: /h, interval: 0s }"))
            .containsExactly(at(14, 41, "health_check.interval: must be greater than 0"));
        assertThat(errs("health_check: { path: /h, interval_jitter: 120% }")).containsExactly(at(14, 48,
            "health_check.interval_jitter: expected a percentage in 0%..100% or a duration, got '120%'"));
        assertThat(errs("health_check: { expected_statuses: [ 200 ] }")).containsExactly(at(14, 40,
            "health_check.expected_statuses: 'host' and 'expected_statuses' apply to http health checks only"));
        assertThat(errs("health_check: { path: /h, bogus: 1 }")).singleElement().asString()
            .contains("health_check.bogus: unknown field 'bogus'");
    }

    @Test
    void outlierDetectionDefaultsAndKeys() {
        assertThat(parsed("name: d", EP, "outlier_detection: {}").outlierDetection()).isEqualTo(
            new OutlierDetectionConfig(5, 5, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(300),
                10));
        assertThat(parsed("name: d", EP, "outlier_detection: { consecutive_5xx: 3, consecutive_gateway_failure: 2, "
            + "interval: 1s, base_ejection_time: 200ms, max_ejection_time: 1s, max_ejection_percent: 100 }")
            .outlierDetection()).isEqualTo(new OutlierDetectionConfig(3, 2, Duration.ofSeconds(1),
                Duration.ofMillis(200), Duration.ofSeconds(1), 100));
        // A base time above 300s raises the default max with it.
        assertThat(parsed("name: d", EP, "outlier_detection: { base_ejection_time: 10m }").outlierDetection()
            .maxEjectionTime()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void outlierDetectionErrors() {
        assertThat(errs("outlier_detection: { consecutive_5xx: 0, consecutive_gateway_failure: x, "
            + "max_ejection_percent: 101 }")).containsExactly(
                at(14, 43, "outlier_detection.consecutive_5xx: must be at least 1, got 0"),
                at(14, 75, "outlier_detection.consecutive_gateway_failure: expected an integer, got a string 'x'"),
                at(14, 100, "outlier_detection.max_ejection_percent: must be between 0 and 100, got 101"));
        assertThat(errs("outlier_detection: { base_ejection_time: 2s, max_ejection_time: 1s }")).containsExactly(
            at(14, 69, "outlier_detection.max_ejection_time: max_ejection_time (1s) must not be shorter than "
                + "base_ejection_time (2s)"));
        assertThat(errs("outlier_detection: { base_ejection_time: 0s }"))
            .containsExactly(at(14, 46, "outlier_detection.base_ejection_time: must be greater than 0"));
    }

    @Test
    void slowStartAndPanicThreshold() {
        final ClusterConfig c = parsed("name: d", EP, "slow_start: { window: 30s }", "panic_threshold: 0");
        assertThat(c.slowStart()).isEqualTo(new SlowStartConfig(Duration.ofSeconds(30), 1.0, 10.0));
        assertThat(c.panicThreshold()).isZero();
        assertThat(parsed("name: d", EP, "slow_start: { window: 1s, aggression: 2.5, min_weight_percent: 0 }")
            .slowStart()).isEqualTo(new SlowStartConfig(Duration.ofSeconds(1), 2.5, 0.0));
    }

    @Test
    void slowStartAndPanicThresholdErrors() {
        assertThat(errs("slow_start: { aggression: 1 }"))
            .containsExactly(at(14, 17, "slow_start.window: missing required field 'window'"));
        assertThat(errs("slow_start: { window: 1s, aggression: 0, min_weight_percent: 101 }")).containsExactly(
            at(14, 43, "slow_start.aggression: aggression must be greater than 0"),
            at(14, 66, "slow_start.min_weight_percent: must be between 0.0 and 100.0, got 101"));
        assertThat(errs("slow_start: { window: 1s, aggression: fast }")).containsExactly(
            at(14, 43, "slow_start.aggression: expected a number, got a string 'fast'"));
        assertThat(errs("panic_threshold: 101"))
            .containsExactly(at(14, 22, "panic_threshold: must be between 0 and 100, got 101"));
    }
}
