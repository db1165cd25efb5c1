package io.strait.core.server;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream failures end to end: refused and timed-out connects, route timeouts, upstreams that close before or during
 * a response, malformed upstream responses. Run on every transport by the classes that extend {@link
 * AbstractProxyIntegrationTest}.
 */
interface UpstreamFailureContract extends ProxyFixture {

    @Test
    default void refusedConnectionAnswers502() throws Exception {
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/refused/x", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_connect_failure");
            assertThat(client.get("/hello", "x").status()).isEqualTo(200);
        }
        assertThat(clusterStat("dead", ClusterStat.UPSTREAM_CX_CONNECT_FAIL)).isPositive();
    }

    @Test
    default void connectTimeoutAnswers502() throws Exception {
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/blackhole/x", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_connect_timeout");
        }
        assertThat(clusterStat("blackhole", ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT)).isPositive();
    }

    @Test
    default void routeTimeoutAnswers504() throws Exception {
        try (RawHttpClient client = client()) {
            final long before = stat(HttpStat.DOWNSTREAM_RQ_TIMEOUT);
            final RawResponse r = client.get("/timeout/stall", "x");
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.header("x-strait-error")).isEqualTo("request_timeout");
            assertThat(stat(HttpStat.DOWNSTREAM_RQ_TIMEOUT)).isEqualTo(before + 1);
            assertThat(client.get("/timeout/fast", "x").status()).isEqualTo(200);
        }
    }

    @Test
    default void upstreamClosingBeforeTheResponseAnswers502() throws Exception {
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/close-before-response", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_reset");
        }
    }

    @Test
    default void upstreamClosingMidBodyClosesTheClient() throws Exception {
        final long protocolErrors = clusterStat("a_only", ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR);
        final long terminations = clusterStat("a_only", ClusterStat.UPSTREAM_CX_DESTROY_REMOTE_WITH_ACTIVE_RQ);
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/close-mid-body", "x"));
            final byte[] raw = client.readUntilClose();
            final String text = new String(raw, StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200");
            assertThat(text).contains("content-length: 1000");
            final int bodyStart = text.indexOf("\r\n\r\n") + 4;
            assertThat(raw.length - bodyStart).as("only the bytes the upstream sent, then close").isEqualTo(10);
        }
        // counted before the client's connection closed: a termination by the upstream, not a protocol error
        assertThat(clusterStat("a_only", ClusterStat.UPSTREAM_CX_DESTROY_REMOTE_WITH_ACTIVE_RQ))
            .isEqualTo(terminations + 1);
        assertThat(clusterStat("a_only", ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR)).isEqualTo(protocolErrors);
    }

    @Test
    default void malformedUpstreamResponsesBecome502() throws Exception {
        for (final String kind : TestUpstream.MALFORMED_KINDS) {
            if (kind.equals("bad-chunk")) {
                continue;   // broken after a valid head: see malformedBodyAfterAValidHeadClosesTheClient
            }
            try (RawHttpClient client = client()) {
                final RawResponse r;
                try {
                    r = client.get("/malformed/" + kind, "x");
                } catch (final java.io.IOException e) {
                    throw new AssertionError("malformed kind " + kind + ": " + e, e);
                }
                assertThat(r.status()).as(kind).isEqualTo(502);
                assertThat(r.header("x-strait-error")).as(kind).isNotBlank();
            }
        }
    }

    @Test
    default void malformedBodyAfterAValidHeadClosesTheClient() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/malformed/bad-chunk", "x"));
            final String text = new String(client.readUntilClose(), StandardCharsets.ISO_8859_1);
            assertThat(text).as("never a complete chunked body").doesNotContain("0\r\n\r\n");
        }
        assertThat(clusterStat("a_only", ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR)).isPositive();
    }
}
