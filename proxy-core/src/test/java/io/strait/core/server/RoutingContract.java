package io.strait.core.server;

import io.strait.core.stats.HttpStat;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.RecordedRequest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing end to end: virtual hosts (exact, wildcard, default), path/header/method matches, no route, round robin
 * over a cluster, rewrites and header edits. Run on every transport by the classes that extend {@link
 * AbstractProxyIntegrationTest}.
 */
interface RoutingContract extends ProxyFixture {

    @Test
    default void selectsVirtualHostsByExactWildcardAndDefaultDomain() throws Exception {
        try (RawHttpClient client = client()) {
            assertThat(client.get("/x", "exact.test").header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/x", "EXACT.test:9999").header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/x", "port.test:8080").header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/x", "a.wild.test").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/x", "a.b.wild.test").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/x", "wild.test").header("x-upstream")).isEqualTo("a");
            assertThat(client.get("/only/x", "narrow.test").header("x-upstream")).isEqualTo("c");
        }
    }

    @Test
    default void matchesRoutesByPathHeaderAndMethod() throws Exception {
        try (RawHttpClient client = client()) {
            assertThat(client.get("/exact", "x").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/exact?q=1", "x").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/exactly", "x").header("x-upstream")).isEqualTo("a");
            assertThat(client.get("/re/123", "x").header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/re/12a", "x").header("x-upstream")).isEqualTo("a");
            client.send(RawHttpClient.request("GET", "/hdr", "x", "x-route: c"));
            assertThat(client.readResponse().header("x-upstream")).isEqualTo("c");
            client.send(RawHttpClient.request("GET", "/hdr", "x", "x-route: other"));
            assertThat(client.readResponse().header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/hdr", "x").header("x-upstream")).isEqualTo("a");
            client.send("POST /method HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(client.readResponse().header("x-upstream")).isEqualTo("c");
            assertThat(client.get("/method", "x").header("x-upstream")).isEqualTo("a");
        }
    }

    @Test
    default void answers404WhenNoRouteMatches() throws Exception {
        try (RawHttpClient client = client()) {
            final long before = stat(HttpStat.NO_ROUTE);
            final RawResponse r = client.get("/elsewhere", "narrow.test");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("x-strait-error")).isEqualTo("no_route");
            assertThat(stat(HttpStat.NO_ROUTE)).isEqualTo(before + 1);
            // The connection stays usable.
            assertThat(client.get("/only", "narrow.test").status()).isEqualTo(200);
        }
    }

    @Test
    default void balancesRoundRobinOverTheClusterHosts() throws Exception {
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 40; i++) {
                assertThat(client.get("/api/x", "x").status()).isEqualTo(200);
            }
        }
        // Two event loops each run their own round robin; with one client connection all requests share one.
        assertThat(proxy().upstream("a").requestCount()).isEqualTo(20);
        assertThat(proxy().upstream("b").requestCount()).isEqualTo(20);
    }

    @Test
    default void appliesRewritesAndHeaderEdits() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/old/thing?q=1", "orig.test", "x-secret: s"));
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-resp")).isEqualTo("added");
            assertThat(r.header("x-upstream")).isNull();
        }
        final RecordedRequest rec = proxy().upstream("a").takeRequest(WAIT);
        assertThat(rec.uri()).isEqualTo("/new/thing?q=1");
        assertThat(rec.header("host")).isEqualTo("rewritten.test");
        assertThat(rec.header("x-added")).isEqualTo("yes");
        assertThat(rec.header("x-secret")).isNull();
    }
}
