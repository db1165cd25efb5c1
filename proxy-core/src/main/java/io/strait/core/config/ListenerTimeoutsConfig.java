package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code timeouts} of a listener: the time a client has to send a whole request head from its first
 * byte, the idle time after which a connection with no request in flight is closed, and the time a new connection
 * may stay silent before its first byte.
 */
public record ListenerTimeoutsConfig(
        Duration requestHeaders,
        Duration idle,
        Duration firstByte) {

    /** The default of {@code timeouts.first_byte}. */
    public static final Duration DEFAULT_FIRST_BYTE = Duration.ofSeconds(10);

    /** Timeouts with the default first-byte timeout. */
    public ListenerTimeoutsConfig(final Duration requestHeaders, final Duration idle) {
        this(requestHeaders, idle, DEFAULT_FIRST_BYTE);
    }
}
