package io.strait.load;

import java.util.List;
import java.util.Set;

/**
 * Immutable: how strait-load speaks TLS to the target ({@code https://} URLs or {@code tls = true}).
 *
 * @param enabled  every connection is TLS: the handshake first, requests only after it completed
 * @param sni      the server name sent (SNI) and verified, or null for the URL's host (an IP address sends none)
 * @param caFile   PEM file of trusted certificates (the server's is then verified, host name included), or null to
 *                 trust every certificate (a load generator on loopback)
 * @param versions protocols offered, e.g. {@code TLSv1.3, TLSv1.2}
 * @param resume   reuse sessions (tickets / session ids) on new connections; false = a full handshake every time
 */
public record TlsOptions(boolean enabled, String sni, String caFile, List<String> versions, boolean resume) {

    // Before OFF: the constructor OFF runs reads it.
    private static final Set<String> KNOWN_VERSIONS = Set.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1");

    /** The protocols offered unless {@code tls-versions} says otherwise. */
    public static final List<String> DEFAULT_VERSIONS = List.of("TLSv1.3", "TLSv1.2");

    /** Plain TCP. */
    public static final TlsOptions OFF = new TlsOptions(false, null, null, DEFAULT_VERSIONS, false);

    /** Checks the versions and copies the list. */
    public TlsOptions {
        versions = List.copyOf(versions);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("tls-versions must name at least one protocol, e.g. TLSv1.3,TLSv1.2");
        }
        for (final String v : versions) {
            if (!KNOWN_VERSIONS.contains(v)) {
                throw new IllegalArgumentException("tls-versions: unknown protocol '" + v + "'; known: "
                    + List.of("TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"));
            }
        }
        if (sni != null && sni.isBlank()) {
            throw new IllegalArgumentException("sni must not be empty");
        }
    }
}
