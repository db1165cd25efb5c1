package io.strait.core.config;


/** The admin API (key {@code admin}); null in {@link StraitConfig} when the key is absent. Immutable. */
public record AdminConfig(HostPort address) {
}
