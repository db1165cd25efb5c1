package io.strait.lb.resilience;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A token bucket, Envoy's {@code local_ratelimit}: at most {@code maxTokens} (the burst), {@code tokensPerFill}
 * added every {@code fillInterval}, one taken per admitted request. Thread-safe and lock-free: shared by all event
 * loops; refilled lazily from the elapsed time on acquire (one CAS on the last fill time decides which caller adds
 * the tokens, then a CAS loop on the token count), allocates nothing. The clock is the caller's
 * ({@code nowNanos}, e.g. {@link System#nanoTime()}), so tests move time by hand.
 */
public final class TokenBucket {

    private static final VarHandle TOKENS;
    private static final VarHandle LAST_FILL;

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            TOKENS = lookup.findVarHandle(TokenBucket.class, "tokens", long.class);
            LAST_FILL = lookup.findVarHandle(TokenBucket.class, "lastFillNanos", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long maxTokens;
    private final long tokensPerFill;
    private final long fillIntervalNanos;
    /** Fills after which the bucket is full whatever it held: no need to multiply further (no overflow). */
    private final long fillsToFull;

    /** Tokens left, 0..maxTokens. */
    private volatile long tokens;
    /** The time of the last fill boundary reached; moves forward by whole intervals only. */
    private volatile long lastFillNanos;

    /**
     * A full bucket.
     *
     * @param maxTokens         the burst: the most tokens held, &gt;= 1
     * @param tokensPerFill     tokens added per interval, &gt;= 1
     * @param fillIntervalNanos the refill interval in nanoseconds, &gt;= 1
     * @param nowNanos          the current time on the caller's clock
     */
    public TokenBucket(final long maxTokens, final long tokensPerFill, final long fillIntervalNanos,
                       final long nowNanos) {
        if (maxTokens < 1 || tokensPerFill < 1 || fillIntervalNanos < 1) {
            throw new IllegalArgumentException("maxTokens, tokensPerFill and fillIntervalNanos must be >= 1: "
                + maxTokens + ", " + tokensPerFill + ", " + fillIntervalNanos);
        }
        this.maxTokens = maxTokens;
        this.tokensPerFill = tokensPerFill;
        this.fillIntervalNanos = fillIntervalNanos;
        this.fillsToFull = (maxTokens + tokensPerFill - 1) / tokensPerFill;
        this.tokens = maxTokens;
        this.lastFillNanos = nowNanos;
    }

    /** Refills for the intervals elapsed up to {@code nowNanos}, then takes one token; false when none is left. */
    public boolean tryAcquire(final long nowNanos) {
        refill(nowNanos);
        long t = tokens;
        while (t > 0) {
            final long witness = (long) TOKENS.compareAndExchange(this, t, t - 1);
            if (witness == t) {
                return true;
            }
            t = witness;
        }
        return false;
    }

    private void refill(final long nowNanos) {
        final long last = lastFillNanos;
        final long elapsed = nowNanos - last;
        if (elapsed < fillIntervalNanos) {
            return;   // also when the clock is behind the last fill (elapsed < 0)
        }
        final long fills = elapsed / fillIntervalNanos;
        if (!LAST_FILL.compareAndSet(this, last, last + fills * fillIntervalNanos)) {
            return;   // another caller took these intervals and adds their tokens
        }
        final long add = fills >= fillsToFull ? maxTokens : fills * tokensPerFill;
        long t = tokens;
        while (true) {
            final long next = Math.min(maxTokens, t + add);
            final long witness = (long) TOKENS.compareAndExchange(this, t, next);
            if (witness == t) {
                return;
            }
            t = witness;
        }
    }

    /** Tokens left now (without refilling; for stats and tests). */
    public long availableTokens() {
        return tokens;
    }

    /** The burst size. */
    public long maxTokens() {
        return maxTokens;
    }

    /** Tokens added per interval. */
    public long tokensPerFill() {
        return tokensPerFill;
    }

    /** The refill interval in nanoseconds. */
    public long fillIntervalNanos() {
        return fillIntervalNanos;
    }

    @Override
    public String toString() {
        return "TokenBucket{" + tokens + "/" + maxTokens + ", +" + tokensPerFill + " per " + fillIntervalNanos
            + "ns}";
    }
}
