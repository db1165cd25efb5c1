package io.strait.core.exchange;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AsciiString;
import io.strait.core.http.GrpcStatus;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;

/**
 * Whether an exchange's request is gRPC, and its {@code grpc-timeout}; and the trailers-only response a gRPC client
 * gets in place of a local reply. Confined to its exchange's event loop; one per exchange, reused per request.
 *
 * <p>Reading a request costs one pass over its headers comparing name lengths ({@code content-type} and
 * {@code grpc-timeout} are both 12 bytes long), and allocates nothing.
 */
final class GrpcRequest {

    private static final int NAME_LENGTH = 12;
    /** No status for outlier detection (yet). */
    static final int NONE = -1;

    private boolean grpc;
    private long timeoutNanos;
    /** The try's outcome for outlier detection waits for the response's trailers (its grpc-status). */
    private boolean outlierPending;

    /** Reads a request's headers: is it gRPC, and with what {@code grpc-timeout} (only a gRPC request's counts). */
    void read(final HttpHeaderBlock h) {
        boolean isGrpc = false;
        int timeoutIndex = -1;
        final int n = h.size();
        for (int i = 0; i < n; i++) {
            if (h.isDead(i) || h.nameLength(i) != NAME_LENGTH) {
                continue;
            }
            if (h.nameEquals(i, GrpcStatus.CONTENT_TYPE)) {
                isGrpc = GrpcStatus.isGrpcContentType(h, i);
            } else if (timeoutIndex < 0 && h.nameEquals(i, GrpcStatus.GRPC_TIMEOUT)) {
                timeoutIndex = i;
            }
        }
        grpc = isGrpc;
        final long t = isGrpc && timeoutIndex >= 0 ? GrpcStatus.timeoutNanos(h, timeoutIndex) : 0;
        timeoutNanos = Math.max(0, t);   // malformed: ignored, as the spec says; 0: none, as Envoy
    }

    /** True if the request's content type is {@code application/grpc} (or {@code application/grpc+...}). */
    boolean isGrpc() {
        return grpc;
    }

    /** The request's {@code grpc-timeout} in nanoseconds; 0 when it has none (or is not gRPC). */
    long timeoutNanos() {
        return timeoutNanos;
    }

    /**
     * The request's timeout under a route with {@code routeTimeoutMillis} (0: none) and {@code maxGrpcTimeoutNanos}
     * (-1: not set), in nanoseconds, 0 for none. Not gRPC: the route's. gRPC, no max_grpc_timeout: the smaller of
     * the route's and the grpc-timeout. gRPC with max_grpc_timeout (Envoy's rule): the grpc-timeout alone, capped by
     * the max unless it is 0; without a grpc-timeout, the max (0: none).
     */
    long timeoutNanos(final long routeTimeoutMillis, final long maxGrpcTimeoutNanos) {
        final long route = routeTimeoutMillis > 0 ? routeTimeoutMillis * 1_000_000L : 0;
        if (!grpc) {
            return route;
        }
        final long t = timeoutNanos;
        if (maxGrpcTimeoutNanos < 0) {
            return t > 0 && (route == 0 || t < route) ? t : route;
        }
        return maxGrpcTimeoutNanos > 0 && (t == 0 || t > maxGrpcTimeoutNanos) ? maxGrpcTimeoutNanos : t;
    }

    /**
     * The status outlier detection should see for a response head: for a gRPC request whose head carries
     * {@code grpc-status} (a trailers-only response), what that code stands for in HTTP (UNAVAILABLE: 503), as Envoy
     * reports it; otherwise the head's status.
     */
    int outlierStatus(final HttpResponseHead head) {
        if (!grpc) {
            return head.status();
        }
        final int code = GrpcStatus.statusOf(head.headers());
        if (code >= 0) {
            return GrpcStatus.toHttpStatus(code);
        }
        if (head.status() == 200) {
            outlierPending = true;   // the outcome is the trailers' grpc-status, as Envoy's router reports it
            return NONE;
        }
        return head.status();
    }

    /**
     * The status outlier detection is to see once the response's trailers came: what their {@code grpc-status}
     * stands for (200 without one), or {@link #NONE} when the head already said.
     */
    int outlierStatus(final HttpTrailers trailers) {
        if (!outlierPending) {
            return NONE;
        }
        outlierPending = false;
        final int code = GrpcStatus.statusOf(trailers.headers());
        return code < 0 ? 200 : GrpcStatus.toHttpStatus(code);
    }

    /** At the response's end: 200 when a gRPC response ended without trailers, else {@link #NONE}. */
    int outlierStatusAtEnd() {
        if (!outlierPending) {
            return NONE;
        }
        outlierPending = false;
        return 200;
    }

    /** Forgets the request. */
    void clear() {
        grpc = false;
        timeoutNanos = 0;
        outlierPending = false;
    }

    /**
     * A trailers-only gRPC response standing for the local reply {@code status} / {@code reason}: HTTP status 200,
     * {@code content-type: application/grpc}, {@code grpc-status} ({@link GrpcStatus#forLocalReply}) and
     * {@code grpc-message} (the reason, percent-encoded) in the head, no body; {@code x-strait-error} and the
     * {@code flag} header (may be null) as on any local reply.
     */
    static HttpResponseHead reply(final int status, final String reason, final boolean close,
                                  final AsciiString flag) {
        final HttpResponseHead head = HttpResponseHead.of(200);
        final HttpHeaderBlock h = head.headers();
        h.add(HttpHeaderNames.CONTENT_TYPE, GrpcStatus.APPLICATION_GRPC);
        h.add(GrpcStatus.GRPC_STATUS, AsciiString.of(Integer.toString(GrpcStatus.forLocalReply(status, reason))));
        h.add(GrpcStatus.GRPC_MESSAGE, GrpcStatus.percentEncode(reason));
        h.add(LocalReply.X_STRAIT_ERROR, new AsciiString(reason));
        if (flag != null) {
            h.add(flag, LocalReply.TRUE);
        }
        head.bodyLength(0);
        head.close(close);
        return head;
    }
}
