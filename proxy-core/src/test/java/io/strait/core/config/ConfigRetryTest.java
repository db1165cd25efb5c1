package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withRoute;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigRetryTest {

    private static final String ROUTE_PATH = "listeners[0].virtual_hosts[0].routes[0].";
    private static final String M = "match: { prefix: / }";
    private static final String C = "cluster: c";

    private static RouteConfig route(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withRoute(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().listeners().get(0).virtualHosts().get(0).routes().get(0);
    }

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": " + ROUTE_PATH + pathAndMessage;
    }

    @Test
    void absentMeansNoRetries() {
        assertThat(route(M, C).retry()).isNull();
    }

    @Test
    void onlyOnIsRequiredAndTheRestTakesEnvoysDefaults() {
        assertThat(route(M, C, "retry: { on: [ 5xx ] }").retry()).isEqualTo(new RetryPolicyConfig(1, List.of("5xx"),
            List.of(), null, Duration.ofMillis(25), Duration.ofMillis(250), 64 * 1024));
    }

    @Test
    void everyKeyIsRead() {
        final RetryPolicyConfig r = route(M, C, "timeout: 5s",
            "retry:",
            "  attempts: 3",
            "  on: [ connect-failure, reset, 5xx, gateway-error, retriable-status-codes ]",
            "  retriable_status_codes: [ 409, 429 ]",
            "  per_try_timeout: 500ms",
            "  backoff: { base_interval: 10ms }",
            "  buffer_limit: 1MiB").retry();
        assertThat(r).isEqualTo(new RetryPolicyConfig(3, List.of("connect-failure", "reset", "5xx", "gateway-error",
            "retriable-status-codes"), List.of(409, 429),
            Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofMillis(100), 1024 * 1024));
        assertThat(route(M, C, "retry: { attempts: 0, on: reset, backoff: { base_interval: 1s, max_interval: 1s }, "
            + "buffer_limit: 0 }").retry())
            .isEqualTo(new RetryPolicyConfig(0, List.of("reset"), List.of(), null, Duration.ofSeconds(1),
                Duration.ofSeconds(1), 0));
    }

    @Test
    void onMayBeOneCommaSeparatedStringAsInEnvoy() {
        assertThat(route(M, C, "retry: { on: \"connect-failure, 5xx\" }").retry().retryOn())
            .containsExactly("connect-failure", "5xx");
    }

    @Test
    void aVirtualHostTakesRetryTooAndItsRoutesInherit() {
        final String yaml = String.join("\n",
            "listeners:",
            "  - name: l",
            "    address: 127.0.0.1:0",
            "    virtual_hosts:",
            "      - domains: [ \"*\" ]",
            "        retry: { attempts: 4, on: [ reset ] }",
            "        routes: [ { match: { prefix: / }, cluster: c, timeout: 1s } ]",
            "clusters:",
            "  - name: c",
            "    endpoints: [ { address: 127.0.0.1:8080 } ]",
            "");
        final ConfigResult r = ConfigLoader.parse(yaml, "t.yaml");
        assertThat(r.errors()).isEmpty();
        final VirtualHostConfig vh = r.config().listeners().get(0).virtualHosts().get(0);
        assertThat(vh.retry().attempts()).isEqualTo(4);
        assertThat(vh.routes().get(0).retry()).isNull();   // inherited at compile time

        assertThat(errors(yaml.replace("on: [ reset ] }", "on: [ reset ], per_try_timeout: 2s }")))
            .containsExactly("t.yaml:7:64: listeners[0].virtual_hosts[0].routes[0].timeout: the virtual host's "
                + "retry.per_try_timeout (2s) is longer than the route's timeout (1s): the route timeout bounds "
                + "every try");
    }

    @Test
    void unknownOnValuesGetASuggestion() {
        final String expected = "(expected one of connect-failure, reset, 5xx, gateway-error, retriable-status-codes, "
            + "cancelled, deadline-exceeded, internal, resource-exhausted, unavailable";
        assertThat(errors(withRoute(M, C, "retry: { on: [ 5xx, gateway_error, conect-failure, bogus, reset, 5xx ] }")))
            .containsExactly(
                at(9, 33, "retry.on[1]: unknown retry_on 'gateway_error' " + expected
                    + "; did you mean 'gateway-error'?)"),
                at(9, 48, "retry.on[2]: unknown retry_on 'conect-failure' " + expected
                    + "; did you mean 'connect-failure'?)"),
                at(9, 64, "retry.on[3]: unknown retry_on 'bogus' " + expected + ")"),
                at(9, 78, "retry.on[5]: '5xx' is listed twice"));
        assertThat(errors(withRoute(M, C, "retry: { on: [ unavailible ] }")))
            .containsExactly(at(9, 28, "retry.on[0]: unknown retry_on 'unavailible' " + expected
                + "; did you mean 'unavailable'?)"));
    }

    @Test
    void maxGrpcTimeoutIsADurationZeroMeaningNoCap() {
        assertThat(route(M, C).maxGrpcTimeout()).isNull();
        assertThat(route(M, C, "max_grpc_timeout: 0s").maxGrpcTimeout()).isEqualTo(Duration.ZERO);
        assertThat(route(M, C, "max_grpc_timeout: 30s").maxGrpcTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(errors(withRoute(M, C, "max_grpc_timeout: soon"))).hasSize(1)
            .allSatisfy(e -> assertThat(e).contains("routes[0].max_grpc_timeout"));
    }

    @Test
    void grpcStatusNamesAreRetryOnNamesAsEnvoysRetryGrpcOn() {
        assertThat(route(M, C, "retry: { on: [ cancelled, deadline-exceeded, internal, resource-exhausted, "
            + "unavailable, connect-failure ] }").retry().retryOn())
            .containsExactly("cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
                "connect-failure");
        assertThat(route(M, C, "retry: { on: \"unavailable,reset\" }").retry().retryOn())
            .containsExactly("unavailable", "reset");
    }

    @Test
    void onIsRequiredAndNotEmpty() {
        assertThat(errors(withRoute(M, C, "retry: { attempts: 2 }")))
            .containsExactly(at(9, 20, "retry.on: missing required field 'on'"));
        assertThat(errors(withRoute(M, C, "retry: { on: [] }")))
            .containsExactly(at(9, 26, "retry.on: must not be empty"));
        assertThat(errors(withRoute(M, C, "retry: { on: { a: 1 } }")))
            .containsExactly(at(9, 26, "retry.on: expected a list of retry_on names, got a map"));
    }

    @Test
    void badNumbersAndSizesAreReported() {
        assertThat(errors(withRoute(M, C, "retry: { attempts: -1, on: [ 5xx ], buffer_limit: lots }")))
            .containsExactly(
                at(9, 32, "retry.attempts: must be at least 0, got -1"),
                at(9, 63, "retry.buffer_limit: 'lots' is not a size (expected bytes or a whole number and a unit, "
                    + "such as 8192, 512B, 8KiB or 1MiB)"));
        assertThat(errors(withRoute(M, C, "retry: { on: [ 5xx ], buffer_limit: 4GiB }")))
            .containsExactly(at(9, 49, "retry.buffer_limit: must be between 0 and 2147483647 bytes, got "
                + "4294967296"));
    }

    @Test
    void statusCodesMustBeStatusesAndGoWithRetriableStatusCodes() {
        assertThat(errors(withRoute(M, C, "retry: { on: [ retriable-status-codes ], retriable_status_codes: "
            + "[ 409, 99, 600, x ] }")))
            .containsExactly(
                at(9, 85, "retry.retriable_status_codes[1]: a status code must be between 100 and 599, got 99"),
                at(9, 89, "retry.retriable_status_codes[2]: a status code must be between 100 and 599, got 600"),
                at(9, 94, "retry.retriable_status_codes[3]: expected an HTTP status code, got a string 'x'"));
        assertThat(errors(withRoute(M, C, "retry: { on: [ 5xx ], retriable_status_codes: [ 409 ] }")))
            .containsExactly(at(9, 35, "retry.retriable_status_codes: retriable_status_codes has no effect unless "
                + "'on' includes retriable-status-codes"));
        assertThat(errors(withRoute(M, C, "retry: { on: [ retriable-status-codes ] }")))
            .containsExactly(at(9, 26, "retry.on: 'retriable-status-codes' needs a non-empty retriable_status_codes "
                + "list"));
    }

    @Test
    void timeoutsAndBackoffAreChecked() {
        assertThat(errors(withRoute(M, C, "timeout: 1s", "retry: { on: [ 5xx ], per_try_timeout: 2s }")))
            .containsExactly(at(10, 52, "retry.per_try_timeout: per_try_timeout (2s) is longer than the route's "
                + "timeout (1s): the route timeout bounds every try"));
        // No route timeout: any per-try timeout is fine.
        assertThat(route(M, C, "timeout: 0s", "retry: { on: [ 5xx ], per_try_timeout: 2s }").retry()
            .perTryTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(errors(withRoute(M, C, "retry: { on: [ 5xx ], per_try_timeout: 0s }")))
            .containsExactly(at(9, 52, "retry.per_try_timeout: must be greater than 0"));
        assertThat(errors(withRoute(M, C,
            "retry: { on: [ 5xx ], backoff: { base_interval: 100ms, max_interval: 50ms } }")))
            .containsExactly(at(9, 82, "retry.backoff.max_interval: max_interval (50ms) must not be shorter than "
                + "base_interval (100ms)"));
        assertThat(errors(withRoute(M, C, "retry: { on: [ 5xx ], backoff: { base_interval: 0s, max: 1s } }")))
            .containsExactly(
                at(9, 61, "retry.backoff.base_interval: must be greater than 0"),
                at(9, 65, "retry.backoff.max: unknown field 'max' (expected one of: base_interval, max_interval)"));
    }
}
