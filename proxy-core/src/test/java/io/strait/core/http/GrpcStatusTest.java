package io.strait.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** gRPC's content type, grpc-timeout grammar, grpc-status, the local reply mapping and grpc-message encoding. */
class GrpcStatusTest {

    /** A block with one added entry. */
    private static HttpHeaderBlock added(final String name, final String value) {
        final HttpHeaderBlock h = new HttpHeaderBlock();
        h.reset(null);
        h.add(AsciiString.of(name), AsciiString.of(value));
        return h;
    }

    /** A block with one wire entry ("name: value" in a buffer), as the HTTP/1.1 codec records it. */
    private static HttpHeaderBlock wire(final String name, final String value) {
        final ByteBuf b = Unpooled.copiedBuffer("xx" + name + ": " + value + "\r\n", StandardCharsets.ISO_8859_1);
        final HttpHeaderBlock h = new HttpHeaderBlock();
        h.reset(b);
        final int ns = 2;
        final int vs = ns + name.length() + 2;
        h.addWire(ns, ns + name.length(), vs, vs + value.length());
        return h;
    }

    @ParameterizedTest
    @CsvSource({
        "application/grpc, true", "application/grpc+proto, true", "application/grpc;charset=x, true",
        "application/grpc-web, false", "application/grpcx, false", "application/json, false", "Application/grpc, false"
    })
    void grpcContentTypes(final String value, final boolean grpc) {
        assertThat(GrpcStatus.isGrpcContentType(added("content-type", value), 0)).isEqualTo(grpc);
        assertThat(GrpcStatus.isGrpcContentType(wire("content-type", value), 0)).isEqualTo(grpc);
    }

    @ParameterizedTest
    @CsvSource({
        "1H, 3600000000000", "2M, 120000000000", "3S, 3000000000", "250m, 250000000", "7u, 7000", "9n, 9",
        "0m, 0", "99999999S, 99999999000000000", "00000001m, 1000000", "99999999H, 9223372036854775807",
        "100000000m, -1", "m, -1", "10, -1", "10s, -1", "10 S, -1", "-1S, -1", "1.5S, -1", "'', -1"
    })
    void grpcTimeoutGrammar(final String value, final long nanos) {
        assertThat(GrpcStatus.timeoutNanos(added("grpc-timeout", value), 0)).isEqualTo(nanos);
        if (!value.isEmpty()) {
            assertThat(GrpcStatus.timeoutNanos(wire("grpc-timeout", value), 0)).isEqualTo(nanos);
        }
    }

    @Test
    void grpcStatusOfAHead() {
        assertThat(GrpcStatus.statusOf(added("grpc-status", "14"))).isEqualTo(14);
        assertThat(GrpcStatus.statusOf(wire("Grpc-Status", "0"))).isZero();
        assertThat(GrpcStatus.statusOf(added("grpc-status", "17"))).isEqualTo(-1);
        assertThat(GrpcStatus.statusOf(added("grpc-status", "x"))).isEqualTo(-1);
        assertThat(GrpcStatus.statusOf(added("grpc-status", "140"))).isEqualTo(-1);
        assertThat(GrpcStatus.statusOf(added("x-grpc-status", "14"))).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({
        "503, no_healthy_upstream, 14", "502, upstream_connect_failure, 14", "502, upstream_connect_timeout, 14",
        "502, upstream_reset, 14", "504, request_timeout, 4", "504, upstream_per_try_timeout, 4",
        "408, stream_idle_timeout, 4", "504, stream_idle_timeout, 4", "429, rate_limited, 8",
        "503, upstream_rq_overflow, 8", "503, upstream_rq_pending_overflow, 8", "503, upstream_cx_overflow, 8",
        "404, no_route, 12", "400, invalid_chunk_size, 13", "431, headers_too_large, 2", "413, body_too_large, 2",
        "502, headers_too_large, 14", "401, x, 16", "403, x, 7", "500, x, 2"
    })
    void localRepliesMapAsEnvoy(final int httpStatus, final String reason, final int grpcStatus) {
        assertThat(GrpcStatus.forLocalReply(httpStatus, reason)).isEqualTo(grpcStatus);
    }

    @ParameterizedTest
    @CsvSource({"0, 200", "1, 499", "2, 500", "3, 400", "4, 504", "5, 404", "6, 409", "7, 403", "8, 429", "9, 400",
        "10, 409", "11, 400", "12, 501", "13, 500", "14, 503", "15, 500", "16, 401"})
    void grpcCodesStandForHttpStatusesAsInEnvoy(final int code, final int httpStatus) {
        assertThat(GrpcStatus.toHttpStatus(code)).isEqualTo(httpStatus);
    }

    @Test
    void grpcMessageIsPercentEncoded() {
        assertThat(GrpcStatus.percentEncode("no_healthy_upstream").toString()).isEqualTo("no_healthy_upstream");
        assertThat(GrpcStatus.percentEncode("50% done\n").toString()).isEqualTo("50%25 done%0A");
        assertThat(GrpcStatus.percentEncode("caf\u00e9").toString()).isEqualTo("caf%C3%A9");
    }
}
