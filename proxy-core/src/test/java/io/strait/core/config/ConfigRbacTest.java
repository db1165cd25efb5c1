package io.strait.core.config;

import io.strait.core.config.RbacConfig.Principal;
import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withRoute;
import static org.assertj.core.api.Assertions.assertThat;

class ConfigRbacTest {

    @Test
    void aRoutesPolicyIsBound() {
        final ConfigResult r = ConfigLoader.parse(withRoute("match: { prefix: / }", "cluster: c",
            "rbac: { allow: [ { spiffe_id: \"spiffe://x/ns/a/sa/b\" }, { dns: \"*.svc\" } ], "
                + "deny: [ { spiffe_prefix: \"spiffe://x/ns/bad/\" }, { authenticated: true } ] }"),
            ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        final RbacConfig p = r.config().listeners().get(0).virtualHosts().get(0).routes().get(0).rbac();
        assertThat(p.allow()).containsExactly(new Principal(Principal.Kind.SPIFFE_ID, "spiffe://x/ns/a/sa/b"),
            new Principal(Principal.Kind.DNS, "*.svc"));
        assertThat(p.deny()).containsExactly(new Principal(Principal.Kind.SPIFFE_PREFIX, "spiffe://x/ns/bad/"),
            new Principal(Principal.Kind.AUTHENTICATED, ""));
    }

    @Test
    void badPrincipalsAreNamedWithTheirLine() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c",
            "rbac: { allow: [ { spiffe_id: \"spiffe://x\", dns: a.test } ] }")))
            .containsExactly("t.yaml:9:30: listeners[0].virtual_hosts[0].routes[0].rbac.allow[0]: a principal needs "
                + "exactly one of spiffe_id, spiffe_prefix, dns or authenticated (got spiffe_id, dns)");
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c",
            "rbac: { allow: [ { spiffe_id: \"https://x\" } ] }")))
            .hasSize(1).first().asString().contains("rbac.allow[0].spiffe_id: a SPIFFE ID starts with spiffe://");
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "rbac: { allow: [] }")))
            .hasSize(1).first().asString().contains("an rbac policy needs at least one principal");
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c", "rbac: { allw: [] }")))
            .anySatisfy(e -> assertThat(e).contains("rbac.allw"));
    }

    @Test
    void aListenerPolicyNeedsClientCertificateVerification() {
        final String yaml = String.join("\n",
            "listeners:",
            "  - name: plain",
            "    address: 127.0.0.1:8080",
            "    rbac: { allow: [ { authenticated: true } ] }",
            "    virtual_hosts: [ { domains: [\"*\"], routes: [ { match: { prefix: / }, cluster: c } ] } ]",
            "clusters: [ { name: c, endpoints: [ { address: 127.0.0.1:9000 } ] } ]", "");
        assertThat(errors(yaml)).containsExactly("t.yaml:4:5: listeners[0].rbac: rbac on a listener needs tls with "
            + "client_ca (it authorizes by the verified client certificate)");
    }
}
