package io.strait.core.exchange;

import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Telling a gRPC request and its grpc-timeout, and the trailers-only reply standing for a local reply. */
class GrpcRequestTest {

    private static HttpHeaderBlock headers(final String... nameValues) {
        final HttpHeaderBlock h = new HttpHeaderBlock();
        h.reset(null);
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(AsciiString.of(nameValues[i]), AsciiString.of(nameValues[i + 1]));
        }
        return h;
    }

    @Test
    void aGrpcRequestAndItsTimeout() {
        final GrpcRequest g = new GrpcRequest();
        g.read(headers("grpc-timeout", "150m", "te", "trailers", "content-type", "application/grpc+proto"));
        assertThat(g.isGrpc()).isTrue();
        assertThat(g.timeoutNanos()).isEqualTo(150_000_000L);
        g.read(headers("content-type", "application/grpc"));
        assertThat(g.isGrpc()).isTrue();
        assertThat(g.timeoutNanos()).as("none").isZero();
        g.read(headers("content-type", "application/grpc", "grpc-timeout", "soon"));
        assertThat(g.timeoutNanos()).as("malformed: ignored").isZero();
        g.read(headers("content-type", "application/grpc", "grpc-timeout", "0S"));
        assertThat(g.timeoutNanos()).as("0: none, as Envoy").isZero();
        g.clear();
        assertThat(g.isGrpc()).isFalse();
    }

    @Test
    void theDeadlineIsTheSmallerOfRouteAndGrpcTimeoutsWithoutMaxGrpcTimeout() {
        final long ms = 1_000_000L;
        final GrpcRequest g = new GrpcRequest();
        g.read(headers("content-type", "application/grpc", "grpc-timeout", "200m"));
        assertThat(g.timeoutNanos(1000, -1)).as("grpc-timeout 200ms under a 1s route").isEqualTo(200 * ms);
        assertThat(g.timeoutNanos(100, -1)).as("the route's 100ms under a 200ms grpc-timeout").isEqualTo(100 * ms);
        assertThat(g.timeoutNanos(0, -1)).as("timeout: 0 leaves the grpc-timeout alone").isEqualTo(200 * ms);
        g.read(headers("content-type", "application/grpc"));
        assertThat(g.timeoutNanos(300, -1)).as("no grpc-timeout: the route's").isEqualTo(300 * ms);
        assertThat(g.timeoutNanos(0, -1)).as("neither: none (only the stream idle timeout)").isZero();
        g.read(headers("grpc-timeout", "200m"));
        assertThat(g.timeoutNanos(1000, -1)).as("not gRPC: the route's").isEqualTo(1000 * ms);
        assertThat(g.timeoutNanos(1000, 50 * ms)).as("not gRPC: max_grpc_timeout does not apply").isEqualTo(1000 * ms);
    }

    @Test
    void maxGrpcTimeoutReplacesTheRouteTimeoutAsInEnvoy() {
        final long ms = 1_000_000L;
        final GrpcRequest g = new GrpcRequest();
        g.read(headers("content-type", "application/grpc", "grpc-timeout", "5S"));
        assertThat(g.timeoutNanos(1000, 0)).as("max 0: the grpc-timeout uncapped, past the route's")
            .isEqualTo(5000 * ms);
        assertThat(g.timeoutNanos(1000, 2000 * ms)).as("capped").isEqualTo(2000 * ms);
        assertThat(g.timeoutNanos(1000, 9000 * ms)).as("under the cap").isEqualTo(5000 * ms);
        g.read(headers("content-type", "application/grpc"));
        assertThat(g.timeoutNanos(1000, 0)).as("no grpc-timeout, max 0: none").isZero();
        assertThat(g.timeoutNanos(1000, 3000 * ms)).as("no grpc-timeout: the max").isEqualTo(3000 * ms);
    }

    @Test
    void aNonGrpcRequestHasNoGrpcTimeout() {
        final GrpcRequest g = new GrpcRequest();
        g.read(headers("content-type", "application/json", "grpc-timeout", "1S"));
        assertThat(g.isGrpc()).isFalse();
        assertThat(g.timeoutNanos()).isZero();
        final HttpHeaderBlock removed = headers("content-type", "application/grpc");
        removed.remove(0);
        g.read(removed);
        assertThat(g.isGrpc()).as("a removed entry does not count").isFalse();
    }

    @Test
    void outlierDetectionSeesWhatATrailersOnlyGrpcStatusStandsFor() {
        final GrpcRequest g = new GrpcRequest();
        final HttpResponseHead unavailable = HttpResponseHead.of(200);
        unavailable.headers().add(AsciiString.of("grpc-status"), AsciiString.of("14"));
        final HttpResponseHead plain = HttpResponseHead.of(200);
        g.read(headers("content-type", "application/grpc"));
        assertThat(g.outlierStatus(unavailable)).isEqualTo(503);
        assertThat(g.outlierStatusAtEnd()).as("the head said").isEqualTo(GrpcRequest.NONE);
        assertThat(g.outlierStatus(plain)).as("the status is in the trailers").isEqualTo(GrpcRequest.NONE);
        final HttpTrailers trailers = new HttpTrailers();
        trailers.headers().add(AsciiString.of("grpc-status"), AsciiString.of("4"));
        assertThat(g.outlierStatus(trailers)).as("DEADLINE_EXCEEDED").isEqualTo(504);
        assertThat(g.outlierStatusAtEnd()).as("reported once").isEqualTo(GrpcRequest.NONE);
        assertThat(g.outlierStatus(plain)).isEqualTo(GrpcRequest.NONE);
        assertThat(g.outlierStatusAtEnd()).as("a gRPC response without trailers").isEqualTo(200);
        final HttpResponseHead bad = HttpResponseHead.of(502);
        assertThat(g.outlierStatus(bad)).as("not 200: the head's status").isEqualTo(502);
        g.read(headers("content-type", "text/plain"));
        assertThat(g.outlierStatus(unavailable)).as("not gRPC").isEqualTo(200);
    }

    @Test
    void theReplyIsTrailersOnly() {
        final HttpResponseHead h = GrpcRequest.reply(503, "upstream_rq_overflow", false,
            LocalReply.X_STRAIT_OVERLOADED);
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.bodyLength()).isZero();
        assertThat(h.close()).isFalse();
        assertThat(h.headers().toString()).isEqualTo("{content-type: application/grpc, grpc-status: 8, "
            + "grpc-message: upstream_rq_overflow, x-strait-error: upstream_rq_overflow, x-strait-overloaded: true}");
        assertThat(GrpcRequest.reply(504, "request_timeout", true, null).headers().get("grpc-status").toString())
            .isEqualTo("4");
        assertThat(GrpcRequest.reply(504, "request_timeout", true, null).close()).isTrue();
    }
}
