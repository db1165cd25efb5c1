package io.strait.core.server;

import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ProxyServer#drainAndClose} and {@link ProxyServer#drainListeners}: requests in flight finish, idle
 * connections close at once, new connections are not served, what is left is cut when the timeout passes, and the
 * connection gauge returns to zero. Epoll, 2 loops.
 */
class DrainIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** On an instance field: a proxy of its own for each test, since each test drains (closes) it. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll, drain_timeout: 5s }
        listeners:
          - name: main
            address: 127.0.0.1:0
            timeouts: { request_headers: 5s, idle: 30s }
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /stall }, cluster: up, timeout: 0s }
                  - { match: { prefix: / }, cluster: up }
        clusters:
          - { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] }
        """).upstreams("up");

    private TestUpstream upstream;
    private ProxyServer server;

    @BeforeEach
    void start() {
        upstream = proxy.upstream("up");
        server = proxy.server();
        assertThat(server.transport().name()).isEqualTo("epoll");
    }

    @Test
    void inFlightRequestFinishesIdleConnectionClosesNewConnectionIsNotServed() throws Exception {
        try (RawHttpClient idle = new RawHttpClient(port(), WAIT);
             RawHttpClient busy = new RawHttpClient(port(), WAIT)) {
            assertThat(idle.get("/", "drain.test").status()).isEqualTo(200);
            busy.send(RawHttpClient.request("GET", "/delay/800", "drain.test"));
            await().atMost(WAIT).until(() -> upstream.requestCount() == 2);

            final CompletableFuture<Long> drained = drainAsync(Duration.ofSeconds(5));

            assertThat(idle.isClosedByPeer(Duration.ofSeconds(3))).as("idle keep-alive connection closed").isTrue();
            assertThat(triesANewConnection()).as("a connection opened after the drain began is not served")
                .isTrue();

            final RawResponse r = busy.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(busy.isClosedByPeer(Duration.ofSeconds(3))).as("busy connection closed after its response")
                .isTrue();

            final long tookMillis = drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(tookMillis).as("drain ends when the last request is done, not at the timeout")
                .isLessThan(4_500);
        }
        assertThat(upstream.requestCount()).as("nothing reached the upstream after the drain began").isEqualTo(2);
        awaitGaugeZero();
    }

    @Test
    void drainListenersStopsAcceptingAndDrainsWithoutStoppingTheServer() throws Exception {
        try (RawHttpClient idle = new RawHttpClient(port(), WAIT);
             RawHttpClient busy = new RawHttpClient(port(), WAIT)) {
            assertThat(idle.get("/", "drain.test").status()).isEqualTo(200);
            busy.send(RawHttpClient.request("GET", "/delay/500", "drain.test"));
            await().atMost(WAIT).until(() -> upstream.requestCount() == 2);

            server.drainListeners();

            assertThat(server.isDraining()).isTrue();
            assertThat(idle.isClosedByPeer(Duration.ofSeconds(5))).as("idle keep-alive connection closed").isTrue();
            assertThat(triesANewConnection()).as("no new connection is served").isTrue();
            final RawResponse r = busy.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("connection")).isEqualToIgnoringCase("close");
            assertThat(busy.isClosedByPeer(Duration.ofSeconds(3))).isTrue();
        }
        awaitGaugeZero();
        // The loops still run (drain_listeners is not a stop): a task posted to one still executes.
        assertThat(server.workerLoops().iterator().next().submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
        assertThat(server.reload(server.snapshot().config()).applied()).as("a draining server takes no reload")
            .isFalse();
    }

    @Test
    void requestStillRunningWhenTheTimeoutPassesIsCut() throws Exception {
        try (RawHttpClient stalled = new RawHttpClient(port(), WAIT)) {
            stalled.send(RawHttpClient.request("GET", "/stall", "drain.test"));
            await().atMost(WAIT).until(() -> upstream.requestCount() == 1);

            final long calledAt = System.nanoTime();
            final CompletableFuture<Long> drained = drainAsync(Duration.ofMillis(300));

            assertThat(stalled.isClosedByPeer(Duration.ofSeconds(5))).as("connection cut at the drain timeout")
                .isTrue();
            final long closedAfterMillis = (System.nanoTime() - calledAt) / 1_000_000;
            assertThat(closedAfterMillis).as("not cut before the timeout").isGreaterThanOrEqualTo(290);
            assertThat(stalled.readUntilClose()).as("no response was sent").isEmpty();

            final long tookMillis = drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(tookMillis).isGreaterThanOrEqualTo(290).isLessThan(5_000);
        }
        awaitGaugeZero();
    }

    private int port() {
        return server.boundAddress("main").getPort();
    }

    /** Runs drainAndClose on another thread; completes with how long it took in milliseconds. */
    private CompletableFuture<Long> drainAsync(final Duration timeout) {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final Thread t = new Thread(() -> {
            final long t0 = System.nanoTime();
            try {
                server.drainAndClose(timeout);
                done.complete((System.nanoTime() - t0) / 1_000_000);
            } catch (final Throwable e) {
                done.completeExceptionally(e);
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
        return done;
    }

    /** True if a new connection is refused, or accepted and closed without a response. */
    private boolean triesANewConnection() throws IOException {
        final RawHttpClient late;
        try {
            late = new RawHttpClient(port(), WAIT);
        } catch (final ConnectException refused) {
            return true;
        }
        try (late) {
            try {
                late.send(RawHttpClient.request("GET", "/", "drain.test"));
            } catch (final IOException reset) {
                return true;
            }
            return late.readUntilClose().length == 0;
        } catch (final IOException reset) {
            return true;
        }
    }

    private void awaitGaugeZero() {
        await().atMost(WAIT).untilAsserted(() ->
            assertThat(server.snapshot().listener("main").stats().value(HttpStat.DOWNSTREAM_CX_ACTIVE)).isZero());
    }
}
