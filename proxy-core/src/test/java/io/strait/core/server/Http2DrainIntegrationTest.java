package io.strait.core.server;

import io.netty.handler.codec.http2.Http2Error;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Draining an HTTP/2 connection over 127.0.0.1: the server sends GOAWAY (NO_ERROR, the last stream it took), the
 * stream in flight finishes, and the connection closes once it has.
 */
class Http2DrainIntegrationTest {

    /** On an instance field: a proxy of its own for each test, since the test drains (closes) it. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll, drain_timeout: 5s }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters:
          - { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] }
        """).upstreams("up");

    @Test
    void aDrainSendsGoAwayLetsTheStreamInFlightFinishThenCloses() throws Exception {
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            assertThat(c.get("/warm").status()).isEqualTo(200);
            final CompletableFuture<H2Client.Response> inFlight = c.send("GET", "/delay/800", null, null, null,
                false);
            await().until(() -> proxy.upstream("up").requests().stream().anyMatch(r -> r.uri().equals("/delay/800")));
            final long goAways = proxy.stat("main", HttpStat.HTTP2_GOAWAY_SENT);
            final Thread drain = new Thread(() -> {
                try {
                    proxy.server().drainAndClose(Duration.ofSeconds(5));
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "drain");
            drain.start();
            await().untilAsserted(() -> assertThat(c.goAwayError()).isEqualTo(Http2Error.NO_ERROR.code()));
            assertThat(proxy.stat("main", HttpStat.HTTP2_GOAWAY_SENT)).isEqualTo(goAways + 1);
            final H2Client.Response r = inFlight.get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
            c.awaitClosed();
            assertThat(c.isOpen()).isFalse();
            drain.join(10_000);
        }
    }
}
