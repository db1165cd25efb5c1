package io.strait.grpc;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** strait-grpc-load's run against its own echo backend ({@code serve}'s service) on 127.0.0.1, briefly. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnaryLoadIntegrationTest {

    private Server server;

    @BeforeAll
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .directExecutor()
            .addService(EchoService.definition())
            .build()
            .start();
    }

    @AfterAll
    void stop() throws Exception {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * Three seconds measured after three of warm-up: a cold grpc-java client on a two-core machine loaded by other
     * builds (load average 11) completed no call in a 0.5 s warm-up and 2 s window.
     */
    @Test
    void measuresOkCallsAndTheirLatency() throws Exception {
        final UnaryLoad.Result r = UnaryLoad.run(new UnaryLoad.Settings("127.0.0.1", server.getPort(), null, 8, 2,
            256, Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(5)));

        assertThat(r.drained()).isTrue();
        assertThat(r.errors()).isEmpty();
        assertThat(r.requests()).isPositive();
        assertThat(r.latency().getTotalCount()).isEqualTo(r.requests());
        assertThat(r.latency().getValueAtPercentile(50)).isPositive()
            .isLessThanOrEqualTo(r.latency().getValueAtPercentile(99));
        assertThat(r.requestsPerSecond()).isEqualTo(r.requests() / 3.0);
    }

    /** A target nobody listens on: every call fails UNAVAILABLE, counted by code; the run still ends. */
    @Test
    void countsFailuresByStatusAndStillEnds() throws Exception {
        final int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        final UnaryLoad.Result r = UnaryLoad.run(new UnaryLoad.Settings("127.0.0.1", closed, null, 4, 1, 16,
            Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(2)));

        assertThat(r.requests()).isZero();
        assertThat(r.errors()).containsOnlyKeys(Status.Code.UNAVAILABLE);
        assertThat(r.errorCount()).isPositive();
    }

    @Test
    void settingsOutOfRangeAreRefusedByName() {
        assertThatThrownBy(() -> new UnaryLoad.Settings("127.0.0.1", 1, null, 4, 5, 0, Duration.ZERO,
            Duration.ofSeconds(1), Duration.ofSeconds(1))).hasMessageContaining("channels");
        assertThatThrownBy(() -> new UnaryLoad.Settings("127.0.0.1", 1, null, 0, 1, 0, Duration.ZERO,
            Duration.ofSeconds(1), Duration.ofSeconds(1))).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> new UnaryLoad.Settings("127.0.0.1", 1, null, 1, 1, 0, Duration.ZERO,
            Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("duration");
    }
}
