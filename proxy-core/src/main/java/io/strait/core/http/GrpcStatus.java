package io.strait.core.http;

import io.netty.util.AsciiString;

/**
 * What the proxy needs to know of gRPC over HTTP (the gRPC "PROTOCOL-HTTP2" document): which requests are gRPC, the
 * {@code grpc-timeout} header, the {@code grpc-status} codes and how a proxy's own errors map to them, and the
 * {@code grpc-message} percent-encoding. Stateless and thread-safe; the parsers allocate nothing.
 */
public final class GrpcStatus {

    /** OK. */
    public static final int OK = 0;
    /** CANCELLED. */
    public static final int CANCELLED = 1;
    /** UNKNOWN. */
    public static final int UNKNOWN = 2;
    /** DEADLINE_EXCEEDED. */
    public static final int DEADLINE_EXCEEDED = 4;
    /** PERMISSION_DENIED. */
    public static final int PERMISSION_DENIED = 7;
    /** RESOURCE_EXHAUSTED. */
    public static final int RESOURCE_EXHAUSTED = 8;
    /** UNIMPLEMENTED. */
    public static final int UNIMPLEMENTED = 12;
    /** INTERNAL. */
    public static final int INTERNAL = 13;
    /** UNAVAILABLE. */
    public static final int UNAVAILABLE = 14;
    /** UNAUTHENTICATED. */
    public static final int UNAUTHENTICATED = 16;
    /** The highest code gRPC defines. */
    public static final int MAX_CODE = 16;

    /** {@code content-type}. */
    public static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    /** {@code application/grpc}: the content type of a gRPC message (and its prefix for {@code +proto} etc.). */
    public static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");
    /** {@code grpc-timeout}. */
    public static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
    /** {@code grpc-status}. */
    public static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    /** {@code grpc-message}. */
    public static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");

    /** {@link #timeoutNanos}: the header is absent or malformed (the spec says: then there is no timeout). */
    public static final long NO_TIMEOUT = -1;

    private static final int MAX_TIMEOUT_DIGITS = 8;
    /** Where "grpc" starts in "application/grpc". */
    private static final int GRPC_AT = 12;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private GrpcStatus() {
    }

    /**
     * True if entry {@code i} of {@code h} is a gRPC content type: {@code application/grpc}, alone or followed by
     * {@code +} (a message format such as {@code +proto}) or {@code ;} (parameters).
     */
    public static boolean isGrpcContentType(final HttpHeaderBlock h, final int i) {
        final int n = APPLICATION_GRPC.length();
        // the 'g' after "application/" first: most content types (json, x-www-form-urlencoded...) fail there
        if (h.valueLength(i) < n || valueByte(h, i, GRPC_AT) != 'g' || !h.valueStartsWith(i, APPLICATION_GRPC)) {
            return false;
        }
        if (h.valueLength(i) == n) {
            return true;
        }
        final byte next = valueByte(h, i, n);
        return next == '+' || next == ';';
    }

    /**
     * The {@code grpc-timeout} value of entry {@code i} in nanoseconds: 1 to 8 ASCII digits and a unit ({@code H}
     * hours, {@code M} minutes, {@code S} seconds, {@code m} milliseconds, {@code u} microseconds, {@code n}
     * nanoseconds); {@link #NO_TIMEOUT} when malformed. Saturates at {@link Long#MAX_VALUE} (8 digits of hours).
     */
    public static long timeoutNanos(final HttpHeaderBlock h, final int i) {
        final int len = h.valueLength(i);
        if (len < 2 || len > MAX_TIMEOUT_DIGITS + 1) {
            return NO_TIMEOUT;
        }
        long v = 0;
        for (int k = 0; k < len - 1; k++) {
            final int d = valueByte(h, i, k) - '0';
            if (d < 0 || d > 9) {
                return NO_TIMEOUT;
            }
            v = v * 10 + d;
        }
        final long unit;
        switch (valueByte(h, i, len - 1)) {
            case 'H':
                unit = 3_600_000_000_000L;
                break;
            case 'M':
                unit = 60_000_000_000L;
                break;
            case 'S':
                unit = 1_000_000_000L;
                break;
            case 'm':
                unit = 1_000_000L;
                break;
            case 'u':
                unit = 1_000L;
                break;
            case 'n':
                unit = 1L;
                break;
            default:
                return NO_TIMEOUT;
        }
        return v > Long.MAX_VALUE / unit ? Long.MAX_VALUE : v * unit;
    }

    /**
     * The {@code grpc-status} of a head (a trailers-only response carries it in its head), or -1 when it has none or
     * the value is not a number in 0..{@link #MAX_CODE}.
     */
    public static int statusOf(final HttpHeaderBlock h) {
        final int i = h.indexOf(GRPC_STATUS);
        if (i < 0) {
            return -1;
        }
        final int len = h.valueLength(i);
        if (len < 1 || len > 2) {
            return -1;
        }
        int v = 0;
        for (int k = 0; k < len; k++) {
            final int d = valueByte(h, i, k) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v <= MAX_CODE ? v : -1;
    }

    /**
     * The gRPC status for a response the proxy makes itself, by what went wrong ({@code reason}, the
     * {@code x-strait-error} token) and else by its HTTP status: no upstream to be had (no healthy host, connect
     * failure, reset) is UNAVAILABLE, a timeout DEADLINE_EXCEEDED, a rate limit or a circuit breaker
     * RESOURCE_EXHAUSTED, no route UNIMPLEMENTED; the rest follows {@link #fromHttpStatus}.
     */
    public static int forLocalReply(final int httpStatus, final String reason) {
        switch (reason) {
            case "no_healthy_upstream":
            case "upstream_connect_failure":
            case "upstream_connect_timeout":
            case "upstream_reset":
                return UNAVAILABLE;
            case "request_timeout":
            case "upstream_per_try_timeout":
            case "stream_idle_timeout":
                return DEADLINE_EXCEEDED;
            case "rate_limited":
            case "upstream_rq_overflow":
            case "upstream_rq_pending_overflow":
            case "upstream_cx_overflow":
                return RESOURCE_EXHAUSTED;
            case "no_route":
                return UNIMPLEMENTED;
            default:
                return fromHttpStatus(httpStatus);
        }
    }

    /**
     * gRPC's mapping of an HTTP status to a gRPC code (the "HTTP to gRPC Status Code Mapping" document, as Envoy's
     * {@code httpToGrpcStatus}): 400 INTERNAL, 401 UNAUTHENTICATED, 403 PERMISSION_DENIED, 404 UNIMPLEMENTED,
     * 429/502/503/504 UNAVAILABLE, anything else UNKNOWN.
     */
    public static int fromHttpStatus(final int httpStatus) {
        switch (httpStatus) {
            case 400:
                return INTERNAL;
            case 401:
                return UNAUTHENTICATED;
            case 403:
                return PERMISSION_DENIED;
            case 404:
                return UNIMPLEMENTED;
            case 429:
            case 502:
            case 503:
            case 504:
                return UNAVAILABLE;
            default:
                return UNKNOWN;
        }
    }

    /**
     * The HTTP status a gRPC code stands for (Envoy's {@code grpcToHttpStatus}, used for outlier detection): OK 200,
     * CANCELLED 499, INVALID_ARGUMENT / FAILED_PRECONDITION / OUT_OF_RANGE 400, DEADLINE_EXCEEDED 504, NOT_FOUND 404,
     * ALREADY_EXISTS / ABORTED 409, PERMISSION_DENIED 403, RESOURCE_EXHAUSTED 429, UNIMPLEMENTED 501, UNAVAILABLE 503,
     * UNAUTHENTICATED 401, UNKNOWN / INTERNAL / DATA_LOSS and anything else 500.
     */
    public static int toHttpStatus(final int code) {
        switch (code) {
            case OK:
                return 200;
            case CANCELLED:
                return 499;
            case 3:   // INVALID_ARGUMENT
            case 9:   // FAILED_PRECONDITION
            case 11:  // OUT_OF_RANGE
                return 400;
            case DEADLINE_EXCEEDED:
                return 504;
            case 5:   // NOT_FOUND
                return 404;
            case 6:   // ALREADY_EXISTS
            case 10:  // ABORTED
                return 409;
            case PERMISSION_DENIED:
                return 403;
            case RESOURCE_EXHAUSTED:
                return 429;
            case UNIMPLEMENTED:
                return 501;
            case UNAVAILABLE:
                return 503;
            case UNAUTHENTICATED:
                return 401;
            default:
                return 500;
        }
    }

    /**
     * {@code message} percent-encoded for {@code grpc-message}: every byte outside printable ASCII
     * (0x20..0x7E), and {@code %} itself, as {@code %XX} of its UTF-8 bytes.
     */
    public static AsciiString percentEncode(final String message) {
        final byte[] utf8 = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int extra = 0;
        for (final byte b : utf8) {
            if (b < 0x20 || b > 0x7e || b == '%') {
                extra += 2;
            }
        }
        if (extra == 0) {
            return new AsciiString(utf8, false);
        }
        final byte[] out = new byte[utf8.length + extra];
        int o = 0;
        for (final byte b : utf8) {
            if (b < 0x20 || b > 0x7e || b == '%') {
                out[o++] = '%';
                out[o++] = HEX[(b >> 4) & 0xf];
                out[o++] = HEX[b & 0xf];
            } else {
                out[o++] = b;
            }
        }
        return new AsciiString(out, false);
    }

    private static byte valueByte(final HttpHeaderBlock h, final int i, final int k) {
        if (h.isAdded(i)) {
            return h.value(i).byteAt(k);
        }
        return h.backing().getByte(h.valueStart(i) + k);
    }
}
