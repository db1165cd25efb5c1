package io.strait.core.route;

import io.netty.util.AsciiString;
import io.strait.core.config.RetryPolicyConfig;
import io.strait.core.http.HttpHeaderBlock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A retry policy's gRPC names: which grpc-status in a response head each retries, and what they leave alone. */
class RetryPolicyGrpcTest {

    private static RetryPolicy policy(final String... on) {
        return RetryPolicy.compile(new RetryPolicyConfig(1, List.of(on), List.of(), null, Duration.ofMillis(1),
            Duration.ofMillis(2), 1024));
    }

    private static HttpHeaderBlock grpcStatus(final String code) {
        final HttpHeaderBlock h = new HttpHeaderBlock();
        h.reset(null);
        h.add(AsciiString.of("content-type"), AsciiString.of("application/grpc"));
        h.add(AsciiString.of("grpc-status"), AsciiString.of(code));
        return h;
    }

    @Test
    void eachNameRetriesItsCode() {
        final String[][] cases = {{"cancelled", "1"}, {"deadline-exceeded", "4"}, {"resource-exhausted", "8"},
            {"internal", "13"}, {"unavailable", "14"}};
        for (final String[] c : cases) {
            final RetryPolicy p = policy(c[0]);
            assertThat(p.retriesGrpc(grpcStatus(c[1]))).as(c[0]).isTrue();
            assertThat(p.retriesGrpc(grpcStatus("0"))).as(c[0] + " on OK").isFalse();
            assertThat(p.retriesGrpc(grpcStatus("2"))).as(c[0] + " on UNKNOWN").isFalse();
        }
    }

    @Test
    void grpcNamesRetryNoFailureAndNoHttpStatusAndOthersNoGrpcStatus() {
        final RetryPolicy grpcOnly = policy("unavailable");
        assertThat(grpcOnly.retriesFailure(RetryPolicy.CONNECT_FAILURE)).isFalse();
        assertThat(grpcOnly.retriesFailure(RetryPolicy.RESET)).isFalse();
        assertThat(grpcOnly.retriesStatus(503)).isFalse();
        final RetryPolicy http = policy("5xx", "connect-failure");
        assertThat(http.retriesGrpc(grpcStatus("14"))).isFalse();
        final HttpHeaderBlock none = new HttpHeaderBlock();
        none.reset(null);
        assertThat(grpcOnly.retriesGrpc(none)).isFalse();
        assertThat(policy("unavailable", "reset").retriesFailure(RetryPolicy.RESET)).isTrue();
    }

    @Test
    void anUnknownNameIsRefused() {
        assertThatThrownBy(() -> policy("unavailabel")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("unavailabel");
    }
}
