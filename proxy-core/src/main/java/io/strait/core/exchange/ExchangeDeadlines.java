package io.strait.core.exchange;

import io.strait.core.time.LoopTimer;

/**
 * An exchange's own deadlines: the route timeout (or the request's grpc-timeout, if shorter) and the stream idle
 * timeout (the retry controller keeps the per-try and backoff ones). Activity is counted, not timed: each event is an
 * {@code int} increment, and when the idle deadline comes the count says whether anything happened since it was
 * set; if so the deadline moves a whole period on. No clock is read per event, and the exchange ends between one
 * and two periods after its last one.
 *
 * <p>Confined to its exchange's event loop; one per exchange, reused per request. Times are in
 * {@link io.strait.core.time.NanoClock} terms, 0 meaning none.
 */
final class ExchangeDeadlines {

    /** {@link #due}: nothing is due. */
    static final int NONE = 0;
    /** {@link #due}: the route's timeout passed. */
    static final int ROUTE_TIMEOUT = 1;
    /** {@link #due}: neither side did anything for a whole stream idle period. */
    static final int STREAM_IDLE = 2;

    /** Longer timeouts are cut to this (about 146 years: no overflow when added to a clock reading). */
    private static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE >> 4;

    private final long streamIdleNanos;
    private long routeDeadline;
    private long streamIdleDeadline;
    private int activity;
    private int activityAtIdleCheck;

    /** Deadlines with a stream idle timeout of {@code streamIdleNanos} (0: none). */
    ExchangeDeadlines(final long streamIdleNanos) {
        this.streamIdleNanos = streamIdleNanos;
    }

    /** A request starts at {@code now}: the stream idle period runs from here, no route timeout yet. */
    void start(final long now) {
        routeDeadline = 0;
        streamIdleDeadline = streamIdleNanos > 0 ? now + streamIdleNanos : 0;
        activityAtIdleCheck = activity;
    }

    /** The route is known: its timeout runs from {@code start} ({@code timeoutMillis} 0: none). */
    void route(final long start, final long timeoutMillis) {
        timeout(start, timeoutMillis > 0 ? timeoutMillis * 1_000_000L : 0);
    }

    /**
     * The route is known: the request's deadline is {@code start} plus {@code timeoutNanos} (the route's timeout, or
     * what a gRPC request's grpc-timeout makes of it: {@link GrpcRequest#timeoutNanos}); 0 is none, and then only
     * the stream idle timeout bounds the exchange (a long-lived stream).
     */
    void timeout(final long start, final long timeoutNanos) {
        routeDeadline = timeoutNanos > 0 ? start + Math.min(timeoutNanos, MAX_TIMEOUT_NANOS) : 0;
    }

    /** Something happened in the exchange (a request or response event). */
    void activity() {
        activity++;
    }

    /** The exchange is over: no deadline any more. */
    void clear() {
        routeDeadline = 0;
        streamIdleDeadline = 0;
    }

    /** The earlier of this exchange's deadlines and {@code other} (0: none). */
    long next(final long other) {
        return LoopTimer.earliest(LoopTimer.earliest(routeDeadline, streamIdleDeadline), other);
    }

    /** Whether the route deadline has passed at {@code now}; clears it if so. */
    boolean routeDue(final long now) {
        if (routeDeadline != 0 && now - routeDeadline >= 0) {
            routeDeadline = 0;
            return true;
        }
        return false;
    }

    /**
     * Whether the stream has been idle for a whole period at {@code now}; clears the deadline if so. A deadline
     * reached after some activity moves one period on from {@code now} instead.
     */
    boolean streamIdleDue(final long now) {
        if (streamIdleDeadline == 0 || now - streamIdleDeadline < 0) {
            return false;
        }
        if (activity != activityAtIdleCheck) {
            activityAtIdleCheck = activity;
            streamIdleDeadline = now + streamIdleNanos;
            return false;
        }
        streamIdleDeadline = 0;
        return true;
    }
}
