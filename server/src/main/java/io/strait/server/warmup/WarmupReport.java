package io.strait.server.warmup;

/**
 * Immutable. What a warm-up did: requests answered over HTTP/1.1 and HTTP/2, those that failed (a non-2xx status or a
 * connection lost), how long it took (start and stop of the throwaway proxy and the wait for the JIT included),
 * whether the JIT compilers had gone quiet by the end ({@code jitQuiet}), and, when none ran, why ({@code skipped};
 * null when it ran).
 */
public record WarmupReport(int http1, int http2, int failed, long millis, boolean jitQuiet, String skipped) {

    static WarmupReport skipped(final String why) {
        return new WarmupReport(0, 0, 0, 0, false, why);
    }

    /** Requests answered, both protocols. */
    public int answered() {
        return http1 + http2;
    }

    /** One log line's worth. */
    public String describe() {
        if (skipped != null) {
            return "warm-up skipped (" + skipped + ")";
        }
        return "warm-up: " + answered() + " requests (HTTP/1.1 " + http1 + ", HTTP/2 " + http2 + ", failed " + failed
            + ") in " + millis + " ms" + (jitQuiet ? "" : "; the JIT was still compiling at max_time");
    }
}
