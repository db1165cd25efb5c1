package io.strait.core.config;

import io.strait.tls.TlsClientOptions;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable. Key {@code tls} of a cluster: how Strait originates TLS to the cluster's hosts (file paths already
 * resolved against the configuration file's directory) and how often the CA bundle, certificate and key files are
 * checked for changes.
 *
 * @param options        CA bundle, accepted SANs, client certificate, SNI, ALPN, versions, ciphers, curves, timeout
 * @param reloadInterval how often the files are polled for changes; zero disables reloading
 */
public record ClusterTlsConfig(TlsClientOptions options, Duration reloadInterval) {

    /** Checks that nothing is null. */
    public ClusterTlsConfig {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(reloadInterval, "reloadInterval");
    }
}
