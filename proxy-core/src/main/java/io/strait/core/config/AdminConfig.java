package io.strait.core.config;

import java.nio.file.Path;

/**
 * Immutable. The admin API (key {@code admin}); null in {@link StraitConfig} when the key is absent.
 *
 * @param address                   where the admin HTTP server listens
 * @param authTokenFile             a file holding the bearer token every admin request must carry; null for none
 * @param allowInsecureNonLoopback  true to allow a non-loopback {@code address} without a token file
 */
public record AdminConfig(
        HostPort address,
        Path authTokenFile,
        boolean allowInsecureNonLoopback) {

    /** Where the admin listens when {@code admin} has no {@code address}: loopback only, Envoy's usual port. */
    public static final HostPort DEFAULT_ADDRESS = new HostPort("127.0.0.1", 9901);

    /** An admin API on {@code address} without a token (valid only on a loopback address). */
    public AdminConfig(final HostPort address) {
        this(address, null, false);
    }
}
