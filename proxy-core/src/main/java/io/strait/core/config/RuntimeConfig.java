package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code runtime}: event loops (0 = one per available processor), transport, drain timeout on
 * shutdown.
 */
public record RuntimeConfig(
        int eventLoops,
        Transport transport,
        Duration drainTimeout) {
}
