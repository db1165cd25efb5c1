package io.strait.core.server;

import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.RecordedRequest;
import io.strait.core.testing.TestUpstream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain proxying end to end: keep-alive, bodies both ways (content-length and chunked), large responses, pipelining,
 * bodiless responses, Expect: 100-continue, informational responses, hop-by-hop and forwarding headers, HTTP/1.0 and
 * Connection: close. Run on every transport by the classes that extend {@link AbstractProxyIntegrationTest}.
 */
interface MessagingContract extends ProxyFixture {

    @Test
    default void proxiesAGetAndKeepsBothSidesAlive() throws Exception {
        final long reusedBefore = clusterStat("a_only", ClusterStat.UPSTREAM_CX_POOL_REUSE);
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 3; i++) {
                final RawResponse r = client.get("/hello", "anything.test");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyAsString()).isEqualTo("hello from a\n");
                assertThat(r.header("x-upstream")).isEqualTo("a");
            }
        }
        assertThat(proxy().upstream("a").requestCount()).isEqualTo(3);
        // Earlier tests may have left a pooled connection on this loop: at most one new one is opened.
        assertThat(proxy().upstream("a").connectionCount()).as("upstream keep-alive: one pooled connection")
            .isLessThanOrEqualTo(1);
        assertThat(clusterStat("a_only", ClusterStat.UPSTREAM_CX_POOL_REUSE) - reusedBefore).isGreaterThanOrEqualTo(2);
        // Every connection made to a_only (it never refuses) has its connect time recorded (upstream_cx_connect_ms).
        assertThat(clusterStat("a_only", ClusterStat.UPSTREAM_CX_TOTAL)).isPositive();
        assertThat(proxy().cluster("a_only").stats().histogram(ClusterStat.UPSTREAM_CX_CONNECT_MS).getTotalCount())
            .isEqualTo(clusterStat("a_only", ClusterStat.UPSTREAM_CX_TOTAL));
    }

    @Test
    default void streamsAContentLengthRequestBodyBothWays() throws Exception {
        final byte[] body = pattern(3 * 1024 * 1024 + 17);
        try (RawHttpClient client = client()) {
            client.send(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            client.send(body);
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(body);
        }
        final RecordedRequest rec = proxy().upstream("a").takeRequest(WAIT);
        assertThat(rec.header("content-length")).isEqualTo(Integer.toString(body.length));
        assertThat(rec.header("transfer-encoding")).isNull();
    }

    @Test
    default void reframesAChunkedRequestBody() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: t\r\n\r\n");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello world");
        }
        final RecordedRequest rec = proxy().upstream("a").takeRequest(WAIT);
        assertThat(rec.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(rec.bodyAsString()).isEqualTo("hello world");
    }

    @Test
    default void streamsALargeResponse() throws Exception {
        final int n = 8 * 1024 * 1024 + 3;
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/bytes/" + n, "x");
            assertThat(r.status()).isEqualTo(200);
            final byte[] body = r.body();   // a copy: take it once
            assertThat(body).hasSize(n);
            for (int i = 0; i < n; i++) {
                if (body[i] != TestUpstream.patternByte(i)) {
                    throw new AssertionError("byte " + i + " differs");
                }
            }
            final RawResponse chunked = client.get("/bytes/100000?chunked=1", "x");
            assertThat(chunked.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(chunked.bodyLength()).isEqualTo(100000);
        }
    }

    @Test
    default void answersPipelinedRequestsInOrder() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("GET /delay/200 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /hdr HTTP/1.1\r\nHost: x\r\nx-route: c\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(client.readResponse().status()).isEqualTo(201);
            final RawResponse third = client.readResponse();
            assertThat(third.status()).isEqualTo(200);
            assertThat(third.header("x-upstream")).isEqualTo("c");
        }
    }

    @Test
    default void headAnd204And304CarryNoBody() throws Exception {
        try (RawHttpClient client = client()) {
            final RawResponse head = client.head("/bytes/1234", "x");
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("1234");
            assertThat(head.bodyLength()).isZero();
            assertThat(client.get("/status/204", "x").status()).isEqualTo(204);
            final RawResponse notModified = client.get("/status/304", "x");
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(notModified.bodyLength()).isZero();
            // The connection is still in sync: a normal request after them works.
            assertThat(client.get("/hello", "x").bodyAsString()).isEqualTo("hello from a\n");
        }
    }

    @Test
    default void answersExpectContinueThenTakesTheBody() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
            final RawResponse interim = client.readResponse();
            assertThat(interim.status()).isEqualTo(100);
            client.send("abcde");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("abcde");
        }
        assertThat(proxy().upstream("a").takeRequest(WAIT).header("expect")).isNull();
    }

    @Test
    default void forwardsInformationalResponses() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/early-hints", "x"));
            final RawResponse hints = client.readResponse();
            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.header("link")).isNotNull();
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    default void removesHopByHopHeadersAndAddsForwardingHeaders() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("GET /headers HTTP/1.1\r\nHost: keep.test:81\r\nConnection: keep-alive, x-private\r\n"
                + "x-private: secret\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: deflate\r\n"
                + "Upgrade: websocket\r\nX-Forwarded-For: 10.1.2.3\r\nx-custom: kept\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        final RecordedRequest rec = proxy().upstream("a").takeRequest(WAIT);
        // TE goes only when it is not "trailers" (GrpcIntegrationTest: te: trailers is forwarded, as Envoy)
        for (final String gone : new String[] {"connection", "x-private", "keep-alive", "proxy-connection", "te",
            "upgrade"}) {
            assertThat(rec.header(gone)).as(gone).isNull();
        }
        assertThat(rec.header("host")).isEqualTo("keep.test:81");
        assertThat(rec.header("x-custom")).isEqualTo("kept");
        assertThat(rec.headers("x-forwarded-for")).containsExactly("10.1.2.3, 127.0.0.1");
        assertThat(rec.header("x-forwarded-proto")).isEqualTo("http");
        assertThat(rec.header("x-request-id"))
            .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    default void replacesAClientsRequestIdAtTheEdge() throws Exception {
        // The fixture's listener has the edge defaults: a client's id is not trusted (preserve_external_request_id
        // keeps it; see ForwardingIntegrationTest).
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/hello", "x", "X-Request-Id: abc-123"));
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        assertThat(proxy().upstream("a").takeRequest(WAIT).headers("x-request-id")).singleElement().asString()
            .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    default void http10ClientWithoutKeepAliveGetsAClosedConnection() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("GET /hello HTTP/1.0\r\nHost: x\r\n\r\n");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello from a\n");
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    default void connectionCloseFromTheClientIsHonoured() throws Exception {
        try (RawHttpClient client = client()) {
            client.send(RawHttpClient.request("GET", "/hello", "x", "Connection: close"));
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
    }

    /** {@code n} bytes of the test upstreams' body pattern. */
    private static byte[] pattern(final int n) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = TestUpstream.patternByte(i);
        }
        return b;
    }
}
