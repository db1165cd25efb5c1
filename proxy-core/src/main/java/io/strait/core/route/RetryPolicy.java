package io.strait.core.route;

import io.strait.core.config.RetryPolicyConfig;
import io.strait.core.http.GrpcStatus;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.lb.resilience.RetryBackoff;

import java.time.Duration;
import java.util.List;

/**
 * A route's compiled retry policy (see {@link RetryPolicyConfig}). Immutable and thread-safe: built once per
 * configuration snapshot and shared by every event loop; every query is a mask test or an array read.
 *
 * <p>What each failure kind matches, as in Envoy: a connect failure matches {@code connect-failure}, {@code reset},
 * {@code 5xx} and {@code gateway-error}; an upstream that closes or resets before a response head, or a try that
 * runs past {@code per_try_timeout}, matches {@code reset}, {@code 5xx} and {@code gateway-error}; a response head
 * matches {@code 5xx} when its status is 5xx, {@code gateway-error} when it is 502, 503 or 504, and
 * {@code retriable-status-codes} when it is listed. The gRPC names ({@code cancelled}, {@code deadline-exceeded},
 * {@code internal}, {@code resource-exhausted}, {@code unavailable}: Envoy's {@code retry_grpc_on}) match a head that
 * carries that {@code grpc-status} (a trailers-only response), and no failure without a response.
 */
public final class RetryPolicy {

    /** Failure kind: connect refused or timed out. */
    public static final int CONNECT_FAILURE = 1;
    /** Failure kind: the upstream closed or reset the connection before a response head. */
    public static final int RESET = 1 << 1;
    /** Failure kind: the try ran past per_try_timeout. */
    public static final int PER_TRY_TIMEOUT = 1 << 2;

    private static final int ON_CONNECT_FAILURE = 1;
    private static final int ON_RESET = 1 << 1;
    private static final int ON_5XX = 1 << 2;
    private static final int ON_GATEWAY_ERROR = 1 << 3;
    private static final int ON_STATUS_CODES = 1 << 4;

    private final int attempts;
    private final int on;
    /** Bit {@code c} set: a head carrying {@code grpc-status: c} is retried. */
    private final int retriedGrpc;
    /** Index = status - 100, for 100..599: true when the status is retried. */
    private final boolean[] retriedStatus = new boolean[500];
    private final long perTryTimeoutNanos;
    private final RetryBackoff backoff;
    private final long bufferLimit;

    private RetryPolicy(final RetryPolicyConfig config) {
        this.attempts = Math.max(0, config.attempts());
        int mask = 0;
        int grpc = 0;
        for (final String name : config.retryOn()) {
            mask |= switch (name) {
                case RetryPolicyConfig.CONNECT_FAILURE -> ON_CONNECT_FAILURE;
                case RetryPolicyConfig.RESET -> ON_RESET;
                case RetryPolicyConfig.RETRY_5XX -> ON_5XX;
                case RetryPolicyConfig.GATEWAY_ERROR -> ON_GATEWAY_ERROR;
                case RetryPolicyConfig.RETRIABLE_STATUS_CODES -> ON_STATUS_CODES;
                default -> 0;
            };
            grpc |= grpcBit(name);
        }
        this.on = mask;
        this.retriedGrpc = grpc;
        for (int s = 100; s < 600; s++) {
            retriedStatus[s - 100] = (mask & ON_5XX) != 0 && s >= 500
                || (mask & ON_GATEWAY_ERROR) != 0 && (s == 502 || s == 503 || s == 504);
        }
        if ((mask & ON_STATUS_CODES) != 0) {
            final List<Integer> codes = config.retriableStatusCodes();
            for (final int code : codes) {
                if (code >= 100 && code < 600) {
                    retriedStatus[code - 100] = true;
                }
            }
        }
        final Duration perTry = config.perTryTimeout();
        this.perTryTimeoutNanos = perTry == null || perTry.isZero() || perTry.isNegative() ? 0 : perTry.toNanos();
        final long base = Math.max(1, config.baseInterval().toNanos());
        this.backoff = new RetryBackoff(base, Math.max(base, config.maxInterval().toNanos()));
        this.bufferLimit = Math.max(0, config.bufferLimit());
    }

    /** The {@link #retriedGrpc} bit of a gRPC retry_on name; 0 for another known name; unknown names throw. */
    private static int grpcBit(final String name) {
        return switch (name) {
            case RetryPolicyConfig.CANCELLED -> 1 << GrpcStatus.CANCELLED;
            case RetryPolicyConfig.DEADLINE_EXCEEDED -> 1 << GrpcStatus.DEADLINE_EXCEEDED;
            case RetryPolicyConfig.RESOURCE_EXHAUSTED -> 1 << GrpcStatus.RESOURCE_EXHAUSTED;
            case RetryPolicyConfig.UNAVAILABLE -> 1 << GrpcStatus.UNAVAILABLE;
            case RetryPolicyConfig.INTERNAL -> 1 << GrpcStatus.INTERNAL;
            case RetryPolicyConfig.CONNECT_FAILURE, RetryPolicyConfig.RESET, RetryPolicyConfig.RETRY_5XX,
                 RetryPolicyConfig.GATEWAY_ERROR, RetryPolicyConfig.RETRIABLE_STATUS_CODES -> 0;
            default -> throw new IllegalArgumentException("unknown retry_on '" + name + "'");
        };
    }

    /** The compiled policy, or null for a null config. */
    public static RetryPolicy compile(final RetryPolicyConfig config) {
        return config == null ? null : new RetryPolicy(config);
    }

    /** Retries after the first try (Envoy's num_retries). */
    public int attempts() {
        return attempts;
    }

    /**
     * True if a failure of {@code kind} ({@link #CONNECT_FAILURE}, {@link #RESET}, {@link #PER_TRY_TIMEOUT}) is
     * retried.
     */
    public boolean retriesFailure(final int kind) {
        if ((on & (ON_RESET | ON_5XX | ON_GATEWAY_ERROR)) != 0) {
            return true;
        }
        return kind == CONNECT_FAILURE && (on & ON_CONNECT_FAILURE) != 0;
    }

    /** True if a final response head with {@code status} is retried. */
    public boolean retriesStatus(final int status) {
        return status >= 100 && status < 600 && retriedStatus[status - 100];
    }

    /**
     * True if a final response head is retried for the {@code grpc-status} it carries (a trailers-only gRPC
     * response; a status in the trailers of a response whose body started is never retried, as in Envoy). Reads the
     * headers only when the policy lists a gRPC code.
     */
    public boolean retriesGrpc(final HttpHeaderBlock headers) {
        if (retriedGrpc == 0) {
            return false;
        }
        final int code = GrpcStatus.statusOf(headers);
        return code >= 0 && (retriedGrpc & (1 << code)) != 0;
    }

    /** The timeout of each try in nanoseconds; 0 for none. */
    public long perTryTimeoutNanos() {
        return perTryTimeoutNanos;
    }

    /** The backoff between tries. */
    public RetryBackoff backoff() {
        return backoff;
    }

    /** The most request body bytes kept for a replay. */
    public long bufferLimit() {
        return bufferLimit;
    }
}
