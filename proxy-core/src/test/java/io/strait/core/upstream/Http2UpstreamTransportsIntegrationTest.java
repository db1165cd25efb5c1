package io.strait.core.upstream;

import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.H2TestUpstream;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 upstreams on each transport (epoll, io_uring, NIO): the stream child channels ride on whatever channel
 * the transport's connector made. One proxy per transport, one h2c upstream for all.
 */
class Http2UpstreamTransportsIntegrationTest {

    private static final H2TestUpstream UPSTREAM = start();

    private static final String CONFIG = """
        runtime: { event_loops: 2, transport: %s }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: h2 } ] } ]
        clusters:
          - { name: h2, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
        """;

    @RegisterExtension
    static final ProxyExtension EPOLL = ProxyExtension.of(CONFIG.formatted("epoll", UPSTREAM.port()));
    @RegisterExtension
    static final ProxyExtension IO_URING = ProxyExtension.of(CONFIG.formatted("io_uring", UPSTREAM.port()));
    @RegisterExtension
    static final ProxyExtension NIO = ProxyExtension.of(CONFIG.formatted("nio", UPSTREAM.port()));

    private static H2TestUpstream start() {
        try {
            return new H2TestUpstream();
        } catch (final InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void closeUpstream() {
        UPSTREAM.close();
    }

    @Test
    void epoll() throws IOException {
        exchange(EPOLL);
    }

    @Test
    void ioUring() throws IOException {
        exchange(IO_URING);
    }

    @Test
    void nio() throws IOException {
        exchange(NIO);
    }

    private static void exchange(final ProxyExtension proxy) throws IOException {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"), Duration.ofSeconds(10))) {
            final RawResponse get = c.get("/hello", "a");
            assertThat(get.status()).isEqualTo(200);
            assertThat(get.bodyAsString()).isEqualTo("hello h2");
            c.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
            final RawResponse post = c.readResponse();
            assertThat(post.status()).isEqualTo(200);
            assertThat(post.bodyAsString()).isEqualTo("hello");
        }
        assertThat(proxy.stat("h2", ClusterStat.UPSTREAM_CX_HTTP2_TOTAL)).isPositive();
        assertThat(proxy.stat("h2", ClusterStat.UPSTREAM_RQ_TOTAL)).isEqualTo(2);
    }
}
