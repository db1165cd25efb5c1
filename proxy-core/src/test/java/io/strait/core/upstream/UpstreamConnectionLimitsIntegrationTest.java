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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lifetime of upstream connections over loopback: HTTP/2 connections shared by tries while they connect and
 * their connect timeout, the idle timeout of HTTP/2 connections, and {@code max_requests_per_connection} on both
 * protocols. One event loop, so the counts are the pools' own.
 */
class UpstreamConnectionLimitsIntegrationTest {

    private static final H2TestUpstream IDLE = start();
    private static final H2TestUpstream LIMITED = start();

    @RegisterExtension
    static final ProxyExtension PROXY = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /blackhole/ }, cluster: blackhole, prefix_rewrite: / }
                  - { match: { prefix: /idle/ }, cluster: idle, prefix_rewrite: / }
                  - { match: { prefix: /limited/ }, cluster: limited, prefix_rewrite: / }
                  - { match: { prefix: /h1limited/ }, cluster: h1limited, prefix_rewrite: / }
        clusters:
          - name: blackhole
            protocol: http2
            connect_timeout: 300ms
            endpoints: [ { address: 127.0.0.1:${blackhole:hole} } ]
          - name: idle
            protocol: http2
            pool: { idle_timeout: 200ms }
            endpoints: [ { address: 127.0.0.1:%d } ]
          - name: limited
            protocol: http2
            pool: { max_requests_per_connection: 3 }
            endpoints: [ { address: 127.0.0.1:%d } ]
          - name: h1limited
            pool: { max_requests_per_connection: 3 }
            endpoints: [ { address: 127.0.0.1:${upstream:h1} } ]
        """.formatted(IDLE.port(), LIMITED.port())).upstreams("h1");

    private static H2TestUpstream start() {
        try {
            return new H2TestUpstream();
        } catch (final InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void closeUpstreams() {
        IDLE.close();
        LIMITED.close();
    }

    private static RawHttpClient client() throws IOException {
        return new RawHttpClient(PROXY.port("main"), Duration.ofSeconds(10));
    }

    @Test
    void triesWaitForTheConnectionBeingMadeAndShareItsTimeout() throws Exception {
        final ExecutorService exec = Executors.newFixedThreadPool(5);
        try {
            final List<Future<RawResponse>> all = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                all.add(exec.submit(() -> {
                    try (RawHttpClient c = client()) {
                        return c.get("/blackhole/x", "a");
                    }
                }));
            }
            for (final Future<RawResponse> f : all) {
                final RawResponse r = f.get(20, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(502);
                assertThat(r.header("x-strait-error")).isEqualTo("upstream_connect_timeout");
            }
        } finally {
            exec.shutdownNow();
        }
        assertThat(PROXY.stat("blackhole", ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT)).isPositive();
        // Tries that came while a connection was being made waited for it instead of opening their own.
        assertThat(PROXY.stat("blackhole", ClusterStat.UPSTREAM_CX_TOTAL)).isLessThan(5);
        assertThat(PROXY.stat("blackhole", ClusterStat.UPSTREAM_CX_TOTAL))
            .isEqualTo(PROXY.stat("blackhole", ClusterStat.UPSTREAM_CX_CONNECT_FAIL));
    }

    @Test
    void anIdleHttp2ConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (RawHttpClient c = client()) {
            assertThat(c.get("/idle/hello", "a").status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> IDLE.openConnections() == 0);
        assertThat(PROXY.stat("idle", ClusterStat.UPSTREAM_CX_IDLE_TIMEOUT)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> PROXY.stat("idle", ClusterStat.UPSTREAM_CX_ACTIVE) == 0);
    }

    @Test
    void anHttp2ConnectionCarriesAtMostMaxRequestsStreams() throws IOException {
        try (RawHttpClient c = client()) {
            for (int i = 0; i < 7; i++) {
                assertThat(c.get("/limited/hello", "a").status()).isEqualTo(200);
            }
        }
        assertThat(LIMITED.streams()).isEqualTo(7);
        assertThat(LIMITED.connections()).isEqualTo(3);
        assertThat(PROXY.stat("limited", ClusterStat.UPSTREAM_CX_MAX_REQUESTS)).isEqualTo(2);
    }

    @Test
    void anHttp1ConnectionCarriesAtMostMaxRequestsRequests() throws IOException {
        try (RawHttpClient c = client()) {
            for (int i = 0; i < 7; i++) {
                assertThat(c.get("/h1limited/hello", "a").status()).isEqualTo(200);
            }
        }
        assertThat(PROXY.upstream("h1").requestCount()).isEqualTo(7);
        assertThat(PROXY.upstream("h1").connectionCount()).isEqualTo(3);
        assertThat(PROXY.stat("h1limited", ClusterStat.UPSTREAM_CX_MAX_REQUESTS)).isEqualTo(2);
    }
}
