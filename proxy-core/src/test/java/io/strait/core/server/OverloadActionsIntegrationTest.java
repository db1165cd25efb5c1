package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http2.Http2Error;
import io.strait.core.config.OverloadConfig;
import io.strait.core.config.StraitConfig;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.OverloadStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The overload manager's actions end to end over 127.0.0.1, driven by the connections resource (open connections
 * against a budget of 10, so the test sets the pressure exactly by opening idle sockets): HTTP/2 keep-alive disabled
 * with GOAWAY after the stream, a gRPC request and an HTTP/1.1 one shed (counted for their listener too, flag
 * {@code OM} in the access log), new connections refused (counted for the listener too), and
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
            access_log: { path: ${file:access.json}, format: json }
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

    private static final ObjectMapper JSON = new ObjectMapper();

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

    private long stat(final HttpStat s) {
        return proxy.server().stats().scope("http.main.", HttpStat.class).value(s);
    }

    private long stat(final ListenerStat s) {
        return proxy.server().stats().scope("listener.main.", ListenerStat.class).value(s);
    }

    /** The access log's JSON entries for {@code path} (the writer runs off the loop: they come when they come). */
    private List<JsonNode> logged(final String path) throws IOException {
        final Path log = proxy.file("access.json");
        final List<JsonNode> out = new ArrayList<>();
        if (Files.exists(log)) {
            for (final String line : Files.readAllLines(log)) {
                final JsonNode n = JSON.readTree(line);
                if (n.get("path").asText().equals(path)) {
                    out.add(n);
                }
            }
        }
        return out;
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
            assertThat(stat(HttpStat.DOWNSTREAM_RQ_OVERLOAD_CLOSE)).as("counted for its listener").isEqualTo(1);
        }
        await().until(() -> !logged("/pkg.Svc/Call").isEmpty());
        assertThat(logged("/pkg.Svc/Call")).singleElement()
            .satisfies(e -> assertThat(e.get("response_flags").asText().split(",")).contains("OM"));
    }

    @Test
    void aShedRequestIsAnswered503CountedForItsListenerAndLoggedWithOm() throws Exception {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            assertThat(c.get("/before", "x").status()).isEqualTo(200);
            openUntil(6);
            await().until(() -> stat(OverloadStat.SHED_REQUESTS_ACTIVE) == 100);
            final RawResponse r = c.get("/shed", "x");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("x-strait-error")).isEqualTo("overloaded");
        }
        assertThat(stat(OverloadStat.SHED_REQUESTS_TOTAL)).isEqualTo(1);
        assertThat(stat(HttpStat.DOWNSTREAM_RQ_OVERLOAD_CLOSE)).isEqualTo(1);
        await().until(() -> !logged("/shed").isEmpty() && !logged("/before").isEmpty());
        assertThat(logged("/shed")).singleElement().satisfies(e -> {
            assertThat(e.get("response_code").asInt()).isEqualTo(503);
            assertThat(e.get("response_flags").asText()).isEqualTo("OM");
        });
        assertThat(logged("/before")).singleElement()
            .satisfies(e -> assertThat(e.get("response_flags").asText()).isEqualTo("-"));
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
        assertThat(stat(ListenerStat.DOWNSTREAM_CX_OVERLOAD_REJECT)).as("the one listener's share: all of them")
            .isEqualTo(stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_TOTAL));
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
