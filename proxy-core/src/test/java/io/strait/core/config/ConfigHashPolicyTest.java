package io.strait.core.config;

import io.strait.lb.LbPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withRoute;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigHashPolicyTest {

    private static final String R = "t.yaml:%d:%d: listeners[0].virtual_hosts[0].routes[0].%s";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return String.format(R, line, column, pathAndMessage);
    }

    private static RouteConfig onlyRoute(final String yaml) {
        final ConfigResult r = ConfigLoader.parse(yaml, ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().listeners().get(0).virtualHosts().get(0).routes().get(0);
    }

    @Test
    void hashPolicyIsBoundInOrderWithHeaderNamesLowerCased() {
        final RouteConfig route = onlyRoute(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:",
            "  - { header: X-User }", "  - { cookie: Session }", "  - { source_ip: true }"));
        assertThat(route.hashPolicy()).containsExactly(HashPolicyConfig.ofHeader("x-user"),
            HashPolicyConfig.ofCookie("Session"), HashPolicyConfig.ofSourceIp());
    }

    @Test
    void hashPolicyDefaultsToEmpty() {
        assertThat(onlyRoute(withRoute("match: { prefix: / }", "cluster: c")).hashPolicy()).isEmpty();
        assertThat(onlyRoute(withRoute("match: { prefix: / }", "cluster: c", "hash_policy: []")).hashPolicy())
            .isEmpty();
    }

    @Test
    void ringHashAndMaglevClustersAreAcceptedWithAndWithoutAPolicy() {
        final String yaml = """
            listeners:
              - name: l
                address: 127.0.0.1:0
                virtual_hosts:
                  - domains: [ "*" ]
                    routes:
                      - match: { prefix: /a }
                        cluster: ring
                        hash_policy: [ { cookie: sid } ]
                      - match: { prefix: / }
                        weighted_clusters: [ { cluster: ring, weight: 1 }, { cluster: mag, weight: 1 } ]
            clusters:
              - name: ring
                lb: ring_hash
                endpoints: [ { address: 127.0.0.1:8080 } ]
              - name: mag
                lb: maglev
                endpoints: [ { address: 127.0.0.1:8081 } ]
            """;
        final ConfigResult r = ConfigLoader.parse(yaml, "t.yaml");
        assertThat(r.errors()).isEmpty();
        assertThat(r.config().clusters()).extracting(ClusterConfig::lb)
            .containsExactly(LbPolicy.RING_HASH, LbPolicy.MAGLEV);
    }

    @Test
    void hashPolicyMustBeAListOfMaps() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy: { header: x }")))
            .containsExactly(at(9, 26, "hash_policy: expected a list, got a map"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:", "  - x-user")))
            .containsExactly(at(10, 17, "hash_policy[0]: expected a map, got a string"));
    }

    @Test
    void eachEntryHasExactlyOneKind() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:", "  - { }")))
            .containsExactly(at(10, 17, "hash_policy[0]: a hash policy needs exactly one of header, cookie or "
                + "source_ip"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:",
            "  - { header: x, cookie: y }")))
            .containsExactly(at(10, 30, "hash_policy[0].cookie: a hash policy has exactly one of header, cookie or "
                + "source_ip (already has header)"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:", "  - { hedaer: x }")))
            .containsExactly(
                at(10, 17, "hash_policy[0]: a hash policy needs exactly one of header, cookie or source_ip"),
                at(10, 19, "hash_policy[0].hedaer: unknown field 'hedaer' (did you mean 'header'?)"));
    }

    @Test
    void namesAndSourceIpAreChecked() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:",
            "  - { header: x-a }", "  - { header: \"x y\" }")))
            .containsExactly(at(11, 27, "hash_policy[1].header: 'x y' is not a valid header name"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:", "  - { cookie: \"a=b\" }")))
            .containsExactly(at(10, 27, "hash_policy[0].cookie: 'a=b' is not a valid cookie name"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:",
            "  - { source_ip: false }")))
            .containsExactly(at(10, 30, "hash_policy[0].source_ip: source_ip must be true (leave the entry out "
                + "instead)"));
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:",
            "  - { source_ip: maybe }")))
            .containsExactly(at(10, 30, "hash_policy[0].source_ip: expected true or false, got a string 'maybe'"));
    }

    @Test
    void everyBadEntryIsReported() {
        final List<String> errs = errors(withRoute("match: { prefix: / }", "cluster: c", "hash_policy:",
            "  - { header: \"(\" }", "  - { source_ip: true }", "  - { cookie: \"\" }"));
        assertThat(errs).hasSize(2);
        assertThat(errs.get(0)).startsWith("t.yaml:10:").contains("hash_policy[0].header:");
        assertThat(errs.get(1)).startsWith("t.yaml:12:").contains("hash_policy[2].cookie:");
    }
}
