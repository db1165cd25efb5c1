package io.strait.tls;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SanMatcherTest {

    @Test
    void dnsNamesMatchExactlyIgnoringCaseAndTrailingDot() {
        assertThat(SanMatcher.dnsMatches("api.example.org", "API.Example.org")).isTrue();
        assertThat(SanMatcher.dnsMatches("api.example.org.", "api.example.org")).isTrue();
        assertThat(SanMatcher.dnsMatches("api.example.org", "web.example.org")).isFalse();
        assertThat(SanMatcher.dnsMatches("example.org", "api.example.org")).isFalse();
    }

    @Test
    void aWildcardCoversExactlyOneLabelOnEitherSide() {
        assertThat(SanMatcher.dnsMatches("api.example.org", "*.example.org")).isTrue();
        assertThat(SanMatcher.dnsMatches("*.example.org", "api.example.org")).isTrue();
        assertThat(SanMatcher.dnsMatches("a.b.example.org", "*.example.org")).isFalse();
        assertThat(SanMatcher.dnsMatches("example.org", "*.example.org")).isFalse();
        assertThat(SanMatcher.dnsMatches("*.example.org", "*.example.org")).isTrue();
        assertThat(SanMatcher.dnsMatches("*.org", "*.example.org")).isFalse();
        assertThat(SanMatcher.dnsMatches("api.example.org", "*.other.org")).isFalse();
    }

    @Test
    void uriMatchersCompareExactlyOrByPrefix() {
        final List<String> uris = List.of("spiffe://example.org/ns/demo/sa/frontend");
        assertThat(new SanMatcher(SanMatcher.Kind.URI_EXACT, "spiffe://example.org/ns/demo/sa/frontend")
            .matches(List.of(), uris)).isTrue();
        assertThat(new SanMatcher(SanMatcher.Kind.URI_EXACT, "spiffe://example.org/ns/demo/sa/front")
            .matches(List.of(), uris)).isFalse();
        assertThat(new SanMatcher(SanMatcher.Kind.URI_PREFIX, "spiffe://example.org/ns/demo/")
            .matches(List.of(), uris)).isTrue();
        assertThat(new SanMatcher(SanMatcher.Kind.URI_PREFIX, "spiffe://example.org/ns/prod/")
            .matches(List.of(), uris)).isFalse();
        assertThat(new SanMatcher(SanMatcher.Kind.DNS, "spiffe://example.org/ns/demo/sa/frontend")
            .matches(List.of("frontend.demo"), uris)).as("a DNS matcher ignores URI SANs").isFalse();
    }
}
