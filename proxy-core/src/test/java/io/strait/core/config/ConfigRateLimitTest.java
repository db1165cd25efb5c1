package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withRoute;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigRateLimitTest {

    private static final String ROUTE_PATH = "listeners[0].virtual_hosts[0].routes[0].";

    private static RouteConfig route(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withRoute(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().listeners().get(0).virtualHosts().get(0).routes().get(0);
    }

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": " + ROUTE_PATH + pathAndMessage;
    }

    @Test
    void absentMeansNoLimit() {
        assertThat(route("match: { prefix: / }", "cluster: c").rateLimit()).isNull();
    }

    @Test
    void tokensPerFillDefaultsToMaxTokens() {
        assertThat(route("match: { prefix: / }", "cluster: c", "rate_limit: { max_tokens: 3, fill_interval: 1h }")
            .rateLimit()).isEqualTo(new RateLimitConfig(3, 3, Duration.ofHours(1)));
        assertThat(route("match: { prefix: / }", "cluster: c",
            "rate_limit: { max_tokens: 100, tokens_per_fill: 10, fill_interval: 250ms }").rateLimit())
            .isEqualTo(new RateLimitConfig(100, 10, Duration.ofMillis(250)));
    }

    @Test
    void aVirtualHostTakesRateLimitToo() {
        final String yaml = String.join("\n",
            "listeners:",
            "  - name: l",
            "    address: 127.0.0.1:0",
            "    virtual_hosts:",
            "      - domains: [ \"*\" ]",
            "        rate_limit: { max_tokens: 7, tokens_per_fill: 2, fill_interval: 1s }",
            "        routes: [ { match: { prefix: / }, cluster: c } ]",
            "clusters:",
            "  - name: c",
            "    endpoints: [ { address: 127.0.0.1:8080 } ]",
            "");
        final ConfigResult r = ConfigLoader.parse(yaml, ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        final VirtualHostConfig vh = r.config().listeners().get(0).virtualHosts().get(0);
        assertThat(vh.rateLimit()).isEqualTo(new RateLimitConfig(7, 2, Duration.ofSeconds(1)));
        assertThat(vh.routes().get(0).rateLimit()).isNull();

        final String bad = yaml.replace("max_tokens: 7", "max_tokens: 0");
        assertThat(errors(bad)).containsExactly("t.yaml:6:35: listeners[0].virtual_hosts[0].rate_limit.max_tokens: "
            + "must be at least 1, got 0");
    }

    @Test
    void badValuesAreReportedWithPathAndPosition() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c",
            "rate_limit: { max_tokens: 0, tokens_per_fill: x, fill_interval: 0s }")))
            .containsExactly(
                at(9, 39, "rate_limit.max_tokens: must be at least 1, got 0"),
                at(9, 59, "rate_limit.tokens_per_fill: expected an integer, got a string 'x'"),
                at(9, 77, "rate_limit.fill_interval: must be greater than 0"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "rate_limit: { fill_interval: 1s }")))
            .containsExactly(at(9, 25, "rate_limit.max_tokens: missing required field 'max_tokens'"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "rate_limit: { max_tokens: 1 }")))
            .containsExactly(at(9, 25, "rate_limit.fill_interval: missing required field 'fill_interval'"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c",
            "rate_limit: { max_tokens: 1, fill_interval: 1s, burst: 2 }")))
            .containsExactly(at(9, 61, "rate_limit.burst: unknown field 'burst' (expected one of: max_tokens, "
                + "tokens_per_fill, fill_interval)"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "rate_limit: 5")))
            .containsExactly(at(9, 25, "rate_limit: expected a map, got an integer"));
    }
}
