package io.strait.core.server;

import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.RecordedRequest;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end over loopback: with a {@code /public} prefix route and an {@code /admin} one to different upstreams, a
 * request whose path climbs out of {@code /public} ({@code ..}, {@code %2e%2e}, {@code //}) is routed by its
 * normalised path and the upstream receives that path, query untouched; escaped slashes and bad percent-encodings are
 * refused with 400 before any upstream sees them. A listener with normalisation switched off routes the raw path.
 */
class PathNormalizationIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: nio }
        listeners:
          - name: normal
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /public }, cluster: public }
                  - { match: { prefix: /admin }, cluster: admin }
          - name: raw
            address: 127.0.0.1:0
            normalize_path: false
            merge_slashes: false
            path_with_escaped_slashes: keep
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /public }, cluster: public }
                  - { match: { prefix: /admin }, cluster: admin }
        clusters:
          - name: public
            endpoints: [ { address: 127.0.0.1:${upstream:public} } ]
          - name: admin
            endpoints: [ { address: 127.0.0.1:${upstream:admin} } ]
        """).upstreams("public", "admin");

    private static TestUpstream publicUpstream;
    private static TestUpstream adminUpstream;

    @BeforeAll
    static void upstreams() {
        publicUpstream = proxy.upstream("public");
        adminUpstream = proxy.upstream("admin");
    }

    @BeforeEach
    void clear() {
        publicUpstream.reset();
        adminUpstream.reset();
    }

    private RawHttpClient client(final String listener) throws IOException {
        return new RawHttpClient(proxy.port(listener));
    }

    @Test
    void attackPathsGoWhereTheNormalisedPathSaysAndTheUpstreamSeesIt() throws Exception {
        final String[][] cases = {
            {"/public/../admin", "/admin"},
            {"/public/%2e%2e/admin?next=/../x%2F", "/admin?next=/../x%2F"},
            {"//admin", "/admin"},
            {"/public/./a//b/%7Ec", "/public/a/b/~c"},
        };
        try (RawHttpClient c = client("normal")) {
            for (final String[] each : cases) {
                final RawResponse r = c.get(each[0], "any.test");
                assertThat(r.status()).as(each[0]).isEqualTo(200);
                final TestUpstream expected = each[1].startsWith("/admin") ? adminUpstream : publicUpstream;
                final RecordedRequest seen = expected.takeRequest(WAIT);
                assertThat(seen).as(each[0]).isNotNull();
                assertThat(seen.uri()).as(each[0]).isEqualTo(each[1]);
            }
        }
        assertThat(publicUpstream.requestCount()).isEqualTo(1);
        assertThat(adminUpstream.requestCount()).isEqualTo(3);
    }

    @Test
    void escapedSlashesAndBadEncodingsAreRefusedBeforeAnyUpstream() throws Exception {
        try (RawHttpClient c = client("normal")) {
            final RawResponse slash = c.get("/public/..%2Fadmin", "any.test");
            assertThat(slash.status()).isEqualTo(400);
            assertThat(slash.header("x-strait-error")).isEqualTo("escaped_slash");
            final RawResponse bad = c.get("/public/%zz", "any.test");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.header("x-strait-error")).isEqualTo("invalid_path");
            // the connection is still usable after a refusal
            assertThat(c.get("/public/ok", "any.test").status()).isEqualTo(200);
        }
        assertThat(publicUpstream.takeRequest(WAIT).uri()).isEqualTo("/public/ok");
        assertThat(adminUpstream.requestCount()).isZero();
        assertThat(publicUpstream.requestCount()).isEqualTo(1);
    }

    @Test
    void withNormalisationOffTheRawPathIsRoutedAndForwarded() throws Exception {
        try (RawHttpClient c = client("raw")) {
            assertThat(c.get("/public/../admin", "any.test").status()).isEqualTo(200);
            assertThat(c.get("/public/..%2Fadmin", "any.test").status()).isEqualTo(200);
        }
        assertThat(publicUpstream.takeRequest(WAIT).uri()).isEqualTo("/public/../admin");
        assertThat(publicUpstream.takeRequest(WAIT).uri()).isEqualTo("/public/..%2Fadmin");
        assertThat(adminUpstream.requestCount()).isZero();
    }
}
