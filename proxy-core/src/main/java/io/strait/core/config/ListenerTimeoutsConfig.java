package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code timeouts} of a listener: the time a client has to send a whole request head, the idle time
 * after which a connection with no request in flight is closed, and the stream idle time after which an exchange
 * in which neither side sent anything is ended, whatever its route timeout (zero: never).
 */
public record ListenerTimeoutsConfig(
        Duration requestHeaders,
        Duration idle,
        Duration streamIdle) {

    /** Envoy's default stream idle timeout. */
    public static final Duration DEFAULT_STREAM_IDLE = Duration.ofMinutes(5);

    /** Timeouts with the default stream idle timeout. */
    public ListenerTimeoutsConfig(final Duration requestHeaders, final Duration idle) {
        this(requestHeaders, idle, DEFAULT_STREAM_IDLE);
    }
}
