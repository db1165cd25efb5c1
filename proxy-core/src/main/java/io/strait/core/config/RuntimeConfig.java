package io.strait.core.config;

import java.time.Duration;

/** Key {@code runtime}: event loops (0 = one per available processor), transport, drain timeout on shutdown. Immutable. */
public record RuntimeConfig(int eventLoops, Transport transport, Duration drainTimeout) {
}
