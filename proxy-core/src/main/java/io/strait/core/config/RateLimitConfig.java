package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code rate_limit} of a route or a virtual host, Envoy's {@code local_ratelimit}: a token bucket
 * holding at most {@code maxTokens} (the burst), refilled with {@code tokensPerFill} every {@code fillInterval}, one
 * token per request; a request finding it empty gets 429. One bucket per route (or virtual host), shared by all
 * event loops.
 */
public record RateLimitConfig(
        long maxTokens,
        long tokensPerFill,
        Duration fillInterval) {
}
