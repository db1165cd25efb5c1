package io.strait.core.server;

import io.strait.core.cluster.Cluster;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.lb.resilience.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end over loopback, HTTP/1.1 on both sides: gRPC-shaped requests ({@code content-type: application/grpc},
 * {@code te: trailers}, a chunked body holding one length-prefixed message) get the proxy's errors as trailers-only
 * responses with the right {@code grpc-status}, have their {@code grpc-timeout} honoured, and are retried on a
 * trailers-only {@code grpc-status} the route lists.
 */
class GrpcIntegrationTest {

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /down/ }, cluster: dead }
                  - { match: { prefix: /slow/ }, cluster: slow, timeout: 10s }
                  - { match: { prefix: /slownotimeout/ }, cluster: slow, timeout: 0s }
                  - { match: { prefix: /maxgrpc/ }, cluster: medium, timeout: 100ms, max_grpc_timeout: 0s }
                  - { match: { prefix: /outlier/ }, cluster: outlier }
                  - { match: { prefix: /grpc-status/ }, cluster: trailing }
                  - { match: { prefix: /busy/ }, cluster: busy, prefix_rewrite: / }
                  - { match: { prefix: /retry/ }, cluster: unavailable_good,
                      retry: { attempts: 2, on: [ unavailable ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
                  - { match: { prefix: /noretry/ }, cluster: unavailable_only,
                      retry: { on: [ 5xx, resource-exhausted ], backoff: { base_interval: 1ms, max_interval: 2ms } } }
        clusters:
          - name: dead
            endpoints: [ { address: 127.0.0.1:${port:dead} } ]
          - name: slow
            endpoints: [ { address: 127.0.0.1:${upstream:slow} } ]
          - name: medium
            endpoints: [ { address: 127.0.0.1:${upstream:medium} } ]
          - name: outlier
            endpoints: [ { address: 127.0.0.1:${upstream:failing} }, { address: 127.0.0.1:${upstream:healthy} } ]
            outlier_detection: { consecutive_5xx: 3, base_ejection_time: 30s, max_ejection_percent: 50 }
          - name: trailing
            endpoints: [ { address: 127.0.0.1:${upstream:trailing1} }, { address: 127.0.0.1:${upstream:trailing2} } ]
            outlier_detection: { consecutive_5xx: 3, base_ejection_time: 30s, max_ejection_percent: 50 }
          - name: busy
            endpoints: [ { address: 127.0.0.1:${upstream:busy} } ]
            circuit_breakers: { max_requests: 1 }
          - name: unavailable_good
            endpoints: [ { address: 127.0.0.1:${upstream:unavailable} }, { address: 127.0.0.1:${upstream:good} } ]
          - name: unavailable_only
            endpoints: [ { address: 127.0.0.1:${upstream:unavailable2} } ]
        """)
        .upstreams("busy", "good", "healthy", "trailing1", "trailing2")
        .upstream("failing", u -> u.defaultHeader("grpc-status", "14").defaultBody(""))
        .upstream("slow", u -> u.defaultDelay(Duration.ofSeconds(3)))
        .upstream("medium", u -> u.defaultDelay(Duration.ofMillis(400)))
        .upstream("unavailable", u -> u.defaultHeader("grpc-status", "14").defaultBody(""))
        .upstream("unavailable2", u -> u.defaultHeader("grpc-status", "14").defaultBody(""));

    /** A unary call's request: a chunked body holding one gRPC message (flag 0, length 2, "hi"). */
    private static String grpcCall(final String path, final String... extraHeaders) {
        final StringBuilder sb = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nhost: x\r\n")
            .append("content-type: application/grpc+proto\r\nte: trailers\r\ntransfer-encoding: chunked\r\n");
        for (final String h : extraHeaders) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n7\r\n\0\0\0\0\2hi\r\n0\r\n\r\n").toString();
    }

    private static RawResponse call(final String path, final String... extraHeaders) throws IOException {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            c.send(grpcCall(path, extraHeaders));
            return c.readResponse();
        }
    }

    /** A trailers-only response: 200, application/grpc, the status and message in the head, no body. */
    private static void assertTrailersOnly(final RawResponse r, final int grpcStatus, final String reason) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/grpc");
        assertThat(r.header("grpc-status")).isEqualTo(Integer.toString(grpcStatus));
        assertThat(r.header("grpc-message")).isEqualTo(reason);
        assertThat(r.header("x-strait-error")).isEqualTo(reason);
        assertThat(r.bodyLength()).isZero();
    }

    @Test
    void anUnreachableUpstreamIsUnavailable() throws Exception {
        assertTrailersOnly(call("/down/pkg.Svc/Call"), 14, "upstream_connect_failure");
    }

    @Test
    void aNonGrpcRequestStillGetsThePlainLocalReply() throws Exception {
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            final RawResponse r = c.get("/down/x", "x");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("grpc-status")).isNull();
            assertThat(r.bodyAsString()).isEqualTo("upstream_connect_failure\n");
        }
    }

    @Test
    void noRouteIsUnimplemented() throws Exception {
        assertTrailersOnly(call("/nowhere/pkg.Svc/Call"), 12, "no_route");
    }

    @Test
    void aGrpcTimeoutShorterThanTheRouteTimeoutIsDeadlineExceeded() throws Exception {
        final long timeouts = proxy.stat("main", HttpStat.DOWNSTREAM_RQ_TIMEOUT);
        // the upstream answers after 3 s, the route's timeout is 10 s: only the 200 ms deadline can answer this
        assertTrailersOnly(call("/slow/pkg.Svc/Call", "grpc-timeout: 200m"), 4, "request_timeout");
        assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_RQ_TIMEOUT)).isEqualTo(timeouts + 1);
        proxy.upstream("slow").takeRequest(Duration.ofSeconds(5));
    }

    @Test
    void aGrpcTimeoutAppliesAloneOnARouteWithoutTimeout() throws Exception {
        assertTrailersOnly(call("/slownotimeout/pkg.Svc/Call", "grpc-timeout: 300000u"), 4, "request_timeout");
        proxy.upstream("slow").takeRequest(Duration.ofSeconds(5));
    }

    @Test
    void aMalformedGrpcTimeoutIsIgnored() throws Exception {
        // 9 digits: not a valid grpc-timeout, so the request waits for the upstream's answer (3 s < the route's 10 s)
        final RawResponse r = call("/slow/pkg.Svc/Call", "grpc-timeout: 100000000m");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-upstream")).isEqualTo("slow");
        final var seen = proxy.upstream("slow").takeRequest(Duration.ofSeconds(5));
        assertThat(seen.headers()).anySatisfy(h -> {
            assertThat(h.name()).isEqualToIgnoringCase("grpc-timeout");
            assertThat(h.value()).isEqualTo("100000000m");   // forwarded unchanged
        });
        assertThat(seen.headers()).as("te: trailers goes on, as in Envoy")
            .anySatisfy(h -> assertThat(h.name() + ": " + h.value()).isEqualTo("te: trailers"));
    }

    @Test
    void withMaxGrpcTimeoutTheGrpcTimeoutReplacesTheRouteTimeout() throws Exception {
        // the upstream answers after 400 ms, the route's timeout is 100 ms: with max_grpc_timeout: 0 a gRPC request
        // has the deadline of its grpc-timeout (2 s), or none without one, as in Envoy
        final RawResponse withHeader = call("/maxgrpc/pkg.Svc/Call", "grpc-timeout: 2S");
        assertThat(withHeader.status()).isEqualTo(200);
        assertThat(withHeader.header("x-upstream")).isEqualTo("medium");
        final RawResponse without = call("/maxgrpc/pkg.Svc/Call");
        assertThat(without.header("x-upstream")).isEqualTo("medium");
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            final RawResponse plain = c.get("/maxgrpc/x", "x");
            assertThat(plain.status()).as("a non-gRPC request keeps the route timeout").isEqualTo(504);
        }
    }

    @Test
    void outlierDetectionEjectsAHostAnsweringTrailersOnlyUnavailable() throws Exception {
        // HTTP 200 every time, but UNAVAILABLE stands for a 503 (as Envoy reports it): three in a row eject the host
        final Cluster c = proxy.cluster("outlier");
        final var failing = proxy.host("outlier", "failing");
        for (int i = 0; i < 6; i++) {
            assertThat(call("/outlier/pkg.Svc/Call").status()).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> c.outlierDetector().isEjected(failing));
        assertThat(c.stats().value(ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_5XX)).isEqualTo(1);
        assertThat(c.outlierDetector().isEjected(proxy.host("outlier", "healthy"))).isFalse();
    }

    @Test
    void outlierDetectionSeesAGrpcStatusInTheTrailers() throws Exception {
        // HTTP 200 and a message, then grpc-status 14 in the trailers: UNAVAILABLE, a 503 to outlier detection
        final Cluster c = proxy.cluster("trailing");
        for (int i = 0; i < 8 && !c.outlierDetector().isEjected(proxy.host("trailing", "trailing1"))
            && !c.outlierDetector().isEjected(proxy.host("trailing", "trailing2")); i++) {
            final RawResponse r = call("/grpc-status/14");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.trailers()).anySatisfy(t -> assertThat(t.value()).isEqualTo("14"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> c.stats().value(
            ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_5XX) == 1);
        // grpc-status 0 in the trailers is a success: the other host is never ejected by it
        final long before = c.stats().value(ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_5XX);
        for (int i = 0; i < 6; i++) {
            assertThat(call("/grpc-status/0").status()).isEqualTo(200);
        }
        assertThat(c.stats().value(ClusterStat.OUTLIER_DETECTION_EJECTIONS_CONSECUTIVE_5XX)).isEqualTo(before);
    }

    @Test
    void aCircuitBreakerOverflowIsResourceExhausted() throws Exception {
        final Cluster busy = proxy.cluster("busy");
        final CircuitBreaker cb = busy.circuitBreaker();
        try (RawHttpClient holder = new RawHttpClient(proxy.port("main"))) {
            holder.send(RawHttpClient.request("GET", "/busy/delay/1500", "x"));
            await().atMost(Duration.ofSeconds(5)).until(() -> cb.currentRequests() == 1);
            final RawResponse r = call("/busy/pkg.Svc/Call");
            assertThat(r.header("x-strait-overloaded")).isEqualTo("true");
            assertThat(r.header("grpc-status")).isEqualTo("8");
            assertThat(r.status()).isEqualTo(200);
            assertThat(holder.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void aTrailersOnlyUnavailableIsRetriedOnTheOtherHost() throws Exception {
        final Cluster c = proxy.cluster("unavailable_good");
        final long retries = c.stats().value(ClusterStat.UPSTREAM_RQ_RETRY);
        final int unavailableSeen = proxy.upstream("unavailable").requestCount();
        for (int i = 0; i < 4; i++) {
            final RawResponse r = call("/retry/pkg.Svc/Call" + i);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-upstream")).as(r.toString()).isEqualTo("good");
            assertThat(r.header("grpc-status")).isNull();
        }
        final int failed = proxy.upstream("unavailable").requestCount() - unavailableSeen;
        assertThat(failed).isPositive();   // round robin sent some first tries to the failing host
        assertThat(c.stats().value(ClusterStat.UPSTREAM_RQ_RETRY) - retries).isEqualTo(failed);
    }

    @Test
    void aGrpcStatusTheRouteDoesNotListIsForwarded() throws Exception {
        final Cluster c = proxy.cluster("unavailable_only");
        final long retries = c.stats().value(ClusterStat.UPSTREAM_RQ_RETRY);
        final RawResponse r = call("/noretry/pkg.Svc/Call");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("grpc-status")).isEqualTo("14");
        assertThat(r.header("x-upstream")).isEqualTo("unavailable2");
        assertThat(c.stats().value(ClusterStat.UPSTREAM_RQ_RETRY)).isEqualTo(retries);
    }
}
