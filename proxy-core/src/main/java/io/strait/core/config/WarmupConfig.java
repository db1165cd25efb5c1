package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code warmup} of runtime: the exchange-path warm-up that runs on start, before the listeners bind
 * (the launcher's, {@code io.strait.server.warmup}): up to {@code requests} requests through a throwaway proxy on
 * loopback to a throwaway origin inside the process, for at most {@code maxTime}, so that the JIT has compiled the
 * request path before the first real request. Off unless the config has a {@code warmup:} section; {@code enabled:
 * false} in it keeps the settings written and skips it.
 */
public record WarmupConfig(boolean enabled, int requests, Duration maxTime) {

    /** Default number of warm-up requests: enough for C2 to compile the per-request methods (~10-15k calls). */
    public static final int DEFAULT_REQUESTS = 20_000;
    /** Most warm-up requests a config may ask for. */
    public static final int MAX_REQUESTS = 1_000_000;
    /** Default bound on the warm-up's time, whatever the count reached. */
    public static final Duration DEFAULT_MAX_TIME = Duration.ofSeconds(5);
    /** Longest bound a config may set. */
    public static final Duration MAX_MAX_TIME = Duration.ofMinutes(1);

    /** What a {@code warmup:} section starts from: on, {@link #DEFAULT_REQUESTS} requests, {@link #DEFAULT_MAX_TIME}.
     */
    public static final WarmupConfig DEFAULT = new WarmupConfig(true, DEFAULT_REQUESTS, DEFAULT_MAX_TIME);
    /** No warm-up: the default when the config has no {@code warmup:} section. */
    public static final WarmupConfig OFF = new WarmupConfig(false, DEFAULT_REQUESTS, DEFAULT_MAX_TIME);

    /** True when a warm-up runs: enabled, with at least one request and some time. */
    public boolean active() {
        return enabled && requests > 0 && !maxTime.isZero();
    }
}
