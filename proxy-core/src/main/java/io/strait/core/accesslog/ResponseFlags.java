package io.strait.core.accesslog;

/**
 * Stateless. Envoy's response flags (the {@code RESPONSE_FLAGS} field) that Strait knows, as bits of an {@code int};
 * several are joined with commas in the order of {@link #CODES}, as Envoy does.
 */
public final class ResponseFlags {

    /** No healthy upstream host (503). */
    public static final int UH = 1;
    /** Upstream request timeout: the route's timeout or a per-try timeout (504). */
    public static final int UT = 1 << 1;
    /** Upstream connection failure (502). */
    public static final int UF = 1 << 2;
    /** Upstream connection termination: the upstream closed or reset while answering. */
    public static final int UC = 1 << 3;
    /** Upstream overflow: a circuit breaker refused the request (503). */
    public static final int UO = 1 << 4;
    /** No route found (404). */
    public static final int NR = 1 << 5;
    /** Rate limited by the local rate limit (429). */
    public static final int RL = 1 << 6;
    /** Upstream retry limit exceeded. */
    public static final int URX = 1 << 7;
    /** Downstream connection termination: the client went away before the response was complete. */
    public static final int DC = 1 << 8;
    /** Downstream protocol error: a malformed or over-limit request (4xx from the codec). */
    public static final int DPE = 1 << 9;
    /** Upstream protocol error: a malformed response. */
    public static final int UPE = 1 << 10;
    /** Stream idle timeout: the exchange saw no activity for {@code timeouts.stream_idle} (408 or 504). */
    public static final int SI = 1 << 11;
    /** Overload manager: the request was shed (503 overloaded) by the {@code shed_requests} action. */
    public static final int OM = 1 << 12;

    /**
     * The flags of a cause for which the proxy itself closes the client's connection mid-response (timeout, upstream
     * termination or protocol error): with one of these set, the connection's end is not the client's doing (no DC).
     */
    public static final int PROXY_CLOSE = UT | UC | DPE | UPE | SI;

    /** The short code of each bit, bit 0 first. */
    static final String[] CODES = {"UH", "UT", "UF", "UC", "UO", "NR", "RL", "URX", "DC", "DPE", "UPE", "SI", "OM"};
    /** {@link #CODES} as ASCII bytes, for the writer. */
    static final byte[][] CODE_BYTES = codeBytes();

    private ResponseFlags() {
    }

    /**
     * The flag of a local reply's reason ({@code x-strait-error}), or 0. Allocation-free ({@link String#hashCode} is
     * cached in the constant strings the proxy passes).
     */
    public static int ofLocalReply(final String reason) {
        switch (reason) {
            case "no_route":
                return NR;
            case "rate_limited":
                return RL;
            case "no_healthy_upstream":
                return UH;
            case "upstream_rq_overflow":
            case "upstream_rq_pending_overflow":
            case "upstream_cx_overflow":
                return UO;
            case "upstream_connect_failure":
            case "upstream_connect_timeout":
                return UF;
            case "request_timeout":
            case "upstream_per_try_timeout":
                return UT;
            case "upstream_reset":
                return UC;
            case "stream_idle_timeout":
                return SI;
            case "overloaded":
                return OM;
            default:
                return 0;
        }
    }

    /** The flags as Envoy prints them: codes joined by commas, {@code -} for none (for tests and tools). */
    public static String toString(final int flags) {
        if (flags == 0) {
            return "-";
        }
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < CODES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(CODES[i]);
            }
        }
        return sb.toString();
    }

    private static byte[][] codeBytes() {
        final byte[][] out = new byte[CODES.length][];
        for (int i = 0; i < CODES.length; i++) {
            out[i] = CODES[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        return out;
    }
}
