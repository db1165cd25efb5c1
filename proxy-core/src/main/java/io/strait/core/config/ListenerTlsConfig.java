package io.strait.core.config;

import io.strait.tls.TlsServerOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable. Key {@code tls} of a listener: what the TLS module needs to build the listener's contexts (file paths
 * already resolved against the configuration file's directory) and how often certificate files are checked for
 * changes.
 *
 * @param options        certificates, client CA, versions, cipher suites, ALPN, handshake timeout, ECDH curves
 * @param reloadInterval how often the files are polled for changes; zero disables reloading
 */
public record ListenerTlsConfig(TlsServerOptions options, Duration reloadInterval) {

    /** The default {@code reload_interval}. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(5);

    /** Checks that nothing is null. */
    public ListenerTlsConfig {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
    }
}
