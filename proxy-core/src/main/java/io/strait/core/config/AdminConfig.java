package io.strait.core.config;


/**
 * Immutable. The admin API (key {@code admin}); null in {@link StraitConfig} when the key is absent.
 */
public record AdminConfig(
        HostPort address) {
}
