package io.strait.core.time;

/**
 * The time source of the request path, in {@link System#nanoTime()} terms, so that tests can drive timeouts with a
 * clock they advance by hand (an {@code EmbeddedChannel}'s frozen ticker). Thread-safe.
 */
@FunctionalInterface
public interface NanoClock {

    /** The system's monotonic clock. */
    NanoClock SYSTEM = System::nanoTime;

    /** Now, in nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();
}
