package io.strait.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.strait.core.stats.ClusterStat;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gRPC cases through Strait: client → Strait listener (h2c, prior knowledge) → cluster {@code protocol: http2}
 * → grpc-java backend; plus what only a proxy can get wrong: an upstream that dies, retries on
 * {@code UNAVAILABLE}, Strait's own timeouts as {@code DEADLINE_EXCEEDED}, its circuit breaker as
 * {@code RESOURCE_EXHAUSTED}. Virtual hosts pick the case by
 * {@code :authority}. Skipped, saying why, while Strait's config loader refuses the issue-11 keys
 * ({@link InProcessStrait#missingGrpcSupport()}).
 */
class StraitGrpcIntegrationTest extends AbstractGrpcIntegrationTest {

    /** The backend, doomed, flaky (UNAVAILABLE), good, silent and guarded ports, in that order. */
    static final String CONFIG = """
        runtime: { event_loops: 2, drain_timeout: 1s }
        listeners:
          - name: grpc
            address: 127.0.0.1:0
            codec: auto
            virtual_hosts:
              - name: retry
                domains: [ "retry.test" ]
                routes:
                  - match: { prefix: / }
                    cluster: flaky
                    retry: { attempts: 2, on: [ unavailable ] }
              - name: doomed
                domains: [ "doomed.test" ]
                routes: [ { match: { prefix: / }, cluster: doomed } ]
              - name: breaker
                domains: [ "breaker.test" ]
                routes: [ { match: { prefix: / }, cluster: breaker, timeout: 0s } ]
              - name: route_timeout
                domains: [ "timeout.test" ]
                routes: [ { match: { prefix: / }, cluster: backend, timeout: 300ms } ]
              - name: silent
                domains: [ "silent.test" ]
                routes: [ { match: { prefix: / }, cluster: silent, timeout: 0s } ]
              - name: main
                domains: [ "*" ]
                routes: [ { match: { prefix: / }, cluster: backend, timeout: 0s } ]
        clusters:
          - { name: backend, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
          - { name: doomed, protocol: http2, connect_timeout: 1s, endpoints: [ { address: 127.0.0.1:%d } ] }
          - name: flaky
            protocol: http2
            lb: round_robin
            endpoints: [ { address: 127.0.0.1:%d }, { address: 127.0.0.1:%d } ]
          - { name: silent, protocol: http2, endpoints: [ { address: 127.0.0.1:%d } ] }
          - name: breaker
            protocol: http2
            circuit_breakers: { max_requests: 1 }
            endpoints: [ { address: 127.0.0.1:%d } ]
        """;

    private GrpcBackend doomed;
    private GrpcBackend flaky;
    private GrpcBackend good;
    private GrpcBackend guarded;
    private SilentPeer silent;
    private InProcessStrait strait;
    private ManagedChannel doomedChannel;
    private ManagedChannel retryChannel;
    private ManagedChannel timeoutChannel;
    private ManagedChannel silentChannel;
    private ManagedChannel breakerChannel;

    @Override
    String unsupported() {
        return InProcessStrait.missingGrpcSupport();
    }

    @Override
    int startTarget() throws Exception {
        doomed = GrpcBackend.start();
        flaky = GrpcBackend.unavailable();
        good = GrpcBackend.start();
        guarded = GrpcBackend.start();
        silent = SilentPeer.open();
        strait = InProcessStrait.start(CONFIG.formatted(backend.port(), doomed.port(), flaky.port(), good.port(),
            silent.port(), guarded.port()));
        final int port = strait.port("grpc");
        doomedChannel = GrpcCalls.channel(port, "doomed.test");
        retryChannel = GrpcCalls.channel(port, "retry.test");
        timeoutChannel = GrpcCalls.channel(port, "timeout.test");
        silentChannel = GrpcCalls.channel(port, "silent.test");
        breakerChannel = GrpcCalls.channel(port, "breaker.test");
        return port;
    }

    @Override
    void stopTarget() throws Exception {
        for (final ManagedChannel c : new ManagedChannel[] { doomedChannel, retryChannel, timeoutChannel,
            silentChannel, breakerChannel }) {
            GrpcCalls.close(c);
        }
        if (strait != null) {
            strait.close();
        }
        for (final GrpcBackend b : new GrpcBackend[] { doomed, flaky, good, guarded }) {
            if (b != null) {
                b.close();
            }
        }
        if (silent != null) {
            silent.close();
        }
    }

    /** An upstream that dies: the next call gets UNAVAILABLE (connect refused), not a hang or an HTTP error. */
    @Test
    void killedUpstreamAnswersUnavailable() throws Exception {
        final byte[] hello = TestService.payload(7, 100);
        assertThat(GrpcCalls.unary(doomedChannel, EchoService.UNARY, hello)).isEqualTo(hello);

        doomed.kill();

        final Status s = GrpcCalls.failure(doomedChannel, EchoService.UNARY, GrpcCalls.bounded(), hello).getStatus();
        assertThat(s.getCode()).as("%s", s).isEqualTo(Status.Code.UNAVAILABLE);
    }

    /**
     * Cluster flaky: one host answers every call UNAVAILABLE (trailers-only), the other echoes. With
     * {@code retry: { on: [ unavailable ] }} and round robin every call succeeds, each UNAVAILABLE answer retried
     * once on the other host.
     */
    @Test
    void unavailableIsRetriedOnAnotherHost() {
        final int calls = 10;
        for (int i = 0; i < calls; i++) {
            final byte[] m = TestService.payload(i, 100);
            assertThat(GrpcCalls.unary(retryChannel, EchoService.UNARY, m)).as("call %d", i).isEqualTo(m);
        }

        final int refused = flaky.service().calls.get();
        assertThat(refused).as("UNAVAILABLE answers (round robin sends every other try there)").isPositive();
        assertThat(good.service().calls.get()).isEqualTo(calls);
        assertThat(strait.stat("flaky", ClusterStat.UPSTREAM_RQ_RETRY)).isEqualTo(refused);
    }

    /**
     * The route's timeout (300 ms) is shorter than the client's deadline: Strait ends the call with
     * DEADLINE_EXCEEDED (an HTTP 504 would reach a grpc-java client as UNAVAILABLE) and cancels the upstream's.
     */
    @Test
    void routeTimeoutAnswersDeadlineExceeded() {
        final int cancelledBefore = backend.service().sleepsCancelled.get();

        final Status s = GrpcCalls.failure(timeoutChannel, TestService.SLEEP, GrpcCalls.bounded(), new byte[0])
            .getStatus();

        assertThat(s.getCode()).as("%s", s).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(backend.service().sleepsCancelled.get())
            .as("the upstream's call was cancelled").isGreaterThan(cancelledBefore));
    }

    /**
     * Cluster breaker (backend guarded) admits one request at a time ({@code circuit_breakers: { max_requests: 1 }}):
     * with one call held upstream, the next is refused at once with RESOURCE_EXHAUSTED, trailers-only.
     */
    @Test
    void breakerOverflowAnswersResourceExhausted() {
        final int startedBefore = guarded.service().sleepsStarted.get();
        final long overflowBefore = strait.stat("breaker", ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
        final ClientCall<byte[], byte[]> held = breakerChannel.newCall(TestService.SLEEP, GrpcCalls.bounded());
        try {
            ClientCalls.asyncUnaryCall(held, new byte[0], observer(new CompletableFuture<>()));
            await().atMost(WAIT).untilAsserted(() -> assertThat(guarded.service().sleepsStarted.get())
                .as("the held call reached the upstream").isGreaterThan(startedBefore));

            final Status s = GrpcCalls.failure(breakerChannel, EchoService.UNARY, GrpcCalls.bounded(), new byte[] { 1 })
                .getStatus();

            assertThat(s.getCode()).as("%s", s).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            assertThat(strait.stat("breaker", ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW)).isEqualTo(overflowBefore + 1);
        } finally {
            held.cancel("test over", null);
        }
    }

    /**
     * Strait honours grpc-timeout by itself: a call with no client deadline, only a raw {@code grpc-timeout: 300m},
     * to an upstream that never answers, on a route without timeout. Only Strait can end it, with
     * DEADLINE_EXCEEDED; the bound on the wait only keeps a broken proxy from hanging the build.
     */
    @Test
    void grpcTimeoutAloneEndsTheCall() {
        final ClientCall<byte[], byte[]> call = GrpcCalls.withTimeoutHeader(silentChannel, "300m")
            .newCall(EchoService.UNARY, CallOptions.DEFAULT);
        final CompletableFuture<byte[]> answer = new CompletableFuture<>();
        try {
            ClientCalls.asyncUnaryCall(call, new byte[] { 1 }, observer(answer));

            assertThat(answer).failsWithin(GrpcCalls.BOUND).withThrowableOfType(ExecutionException.class)
                .satisfies(e -> assertThat(Status.fromThrowable(e.getCause()).getCode())
                    .as("%s", Status.fromThrowable(e.getCause())).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            assertThat(silent.connections()).as("the call went upstream").isPositive();
        } finally {
            call.cancel("test over", null);
        }
    }
}
