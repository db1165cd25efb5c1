package io.strait.core.server;

import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on epoll: a route's {@code rate_limit} (one bucket shared by both event loops) admits its burst, then
 * answers 429 with {@code x-strait-ratelimited: true} at once without reaching a cluster; a virtual host's limit
 * covers its routes that have none; routes without a limit are unaffected. Each test uses its own routes' buckets.
 */
class RateLimitIntegrationTest {

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - name: limited_host
                domains: [ limited.test ]
                rate_limit: { max_tokens: 2, fill_interval: 1h }
                routes:
                  - { match: { prefix: /own/ }, cluster: vhost, rate_limit: { max_tokens: 5, fill_interval: 1h } }
                  - { match: { prefix: /a/ }, cluster: vhost }
                  - { match: { prefix: / }, cluster: vhost }
              - domains: [ "*" ]
                routes:
                  - match: { prefix: /limited/ }
                    cluster: limited
                    rate_limit: { max_tokens: 3, fill_interval: 1h }
                  - { match: { prefix: / }, cluster: free }
        clusters:
          - name: limited
            endpoints: [ { address: 127.0.0.1:${upstream:limited} } ]
          - name: free
            endpoints: [ { address: 127.0.0.1:${upstream:free} } ]
          - name: vhost
            endpoints: [ { address: 127.0.0.1:${upstream:vhost} } ]
        """).upstreams("limited", "free", "vhost");

    private static RawHttpClient client() throws IOException {
        return new RawHttpClient(proxy.port("main"));
    }

    private static long overLimit() {
        return proxy.stat("main", HttpStat.RATELIMIT_OVER_LIMIT);
    }

    private static void assertRateLimited(final RawResponse r) {
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("x-strait-ratelimited")).isEqualTo("true");
        assertThat(r.header("x-strait-error")).isEqualTo("rate_limited");
        assertThat(r.bodyAsString()).isEqualTo("rate_limited\n");
    }

    @Test
    void aRouteLimitAdmitsItsBurstThenAnswers429WithoutReachingTheUpstream() throws Exception {
        final long before = overLimit();
        // Separate connections, so the requests land on both event loops and still share one bucket.
        for (int i = 0; i < 3; i++) {
            try (RawHttpClient c = client()) {
                final RawResponse ok = c.get("/limited/" + i, "any.test");
                assertThat(ok.status()).isEqualTo(200);
                assertThat(ok.header("x-strait-ratelimited")).isNull();
            }
        }
        try (RawHttpClient c = client()) {
            assertRateLimited(c.get("/limited/3", "any.test"));
            // The connection stays usable after a 429, and the bucket is still empty.
            assertRateLimited(c.get("/limited/4", "any.test"));
            // A route without a limit on the same virtual host is unaffected.
            final RawResponse other = c.get("/other", "any.test");
            assertThat(other.status()).isEqualTo(200);
            assertThat(other.header("x-strait-ratelimited")).isNull();
        }
        assertThat(overLimit()).isEqualTo(before + 2);
        assertThat(proxy.upstream("limited").requestCount()).isEqualTo(3);
        assertThat(proxy.upstream("free").requestCount()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aRouteWithoutALimitIsNeverLimited() throws Exception {
        try (RawHttpClient c = client()) {
            for (int i = 0; i < 20; i++) {
                assertThat(c.get("/free/" + i, "any.test").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aVirtualHostLimitIsSharedByItsRoutesAndARouteLimitTakesPrecedence() throws Exception {
        final long before = overLimit();
        final int upstreamBefore = proxy.upstream("vhost").requestCount();
        try (RawHttpClient c = client()) {
            // One bucket of 2 for /a/ and / together.
            assertThat(c.get("/a/1", "limited.test").status()).isEqualTo(200);
            assertThat(c.get("/b", "limited.test").status()).isEqualTo(200);
            assertRateLimited(c.get("/a/2", "limited.test"));
            assertRateLimited(c.get("/c", "limited.test"));
            // /own/ has its own bucket of 5, untouched by the virtual host's.
            for (int i = 0; i < 5; i++) {
                assertThat(c.get("/own/" + i, "limited.test").status()).isEqualTo(200);
            }
            assertRateLimited(c.get("/own/5", "limited.test"));
        }
        assertThat(overLimit()).isEqualTo(before + 3);
        assertThat(proxy.upstream("vhost").requestCount() - upstreamBefore).isEqualTo(7);
    }
}
