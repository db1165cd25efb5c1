/**
 * The arithmetic around a pick: circuit breakers (connection, pending, request and retry slots; the retry
 * budget), retry backoff with full jitter, and the token bucket of local rate limits.
 *
 * <p>Threading: breakers and buckets are shared by every event loop of a snapshot and are lock-free (atomic
 * counters, padded); backoff is stateless.
 */
package io.strait.lb.resilience;
