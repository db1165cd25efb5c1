package io.strait.core.server;

import io.strait.core.cluster.Cluster;
import io.strait.core.stats.ClusterStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import io.strait.lb.resilience.CircuitBreaker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end over loopback: route retry policies. Each scenario has a cluster of a failing endpoint and a good one
 * (or only failing ones), so a retry must land on the other host; counters are compared before and after.
 */
class RetryIntegrationTest {

    /** Accepts, reads the request and closes without answering: the reset a {@code reset} policy retries. */
    private static final Closer CLOSER = Closer.open();

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /cf/ }, cluster: dead_live, prefix_rewrite: /,
                      retry: { on: [ connect-failure ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /cfslow/ }, cluster: dead_live2, prefix_rewrite: /, timeout: 3s,
                      retry: { on: [ connect-failure ], backoff: { base_interval: 600s, max_interval: 600s } } }
                  - { match: { prefix: /cfnoslot/ }, cluster: dead_live_no_retries, prefix_rewrite: /,
                      retry: { on: [ connect-failure ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /5xx/ }, cluster: bad_good, prefix_rewrite: /,
                      retry: { on: [ 5xx ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /gw/ }, cluster: bad_good, prefix_rewrite: /,
                      retry: { on: [ gateway-error ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /codes/ }, cluster: conflict_good, prefix_rewrite: /,
                      retry: { on: [ retriable-status-codes ], retriable_status_codes: [ 409 ],
                               backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /nocodes/ }, cluster: conflict_good, prefix_rewrite: /,
                      retry: { on: [ 5xx ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /reset/ }, cluster: closer_echo, prefix_rewrite: /,
                      retry: { on: [ reset ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /pertry/ }, cluster: slow_good, prefix_rewrite: /, timeout: 5s,
                      retry: { on: [ 5xx ], per_try_timeout: 300ms,
                               backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /exhaust/ }, cluster: bad_only, prefix_rewrite: /,
                      retry: { attempts: 2, on: [ 5xx ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /deadonly/ }, cluster: dead_only, prefix_rewrite: /,
                      retry: { attempts: 1, on: [ connect-failure ],
                               backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /limit/ }, cluster: bad_only, prefix_rewrite: /,
                      retry: { on: [ 5xx ], buffer_limit: 1KiB, backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /nobreaker/ }, cluster: bad_no_retries, prefix_rewrite: /,
                      retry: { on: [ 5xx ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /plain/ }, cluster: bad_only, prefix_rewrite: / }
        clusters:
          - name: dead_live
            endpoints: [ { address: 127.0.0.1:${port:dead} }, { address: 127.0.0.1:${upstream:live} } ]
          - name: dead_live2
            endpoints: [ { address: 127.0.0.1:${port:dead} }, { address: 127.0.0.1:${upstream:live} } ]
          - name: dead_live_no_retries
            endpoints: [ { address: 127.0.0.1:${port:dead} }, { address: 127.0.0.1:${upstream:live} } ]
            circuit_breakers: { max_retries: 0 }
          - name: bad_good
            endpoints: [ { address: 127.0.0.1:${upstream:bad} }, { address: 127.0.0.1:${upstream:good} } ]
          - name: conflict_good
            endpoints: [ { address: 127.0.0.1:${upstream:conflict} }, { address: 127.0.0.1:${upstream:good} } ]
          - name: closer_echo
            endpoints: [ { address: 127.0.0.1:%d }, { address: 127.0.0.1:${upstream:echo} } ]
          - name: slow_good
            endpoints: [ { address: 127.0.0.1:${upstream:slow} }, { address: 127.0.0.1:${upstream:good} } ]
          - name: bad_only
            endpoints: [ { address: 127.0.0.1:${upstream:bad} } ]
          - name: dead_only
            endpoints: [ { address: 127.0.0.1:${port:dead} } ]
          - name: bad_no_retries
            endpoints: [ { address: 127.0.0.1:${upstream:bad} } ]
            circuit_breakers: { max_retries: 0 }
        """.formatted(CLOSER.port()))
        .upstreams("live", "good", "echo")
        .upstream("bad", u -> u.defaultStatus(503))
        .upstream("conflict", u -> u.defaultStatus(409))
        .upstream("slow", u -> u.defaultDelay(Duration.ofSeconds(3)));

    @AfterAll
    static void closeCloser() throws IOException {
        CLOSER.close();
    }

    private static RawHttpClient client() throws IOException {
        return new RawHttpClient(proxy.port("main"));
    }

    private static Cluster cluster(final String name) {
        return proxy.cluster(name);
    }

    private static TestUpstream upstream(final String name) {
        return proxy.upstream(name);
    }

    private static long stat(final Cluster c, final ClusterStat s) {
        return c.stats().value(s);
    }

    private static void assertNoRetryHeld(final Cluster c) {
        final CircuitBreaker cb = c.circuitBreaker();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(cb.currentRetries()).isZero();
            assertThat(cb.currentRequests()).isZero();
        });
    }

    @Test
    void aConnectFailureIsRetriedOnTheLiveHost() throws Exception {
        final Cluster c = cluster("dead_live");
        final long retries = stat(c, ClusterStat.UPSTREAM_RQ_RETRY);
        final long connectFails = stat(c, ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
        final int seen = upstream("live").requestCount();
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 6; i++) {
                final RawResponse r = client.get("/cf/n" + i, "x");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-upstream")).isEqualTo("live");
            }
        }
        assertThat(upstream("live").requestCount() - seen).isEqualTo(6);   // each request reached it once
        final long failed = stat(c, ClusterStat.UPSTREAM_CX_CONNECT_FAIL) - connectFails;
        assertThat(failed).isPositive();   // round robin sent some first tries to the dead port
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY) - retries).isEqualTo(failed);
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY_SUCCESS)).isGreaterThanOrEqualTo(failed);
        assertNoRetryHeld(c);
    }

    @Test
    void theFirstRetryAfterAConnectFailureDoesNotWaitTheBackoff() throws Exception {
        // A backoff of up to 10 minutes and a 3 s route timeout: a connect-failure retry that waited its backoff
        // would answer 504 (unless its random delay came out under 3 s: 0.5%). Nothing reached the dead host, so
        // the first retry goes at once (see RetryController#startBackoff).
        final Cluster c = cluster("dead_live2");
        final long connectFails = stat(c, ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 4; i++) {
                final RawResponse r = client.get("/cfslow/n" + i, "x");
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                assertThat(r.header("x-upstream")).isEqualTo("live");
            }
        }
        assertThat(stat(c, ClusterStat.UPSTREAM_CX_CONNECT_FAIL) - connectFails).isPositive();
        assertNoRetryHeld(c);
    }

    @Test
    void aConnectFailureRetryNeedsNoRetrySlotSinceNoUpstreamSawTheRequest() throws Exception {
        // max_retries 0 refuses every retry that would add load to an upstream (see the 5xx case below), but a
        // request whose connection was refused is only re-routed: it still reaches exactly one upstream.
        final Cluster c = cluster("dead_live_no_retries");
        final long connectFails = stat(c, ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 6; i++) {
                final RawResponse r = client.get("/cfnoslot/n" + i, "x");
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
            }
        }
        assertThat(stat(c, ClusterStat.UPSTREAM_CX_CONNECT_FAIL) - connectFails).isPositive();
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY_OVERFLOW)).isZero();
        assertNoRetryHeld(c);
    }

    @Test
    void a5xxIsRetriedOnTheOtherHost() throws Exception {
        final Cluster c = cluster("bad_good");
        final long retries = stat(c, ClusterStat.UPSTREAM_RQ_RETRY);
        final long successes = stat(c, ClusterStat.UPSTREAM_RQ_RETRY_SUCCESS);
        final int badSeen = upstream("bad").requestCount();
        final int goodSeen = upstream("good").requestCount();
        try (RawHttpClient client = client()) {
            for (final String prefix : new String[] {"/5xx/", "/gw/", "/5xx/", "/gw/", "/5xx/", "/gw/"}) {
                final RawResponse r = client.get(prefix + "x", "x");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-upstream")).isEqualTo("good");
            }
        }
        final int badTries = upstream("bad").requestCount() - badSeen;
        assertThat(badTries).isBetween(1, 6);   // at most one try per request
        assertThat(upstream("good").requestCount() - goodSeen).isEqualTo(6);
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY) - retries).isEqualTo(badTries);
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY_SUCCESS) - successes).isEqualTo(badTries);
        assertNoRetryHeld(c);
    }

    @Test
    void retriableStatusCodesAreRetriedOnlyWhenListed() throws Exception {
        final Cluster c = cluster("conflict_good");
        final int conflictSeen = upstream("conflict").requestCount();
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 4; i++) {
                final RawResponse r = client.get("/codes/x", "x");
                assertThat(r.status()).isEqualTo(200);
            }
            assertThat(upstream("conflict").requestCount() - conflictSeen).isBetween(1, 4);
            // 409 is not a 5xx: a 5xx-only policy forwards it.
            boolean sawConflict = false;
            for (int i = 0; i < 4; i++) {
                sawConflict |= client.get("/nocodes/x", "x").status() == 409;
            }
            assertThat(sawConflict).isTrue();
        }
        assertNoRetryHeld(c);
    }

    @Test
    void aResetBeforeTheResponseIsRetriedWithTheBodyIntact() throws Exception {
        final Cluster c = cluster("closer_echo");
        final long retries = stat(c, ClusterStat.UPSTREAM_RQ_RETRY);
        final int closedBefore = CLOSER.accepted.get();
        final byte[] body = new byte[3000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 4; i++) {
                client.send(RawHttpClient.request("POST", "/reset/echo", "x", "content-length: " + body.length));
                client.send(body);
                final RawResponse r = client.readResponse();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-upstream")).isEqualTo("echo");
                assertThat(Arrays.equals(r.body(), body)).as("echoed body").isTrue();
            }
        }
        final int resets = CLOSER.accepted.get() - closedBefore;
        assertThat(resets).isBetween(1, 4);
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY) - retries).isEqualTo(resets);
        assertNoRetryHeld(c);
    }

    @Test
    void aTryPastPerTryTimeoutIsRetriedOnTheOtherHost() throws Exception {
        final Cluster c = cluster("slow_good");
        final long perTry = stat(c, ClusterStat.UPSTREAM_RQ_PER_TRY_TIMEOUT);
        try (RawHttpClient client = client()) {
            for (int i = 0; i < 3; i++) {
                final long start = System.nanoTime();
                final RawResponse r = client.get("/pertry/x", "x");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("x-upstream")).isEqualTo("good");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
            }
        }
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_PER_TRY_TIMEOUT) - perTry).isBetween(1L, 3L);
        assertNoRetryHeld(c);
    }

    @Test
    void whenAttemptsRunOutTheLastResponseIsForwarded() throws Exception {
        final Cluster c = cluster("bad_only");
        final long exceeded = stat(c, ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED);
        final long retries = stat(c, ClusterStat.UPSTREAM_RQ_RETRY);
        final int seen = upstream("bad").requestCount();
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/exhaust/x", "x");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("x-upstream")).isEqualTo("bad");   // the upstream's own response, not a local one
            assertThat(r.header("x-strait-error")).isNull();
        }
        assertThat(upstream("bad").requestCount() - seen).isEqualTo(3);   // the first try and two retries
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY) - retries).isEqualTo(2);
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED) - exceeded).isEqualTo(1);
        assertNoRetryHeld(c);
    }

    @Test
    void whenAttemptsRunOutOnConnectFailuresTheClientGets502() throws Exception {
        final Cluster c = cluster("dead_only");
        final long exceeded = stat(c, ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED);
        final long fails = stat(c, ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/deadonly/x", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_connect_failure");
        }
        assertThat(stat(c, ClusterStat.UPSTREAM_CX_CONNECT_FAIL) - fails).isEqualTo(2);
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY_LIMIT_EXCEEDED) - exceeded).isEqualTo(1);
        assertNoRetryHeld(c);
    }

    @Test
    void aBodyOverBufferLimitIsNotRetriedButASmallOneIs() throws Exception {
        final Cluster c = cluster("bad_only");
        try (RawHttpClient client = client()) {
            int seen = upstream("bad").requestCount();
            client.send(RawHttpClient.request("POST", "/limit/x", "x", "content-length: 100"));
            client.send(new byte[100]);
            assertThat(client.readResponse().status()).isEqualTo(503);
            assertThat(upstream("bad").requestCount() - seen).isEqualTo(2);   // fits 1 KiB: retried once

            seen = upstream("bad").requestCount();
            final long retries = stat(c, ClusterStat.UPSTREAM_RQ_RETRY);
            client.send(RawHttpClient.request("POST", "/limit/x", "x", "content-length: 4096"));
            client.send(new byte[4096]);
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("x-upstream")).isEqualTo("bad");
            assertThat(upstream("bad").requestCount() - seen).isEqualTo(1);
            assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY)).isEqualTo(retries);
        }
        assertNoRetryHeld(c);
    }

    @Test
    void maxRetriesZeroRefusesEveryRetryAndCountsTheOverflow() throws Exception {
        final Cluster c = cluster("bad_no_retries");
        final long overflow = stat(c, ClusterStat.UPSTREAM_RQ_RETRY_OVERFLOW);
        final int seen = upstream("bad").requestCount();
        try (RawHttpClient client = client()) {
            final RawResponse r = client.get("/nobreaker/x", "x");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("x-upstream")).isEqualTo("bad");
        }
        assertThat(upstream("bad").requestCount() - seen).isEqualTo(1);
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY_OVERFLOW) - overflow).isEqualTo(1);
        assertThat(stat(c, ClusterStat.UPSTREAM_RQ_RETRY)).isZero();
    }

    @Test
    void aRouteWithoutAPolicyNeverRetries() throws Exception {
        final int seen = upstream("bad").requestCount();
        try (RawHttpClient client = client()) {
            assertThat(client.get("/plain/x", "x").status()).isEqualTo(503);
        }
        assertThat(upstream("bad").requestCount() - seen).isEqualTo(1);
    }

    /** Accepts connections, reads what the proxy sends, and closes without answering. */
    private static final class Closer implements AutoCloseable {
        final AtomicInteger accepted = new AtomicInteger();
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread thread = new Thread(this::run, "closer");

        private Closer() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        /** Opens one in a static initializer, where a checked exception cannot be thrown. */
        static Closer open() {
            try {
                return new Closer();
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        int port() {
            return socket.getLocalPort();
        }

        private void run() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    accepted.incrementAndGet();
                    s.setSoTimeout(2000);
                    final InputStream in = s.getInputStream();
                    final byte[] buf = new byte[8192];
                    final StringBuilder head = new StringBuilder();
                    int n;
                    while (head.indexOf("\r\n\r\n") < 0 && (n = in.read(buf)) > 0) {
                        head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                } catch (final IOException e) {
                    // closed, or the peer went away: either way the connection ends without a response
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
