package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code timeouts} of a listener: the time a client has to send a whole request head, and the idle
 * time after which a connection with no request in flight is closed.
 */
public record ListenerTimeoutsConfig(
        Duration requestHeaders,
        Duration idle) {
}
