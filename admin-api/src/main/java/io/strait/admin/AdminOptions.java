package io.strait.admin;

import io.strait.core.config.AdminConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;

/**
 * Immutable. How the admin server listens and what it bounds.
 *
 * @param address        where to listen (port 0: any free port)
 * @param authToken      the bearer token every request must carry, or null for none
 * @param maxConnections admin connections open at once; more are answered 503 and closed
 * @param maxHeadBytes   request line plus headers; a longer line is answered 414, longer headers 431
 * @param maxBodyBytes   request body (of a POST); a longer one is answered 413
 * @param idleTimeout    a connection with no request for this long is closed
 * @param statsInterval  the period of histogram {@code interval} values in {@code /stats}
 * @param clock          the clock of {@code /certs}' days until expiry
 */
public record AdminOptions(InetSocketAddress address, String authToken, int maxConnections, int maxHeadBytes,
                           int maxBodyBytes, Duration idleTimeout, Duration statsInterval, Clock clock) {

    /** Default {@link #maxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 64;
    /** Default {@link #maxHeadBytes}: 16 KiB. */
    public static final int DEFAULT_MAX_HEAD_BYTES = 16 * 1024;
    /** Default {@link #maxBodyBytes}: 64 KiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    /** Default {@link #idleTimeout}. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Default {@link #statsInterval}. */
    public static final Duration DEFAULT_STATS_INTERVAL = Duration.ofSeconds(1);

    /** Checks the bounds. */
    public AdminOptions {
        if (maxConnections < 1 || maxHeadBytes < 256 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("bad admin bounds: connections " + maxConnections + ", head "
                + maxHeadBytes + ", body " + maxBodyBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero() || statsInterval.isNegative() || statsInterval.isZero()) {
            throw new IllegalArgumentException("admin timeouts must be positive");
        }
    }

    /** The defaults on {@code address}, without a token. */
    public static AdminOptions defaults(final InetSocketAddress address) {
        return new AdminOptions(address, null, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_HEAD_BYTES,
            DEFAULT_MAX_BODY_BYTES, DEFAULT_IDLE_TIMEOUT, DEFAULT_STATS_INTERVAL, Clock.systemUTC());
    }

    /**
     * The defaults with the config's address and token (read from {@code auth_token_file} now, surrounding
     * whitespace stripped). Resolves the address: call off the event loops.
     *
     * @throws IOException if the token file cannot be read (it was readable at validation)
     */
    public static AdminOptions from(final AdminConfig config) throws IOException {
        final AdminOptions d = defaults(config.address().toSocketAddress());
        if (config.authTokenFile() == null) {
            return d;
        }
        final String token = Files.readString(config.authTokenFile(), StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IOException(config.authTokenFile() + " holds no token");
        }
        return d.withAuthToken(token);
    }

    /** These options with {@code token}. */
    public AdminOptions withAuthToken(final String token) {
        return new AdminOptions(address, token, maxConnections, maxHeadBytes, maxBodyBytes, idleTimeout,
            statsInterval, clock);
    }
}
