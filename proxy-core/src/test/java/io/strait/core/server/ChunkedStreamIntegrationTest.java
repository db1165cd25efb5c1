package io.strait.core.server;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.HeaderField;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * End to end over loopback with HTTP/1.1 on both sides: chunked trailer sections forwarded both ways, and long-lived
 * chunked streams on a route with {@code timeout: 0}, which only the stream idle timeout (300 ms here) ends.
 */
class ChunkedStreamIntegrationTest {

    private static final ChunkedUpstream UPSTREAM = ChunkedUpstream.open();

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            timeouts: { stream_idle: 300ms }
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /retried/ }, cluster: bad_chunked, prefix_rewrite: /,
                      retry: { attempts: 2, on: [ 5xx ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: / }, cluster: chunked, timeout: 0s }
        clusters:
          - name: chunked
            endpoints: [ { address: 127.0.0.1:%d } ]
          - name: bad_chunked
            endpoints: [ { address: 127.0.0.1:${upstream:bad} }, { address: 127.0.0.1:%d } ]
        """.formatted(UPSTREAM.port(), UPSTREAM.port()))
        .upstream("bad", u -> u.defaultStatus(503));

    @AfterAll
    static void closeUpstream() throws IOException {
        UPSTREAM.close();
    }

    private static RawHttpClient client() throws IOException {
        return new RawHttpClient(proxy.port("main"));
    }

    @Test
    void requestTrailersReachTheUpstreamWithoutFramingFields() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("POST /up HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nte: trailers\r\n\r\n"
                + "3\r\nabc\r\n0\r\nX-Checksum: 42\r\nContent-Length: 7\r\nGrpc-Status: 0\r\n\r\n");
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
        }
        final String seen = UPSTREAM.takeRequest(Duration.ofSeconds(5));
        assertThat(seen).isNotNull();
        assertThat(seen).endsWith("\r\n\r\n3\r\nabc\r\n0\r\nx-checksum: 42\r\ngrpc-status: 0\r\n\r\n");
        assertThat(seen).contains("transfer-encoding: chunked\r\n");
    }

    @Test
    void aRetriedRequestReplaysItsTrailersAfterItsBody() throws Exception {
        final long retries = proxy.stat("bad_chunked", ClusterStat.UPSTREAM_RQ_RETRY);
        try (RawHttpClient c = client()) {
            for (int i = 0; i < 4; i++) {   // round robin: some first tries go to the 503 host and are retried
                c.send("POST /retried/up HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\nx-checksum: " + i + "\r\n\r\n");
                assertThat(c.readResponse().status()).isEqualTo(200);
                final String seen = UPSTREAM.takeRequest(Duration.ofSeconds(5));
                assertThat(seen).endsWith("\r\n\r\n3\r\nabc\r\n0\r\nx-checksum: " + i + "\r\n\r\n");
            }
        }
        assertThat(proxy.stat("bad_chunked", ClusterStat.UPSTREAM_RQ_RETRY) - retries).isPositive();
        assertThat(proxy.upstream("bad").requestCount()).isPositive();
    }

    @Test
    void responseTrailersReachTheClientWithoutFramingFields() throws Exception {
        try (RawHttpClient c = client()) {
            final RawResponse r = c.get("/trailers", "x");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(r.bodyAsString()).isEqualTo("hi");
            assertThat(r.trailers()).extracting(HeaderField::name).containsExactly("grpc-status", "grpc-message");
            assertThat(r.trailers()).extracting(HeaderField::value).containsExactly("0", "ok");
            // the connection stays usable after a trailer section
            assertThat(c.get("/other", "x").status()).isEqualTo(200);
        }
        UPSTREAM.takeRequest(Duration.ofSeconds(5));
        UPSTREAM.takeRequest(Duration.ofSeconds(5));
    }

    @Test
    void aResponseStreamWithActivityRunsPastTheStreamIdleTimeout() throws Exception {
        final long idleBefore = proxy.stat("main", HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT);
        try (RawHttpClient c = client()) {
            // 12 chunks, 100 ms apart: 1.2 s in all, four stream idle periods, no 300 ms without a chunk
            final RawResponse r = c.get("/stream/12/100", "x");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("tick\n".repeat(12));
        }
        assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT)).isEqualTo(idleBefore);
        UPSTREAM.takeRequest(Duration.ofSeconds(5));
    }

    @Test
    void aRequestStreamWithActivityRunsPastTheStreamIdleTimeout() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("POST /up HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n");
            for (int i = 0; i < 10; i++) {
                Thread.sleep(100);
                c.send("4\r\npart\r\n");
            }
            c.send("0\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        final String seen = UPSTREAM.takeRequest(Duration.ofSeconds(5));
        assertThat(seen).endsWith("4\r\npart\r\n".repeat(10) + "0\r\n\r\n");
    }

    @Test
    void aStreamWithNoActivityIsCutByTheStreamIdleTimeout() throws Exception {
        final long idleBefore = proxy.stat("main", HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT);
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/stall", "x"));
            // the head and one chunk came; then nothing: the response is cut, never ended as if complete
            assertThatThrownBy(c::readResponse).isInstanceOf(IOException.class);
        }
        assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_RQ_IDLE_TIMEOUT)).isEqualTo(idleBefore + 1);
        UPSTREAM.takeRequest(Duration.ofSeconds(5));
    }
}
