package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http2.Http2Error;
import io.strait.core.config.OverloadConfig;
import io.strait.core.config.StraitConfig;
import io.strait.core.stats.OverloadStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The overload manager's actions end to end over 127.0.0.1, driven by the connections resource (open connections
 * against a budget of 10, so the test sets the pressure exactly by opening idle sockets): HTTP/2 keep-alive disabled
 * with GOAWAY after the stream, a gRPC request shed with a trailers-only UNAVAILABLE, new connections refused, and
 * every action off again (requests served) once the connections close, or at once when a reload turns the manager
 * off.
 */
class OverloadActionsIntegrationTest {

    /** On an instance field: a proxy of its own per test, so the connection count starts at 0. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            timeouts: { first_byte: 60s }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters:
          - { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] }
        overload:
          refresh_interval: 20ms
          resources: { connections: { max: 10 } }
          actions:
            disable_keepalive: { threshold: 0.3, release: 0.3 }
            shed_requests: { threshold: 0.5, release: 0.5 }
            stop_accepting_connections: { threshold: 0.8, release: 0.8 }
        """).upstreams("up");

    private final List<Socket> idle = new ArrayList<>();

    @AfterEach
    void closeIdle() throws IOException {
        for (final Socket s : idle) {
            s.close();
        }
    }

    /** Opens idle connections until the proxy counts {@code total} open ones. */
    private void openUntil(final int total) throws IOException {
        while (proxy.server().globalConnectionLimit().active() < total && idle.size() < 20) {
            idle.add(new Socket(InetAddress.getLoopbackAddress(), proxy.port("main")));
            await().until(() -> proxy.server().globalConnectionLimit().active() >= Math.min(total, idle.size()));
        }
    }

    private long stat(final OverloadStat s) {
        return proxy.server().stats().scope("overload.", OverloadStat.class).value(s);
    }

    @Test
    void keepAliveOffSendsGoAwayAfterTheStreamOnHttp2() throws Exception {
        try (H2Client c = H2Client.h2c(proxy.port("main"))) {
            assertThat(c.get("/warm").status()).isEqualTo(200);
            assertThat(c.goAwayError()).isEqualTo(-1);
            openUntil(4);
            await().until(() -> stat(OverloadStat.DISABLE_KEEPALIVE_ACTIVE) == 1);
            final H2Client.Response r = c.get("/last");
            assertThat(r.status()).as("the stream that saw it is served").isEqualTo(200);
            await().untilAsserted(() -> assertThat(c.goAwayError()).isEqualTo(Http2Error.NO_ERROR.code()));
            c.awaitClosed();
            assertThat(c.isOpen()).isFalse();
            assertThat(stat(OverloadStat.DISABLE_KEEPALIVE_TOTAL)).isEqualTo(1);
        }
    }

    @Test
    void aGrpcRequestIsShedWithATrailersOnlyUnavailable() throws Exception {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            openUntil(6);
            await().until(() -> stat(OverloadStat.SHED_REQUESTS_ACTIVE) == 100);
            c.send("POST /pkg.Svc/Call HTTP/1.1\r\nhost: x\r\ncontent-type: application/grpc\r\nte: trailers\r\n"
                + "content-length: 7\r\n\r\n\0\0\0\0\2hi");
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("grpc-status")).isEqualTo("14");
            assertThat(r.header("x-strait-error")).isEqualTo("overloaded");
            assertThat(r.bodyLength()).isZero();
            assertThat(proxy.upstream("up").requestCount()).as("never forwarded").isZero();
            assertThat(stat(OverloadStat.SHED_REQUESTS_TOTAL)).isEqualTo(1);
        }
    }

    @Test
    void newConnectionsAreRefusedThenServedOnceThePressureFalls() throws Exception {
        openUntil(8);
        await().until(() -> stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_ACTIVE) == 1);
        try (RawHttpClient refused = new RawHttpClient(proxy.port("main"))) {
            refused.send("GET / HTTP/1.1\r\nhost: x\r\n\r\n");
            assertThat(refused.isClosedByPeer(Duration.ofSeconds(10))).isTrue();
            assertThat(refused.readUntilClose()).isEmpty();
        }
        assertThat(stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_TOTAL)).isPositive();
        closeIdle();
        await().until(() -> stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_ACTIVE) == 0
            && stat(OverloadStat.SHED_REQUESTS_ACTIVE) == 0 && stat(OverloadStat.DISABLE_KEEPALIVE_ACTIVE) == 0);
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            final RawResponse r = c.get("/", "x");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).as("keep-alive is back").isNull();
        }
    }

    @Test
    void aReloadThatTurnsTheManagerOffEndsEveryActionAtOnce() throws Exception {
        openUntil(8);
        await().until(() -> stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_ACTIVE) == 1);
        final StraitConfig now = proxy.server().snapshot().config();
        final ReloadResult r = proxy.server().reload(new StraitConfig(now.admin(), now.runtime(), now.listeners(),
            now.clusters(), OverloadConfig.DISABLED));
        assertThat(r.applied()).as(r.errors().toString()).isTrue();
        assertThat(stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_ACTIVE)).isZero();
        assertThat(proxy.server().globalConnectionLimit().active()).as("still as loaded").isGreaterThanOrEqualTo(8);
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            assertThat(c.get("/", "x").status()).isEqualTo(200);
        }
    }
}
