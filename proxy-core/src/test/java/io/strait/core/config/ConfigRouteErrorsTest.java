package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withRoute;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigRouteErrorsTest {

    private static final String R = "t.yaml:%d:%d: listeners[0].virtual_hosts[0].routes[0].%s";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return String.format(R, line, column, pathAndMessage);
    }

    @Test
    void fixtureRouteIsValid() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c"))).isEmpty();
    }

    @Test
    void unknownClusterGolden() {
        final String yaml = """
            listeners:
              - name: demo
                address: 127.0.0.1:10000
                virtual_hosts:
                  - domains: [ "*" ]
                    routes:
                      - match: { prefix: /v1/ }
                        cluster: api
                      - match: { prefix: / }
                        cluster: apx
            clusters:
              - name: api
                endpoints: [ { address: 127.0.0.1:8081 } ]
              - name: api-canary
                endpoints: [ { address: 127.0.0.1:8082 } ]
            """;
        final ConfigResult r = ConfigLoader.parse(yaml, "demo.yaml");
        assertThat(r.ok()).isFalse();
        assertThat(r.config()).isNull();
        assertThat(r.errors()).containsExactly(new ConfigError("demo.yaml",
            "listeners[0].virtual_hosts[0].routes[1].cluster", 10, 22,
            "unknown cluster 'apx' (known: api, api-canary)"));
        assertThat(r.errors().get(0).format()).isEqualTo("demo.yaml:10:22: listeners[0].virtual_hosts[0].routes[1]"
            + ".cluster: unknown cluster 'apx' (known: api, api-canary)");
    }

    @Test
    void matchIsRequiredAndNeedsExactlyOneOfPrefixPathRegex() {
        assertThat(errors(withRoute("cluster: c")))
            .containsExactly(at(7, 13, "match: missing required field 'match'"));
        assertThat(errors(withRoute("match: { methods: [ GET ] }", "cluster: c")))
            .containsExactly(at(7, 20, "match: a match needs exactly one of prefix, path or regex"));
        assertThat(errors(withRoute("match: { prefix: /, path: /x }", "cluster: c")))
            .containsExactly(at(7, 33, "match.path: a match has exactly one of prefix, path or regex (already has "
                + "prefix)"));
        assertThat(errors(withRoute("match: /", "cluster: c")))
            .containsExactly(at(7, 20, "match: expected a map, got a string"));
    }

    @Test
    void prefixPathAndRegexAreChecked() {
        assertThat(errors(withRoute("match: { prefix: api }", "cluster: c")))
            .containsExactly(at(7, 30, "match.prefix: prefix must start with '/'"));
        assertThat(errors(withRoute("match: { path: x }", "cluster: c")))
            .containsExactly(at(7, 28, "match.path: path must start with '/'"));
        assertThat(errors(withRoute("match: { regex: \"a(\" }", "cluster: c")))
            .containsExactly(at(7, 29, "match.regex: invalid regex: missing closing ) at 'a(' (RE2 "
                + "syntax: no backreferences or lookaround)"));
    }

    @Test
    void regexesThatNeedBacktrackingAreConfigErrors() {
        assertThat(errors(withRoute("match: { regex: \"/(a)\\\\1\" }", "cluster: c")))
            .containsExactly(at(7, 29, "match.regex: invalid regex: invalid escape sequence at '\\1' (RE2 syntax: "
                + "no backreferences or lookaround)"));
        assertThat(errors(withRoute("match: { prefix: /, headers: [ { name: x-a, regex: \"a(?=b)\" } ] }",
            "cluster: c")))
            .containsExactly(at(7, 64, "match.headers[0].regex: invalid regex: invalid or unsupported Perl syntax "
                + "at '(?=' (RE2 syntax: no backreferences or lookaround)"));
    }

    @Test
    void headerMatchersAreChecked() {
        assertThat(errors(withRoute(
            "match:",
            "  prefix: /",
            "  headers:",
            "    - { name: x-a }",
            "    - { name: x-b, exact: a, prefix: b }",
            "    - { name: \"bad name\", present: true }",
            "    - { name: x-c, present: maybe }",
            "    - { name: x-d, regex: \"[\" }",
            "    - { name: x-e, exact: a, invert: 1 }",
            "    - { exact: a }",
            "cluster: c")))
            .containsExactly(
                at(10, 19, "match.headers[0]: a header matcher needs exactly one of exact, prefix, present or regex"),
                at(11, 42, "match.headers[1].prefix: a header matcher has exactly one of exact, prefix, present or "
                    + "regex (already has exact)"),
                at(12, 27, "match.headers[2].name: 'bad name' is not a valid header name"),
                at(13, 41, "match.headers[3].present: expected true or false, got a string 'maybe'"),
                at(14, 39, "match.headers[4].regex: invalid regex: missing closing ] at '[' "
                    + "(RE2 syntax: no backreferences or lookaround)"),
                at(15, 50, "match.headers[5].invert: expected true or false, got an integer '1'"),
                at(16, 19, "match.headers[6].name: missing required field 'name'"));
    }

    @Test
    void methodsMustBeTokens() {
        assertThat(errors(withRoute("match: { prefix: /, methods: [ GET, \"PO ST\", [ X ] ] }", "cluster: c")))
            .containsExactly(
                at(7, 49, "match.methods[1]: 'PO ST' is not a valid HTTP method token"),
                at(7, 58, "match.methods[2]: expected a method, got a list"));
    }

    @Test
    void exactlyOneOfClusterOrWeightedClusters() {
        assertThat(errors(withRoute("match: { prefix: / }")))
            .containsExactly("t.yaml:7:13: listeners[0].virtual_hosts[0].routes[0]: a route needs exactly one of "
                + "cluster or weighted_clusters");
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c",
            "weighted_clusters: [ { cluster: c, weight: 1 } ]")))
            .containsExactly(at(9, 13, "weighted_clusters: a route has either cluster or weighted_clusters, not "
                + "both"));
    }

    @Test
    void weightedClustersAreChecked() {
        assertThat(errors(withRoute("match: { prefix: / }", "weighted_clusters:",
            "  - { cluster: c, weight: 0 }",
            "  - { cluster: nope, weight: 1 }",
            "  - { cluster: d }",
            "  - { cluster: d, weight: two }")))
            .containsExactly(
                at(9, 39, "weighted_clusters[0].weight: must be between 1 and 10000, got 0"),
                at(10, 28, "weighted_clusters[1].cluster: unknown cluster 'nope' (known: c, d)"),
                at(11, 17, "weighted_clusters[2].weight: missing required field 'weight'"),
                at(12, 39, "weighted_clusters[3].weight: expected an integer, got a string 'two'"));
        assertThat(errors(withRoute("match: { prefix: / }",
            "weighted_clusters: [ { cluster: c, weight: 9000 }, { cluster: d, weight: 1001 } ]")))
            .containsExactly(at(8, 32, "weighted_clusters: the weights add up to 10001; the total must be at most "
                + "10000"));
        assertThat(errors(withRoute("match: { prefix: / }", "weighted_clusters: []")))
            .containsExactly(at(8, 32, "weighted_clusters: must not be empty"));
    }

    @Test
    void timeoutMustBeANonNegativeDurationWithAUnit() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "timeout: -1s")))
            .containsExactly(at(9, 22, "timeout: duration '-1s' must not be negative"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "timeout: 5")))
            .containsExactly(at(9, 22, "timeout: duration '5' has no unit (use us, ms, s, m or h, e.g. 5s)"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "timeout: 5 s")))
            .containsExactly(at(9, 22, "timeout: duration '5 s' has an unknown unit ' s' (use us, ms, s, m or h)"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "timeout: true")))
            .containsExactly(at(9, 22, "timeout: expected a duration such as 250ms, 5s or 1m, got a boolean 'true'"));
    }

    @Test
    void rewritesAreChecked() {
        assertThat(errors(withRoute("match: { path: /a }", "cluster: c", "prefix_rewrite: /b")))
            .containsExactly(at(9, 13, "prefix_rewrite: prefix_rewrite requires match.prefix"));
        assertThat(errors(withRoute("match: { prefix: /a }", "cluster: c", "prefix_rewrite: b")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must start with '/'"));
        assertThat(errors(withRoute("match: { prefix: /a }", "cluster: c", "host_rewrite: \"bad host\"")))
            .containsExactly(at(9, 27, "host_rewrite: 'bad host' is not a valid host name"));
        assertThat(errors(withRoute("match: { prefix: /a }", "cluster: c", "host_rewrite: a.example:99999")))
            .containsExactly(at(9, 27, "host_rewrite: port 99999 is out of range 1..65535"));
    }

    @Test
    void headersToAddAndRemoveAreChecked() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c",
            "request_headers_to_add:",
            "  - { name: \"x y\", value: a }",
            "  - { name: x-a, value: \"a\\nb\" }",
            "  - { name: Content-Length, value: \"0\" }",
            "  - { name: x-b }",
            "response_headers_to_add: [ { name: host, value: h } ]",
            "request_headers_to_remove: [ x-ok, \"x:y\", Transfer-Encoding ]",
            "response_headers_to_remove: x-one")))
            .containsExactly(
                at(10, 25, "request_headers_to_add[0].name: 'x y' is not a valid header name"),
                at(11, 37, "request_headers_to_add[1].value: a header value must not contain LF"),
                at(12, 25, "request_headers_to_add[2].name: 'content-length' cannot be added: it frames the message "
                    + "or belongs to one hop"),
                at(13, 17, "request_headers_to_add[3].value: missing required field 'value'"),
                at(14, 48, "response_headers_to_add[0].name: 'host' cannot be added: use host_rewrite"),
                at(15, 48, "request_headers_to_remove[1]: 'x:y' is not a valid header name"),
                at(15, 55, "request_headers_to_remove[2]: 'transfer-encoding' cannot be removed: the proxy manages "
                    + "it"),
                at(16, 41, "response_headers_to_remove: expected a list, got a string"));
    }

    @Test
    void unknownFieldsGetASuggestion() {
        assertThat(errors(withRoute("match: { prefix: /, header: [] }", "cluster: c", "timout: 5s",
            "frobnicate: 1")))
            .containsExactly(
                at(7, 33, "match.header: unknown field 'header' (did you mean 'headers'?)"),
                at(9, 13, "timout: unknown field 'timout' (did you mean 'timeout'?)"),
                at(10, 13, "frobnicate: unknown field 'frobnicate' (expected one of: match, cluster, "
                    + "weighted_clusters, timeout, prefix_rewrite, host_rewrite, request_headers_to_add, "
                    + "request_headers_to_remove, response_headers_to_add, response_headers_to_remove, hash_policy, "
                    + "retry, rate_limit, max_grpc_timeout, rbac)"));
    }
}
