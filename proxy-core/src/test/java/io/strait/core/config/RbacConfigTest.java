package io.strait.core.config;

import io.strait.core.config.RbacConfig.Principal;
import io.strait.core.config.RbacConfig.Principal.Kind;
import io.strait.tls.PeerIdentity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RbacConfigTest {

    private static final PeerIdentity FRONTEND = peer(List.of("spiffe://example.org/ns/demo/sa/frontend"),
        List.of("frontend.demo.svc"));
    private static final PeerIdentity BATCH = peer(List.of("spiffe://example.org/ns/batch/sa/job"), List.of());

    private static PeerIdentity peer(final List<String> uris, final List<String> dns) {
        return new PeerIdentity(PeerIdentity.Kind.SPIFFE, uris.get(0), "CN=x", uris, dns, "00", List.of());
    }

    @Test
    void allowListLetsOnlyItsPrincipalsThrough() {
        final RbacConfig p = new RbacConfig(List.of(new Principal(Kind.SPIFFE_ID,
            "spiffe://example.org/ns/demo/sa/frontend")), List.of());
        assertThat(p.allows(FRONTEND)).isTrue();
        assertThat(p.allows(BATCH)).isFalse();
        assertThat(p.allows(null)).as("no client certificate").isFalse();
    }

    @Test
    void denyIsCheckedFirstAndAbsentAllowMeansEveryoneElse() {
        final RbacConfig p = new RbacConfig(List.of(), List.of(new Principal(Kind.SPIFFE_PREFIX,
            "spiffe://example.org/ns/batch/")));
        assertThat(p.allows(BATCH)).isFalse();
        assertThat(p.allows(FRONTEND)).isTrue();
        assertThat(p.allows(null)).isTrue();
        final RbacConfig both = new RbacConfig(List.of(new Principal(Kind.AUTHENTICATED, "")),
            List.of(new Principal(Kind.SPIFFE_ID, "spiffe://example.org/ns/batch/sa/job")));
        assertThat(both.allows(BATCH)).isFalse();
        assertThat(both.allows(FRONTEND)).isTrue();
        assertThat(both.allows(null)).isFalse();
    }

    @Test
    void dnsExactAndOneLabelWildcard() {
        assertThat(new Principal(Kind.DNS, "FRONTEND.demo.svc").matches(FRONTEND)).isTrue();
        assertThat(new Principal(Kind.DNS, "*.demo.svc").matches(FRONTEND)).isTrue();
        assertThat(new Principal(Kind.DNS, "*.svc").matches(FRONTEND)).as("one label only").isFalse();
        assertThat(new Principal(Kind.DNS, "*.demo.svc").matches(BATCH)).isFalse();
    }

    @Test
    void aPolicyNeedsAPrincipal() {
        assertThatThrownBy(() -> new RbacConfig(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
