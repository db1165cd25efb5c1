package io.strait.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. How Strait originates TLS to the hosts of one cluster: the CA bundle that verifies their certificates,
 * the names a certificate must carry, an optional client certificate (mutual TLS), the SNI name, ALPN protocols,
 * protocol versions, TLS 1.2 cipher suites, key-exchange groups and the handshake timeout.
 *
 * @param caFile            a PEM bundle of the CA certificates that verify the upstream's chain (required)
 * @param clientCertificate the certificate and key presented when the upstream asks (mutual TLS), or null
 * @param sni               the server name sent in every handshake, or null: each host's own name when it has one
 *                          (an endpoint given by IP address sends none)
 * @param verifySans        accepted SANs, any one of which must be in the certificate; empty: the certificate must
 *                          name the SNI host (no check beyond the chain when there is no SNI)
 * @param alpn              ALPN protocols offered, in preference order ({@code h2}, {@code http/1.1})
 * @param minVersion        {@link TlsServerOptions#TLS_1_2} or {@link TlsServerOptions#TLS_1_3}
 * @param maxVersion        {@link TlsServerOptions#TLS_1_2} or {@link TlsServerOptions#TLS_1_3}, not below min
 * @param cipherSuites      TLS 1.2 cipher suites in preference order (OpenSSL names), or empty for the defaults
 * @param ecdhCurves        key-exchange groups in preference order, or empty for the defaults
 * @param handshakeTimeout  the time from the TCP connect to a finished handshake
 * @param sessionReuse      true to resume sessions (the client session cache); false: every handshake is full
 */
public record TlsClientOptions(Path caFile, CertificateFiles clientCertificate, String sni,
                               List<SanMatcher> verifySans, List<String> alpn, String minVersion, String maxVersion,
                               List<String> cipherSuites, List<String> ecdhCurves, Duration handshakeTimeout,
                               boolean sessionReuse) {

    /** Copies the lists and checks the values that are not files. */
    public TlsClientOptions {
        Objects.requireNonNull(caFile, "caFile");
        Objects.requireNonNull(minVersion, "minVersion");
        Objects.requireNonNull(maxVersion, "maxVersion");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        verifySans = List.copyOf(verifySans);
        alpn = List.copyOf(alpn);
        cipherSuites = List.copyOf(cipherSuites);
        ecdhCurves = List.copyOf(ecdhCurves);
        if (!version(minVersion) || !version(maxVersion)) {
            throw new IllegalArgumentException("versions must be TLSv1.2 or TLSv1.3: " + minVersion + ", "
                + maxVersion);
        }
        if (minVersion.equals(TlsServerOptions.TLS_1_3) && maxVersion.equals(TlsServerOptions.TLS_1_2)) {
            throw new IllegalArgumentException("min_version above max_version");
        }
    }

    /** Options that resume sessions (the arity before {@code sessionReuse}). */
    public TlsClientOptions(final Path caFile, final CertificateFiles clientCertificate, final String sni,
                            final List<SanMatcher> verifySans, final List<String> alpn, final String minVersion,
                            final String maxVersion, final List<String> cipherSuites, final List<String> ecdhCurves,
                            final Duration handshakeTimeout) {
        this(caFile, clientCertificate, sni, verifySans, alpn, minVersion, maxVersion, cipherSuites, ecdhCurves,
            handshakeTimeout, true);
    }

    /** Options verifying against {@code caFile} with every other setting at its default (tests, tools). */
    public static TlsClientOptions of(final Path caFile) {
        return new TlsClientOptions(caFile, null, null, List.of(), List.of("http/1.1"), TlsServerOptions.TLS_1_2,
            TlsServerOptions.TLS_1_3, List.of(), List.of(), TlsServerOptions.DEFAULT_HANDSHAKE_TIMEOUT);
    }

    private static boolean version(final String v) {
        return v.equals(TlsServerOptions.TLS_1_2) || v.equals(TlsServerOptions.TLS_1_3);
    }

    /** The protocol versions to enable, newest first. */
    String[] protocols() {
        if (minVersion.equals(maxVersion)) {
            return new String[] {minVersion};
        }
        return new String[] {TlsServerOptions.TLS_1_3, TlsServerOptions.TLS_1_2};
    }

    /** Every file these options read: the CA bundle, and the client certificate and key. */
    public List<Path> files() {
        final List<Path> out = new ArrayList<>(3);
        out.add(caFile);
        if (clientCertificate != null) {
            out.add(clientCertificate.cert());
            out.add(clientCertificate.key());
        }
        return List.copyOf(out);
    }
}
