package io.strait.core.codec.http2;

/**
 * Counts the RST_STREAM frames one client sends, in fixed windows: a client that cancels more streams than
 * {@code max} within {@code intervalNanos} is attacking the server (CVE-2023-44487, "rapid reset": each HEADERS makes
 * the server start work that the RST_STREAM right after it throws away, and the stream never counts against
 * SETTINGS_MAX_CONCURRENT_STREAMS). A client cancelling its own requests at a human or RPC rate stays far below.
 * Confined to its connection's event loop; allocation-free.
 */
public final class Http2ResetLimiter {

    private final int max;
    private final long intervalNanos;
    private long windowStart;
    private int count;

    /** At most {@code max} resets per {@code intervalNanos}. */
    public Http2ResetLimiter(final int max, final long intervalNanos) {
        if (max < 1 || intervalNanos <= 0) {
            throw new IllegalArgumentException("max " + max + ", interval " + intervalNanos);
        }
        this.max = max;
        this.intervalNanos = intervalNanos;
    }

    /**
     * One reset received at {@code nowNanos}.
     *
     * @return true when it is one too many: the connection should be closed
     */
    public boolean onReset(final long nowNanos) {
        if (count == 0 || nowNanos - windowStart >= intervalNanos) {
            windowStart = nowNanos;
            count = 0;
        }
        return ++count > max;
    }
}
