package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code timeouts} of a listener: the time a client has to send a whole request head from its first
 * byte, the idle time after which a connection with no request in flight is closed, the stream idle time after
 * which an exchange in which neither side sent anything is ended, whatever its route timeout, and the time a new
 * connection may stay silent before its first byte, and the time a connection's client may leave the proxy unable to
 * write to it (its outbound buffer over the high water mark and not draining) before it is reset (zero: never, for
 * each).
 */
public record ListenerTimeoutsConfig(
        Duration requestHeaders,
        Duration idle,
        Duration streamIdle,
        Duration firstByte,
        Duration send) {

    /** Envoy's default stream idle timeout. */
    public static final Duration DEFAULT_STREAM_IDLE = Duration.ofMinutes(5);
    /** The default of {@code timeouts.first_byte}. */
    public static final Duration DEFAULT_FIRST_BYTE = Duration.ofSeconds(10);
    /** The default of {@code timeouts.send}: nginx's {@code send_timeout}. */
    public static final Duration DEFAULT_SEND = Duration.ofSeconds(60);

    /** Timeouts with the default send timeout: the arity before {@code send}. */
    public ListenerTimeoutsConfig(final Duration requestHeaders, final Duration idle, final Duration streamIdle,
                                  final Duration firstByte) {
        this(requestHeaders, idle, streamIdle, firstByte, DEFAULT_SEND);
    }

    /** Timeouts with the default stream idle, first-byte and send timeouts. */
    public ListenerTimeoutsConfig(final Duration requestHeaders, final Duration idle) {
        this(requestHeaders, idle, DEFAULT_STREAM_IDLE, DEFAULT_FIRST_BYTE, DEFAULT_SEND);
    }
}
