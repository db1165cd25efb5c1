package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code timeouts} of a listener: the time a client has to send a whole request head from its first
 * byte, the idle time after which a connection with no request in flight is closed, the stream idle time after
 * which an exchange in which neither side sent anything is ended, whatever its route timeout, and the time a new
 * connection may stay silent before its first byte (zero: never, for each).
 */
public record ListenerTimeoutsConfig(
        Duration requestHeaders,
        Duration idle,
        Duration streamIdle,
        Duration firstByte) {

    /** Envoy's default stream idle timeout. */
    public static final Duration DEFAULT_STREAM_IDLE = Duration.ofMinutes(5);
    /** The default of {@code timeouts.first_byte}. */
    public static final Duration DEFAULT_FIRST_BYTE = Duration.ofSeconds(10);

    /** Timeouts with the default stream idle and first-byte timeouts. */
    public ListenerTimeoutsConfig(final Duration requestHeaders, final Duration idle) {
        this(requestHeaders, idle, DEFAULT_STREAM_IDLE, DEFAULT_FIRST_BYTE);
    }
}
