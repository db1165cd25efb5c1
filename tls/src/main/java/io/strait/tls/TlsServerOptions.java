package io.strait.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Immutable. What a TLS listener serves: its certificates (the first is the default for clients without SNI or
 * with an unknown name), the optional client CA bundle and whether a client certificate is required, the lowest
 * protocol version, optional TLS 1.2 cipher suites (OpenSSL names; empty: BoringSSL's defaults), the ALPN protocols
 * and the handshake timeout.
 *
 * @param certificates      one or more certificate and key files
 * @param clientCa          a PEM bundle of CA certificates that verify client certificates, or null
 * @param requireClientCert true to refuse clients without a certificate that {@code clientCa} verifies
 * @param minVersion        {@link #TLS_1_2} or {@link #TLS_1_3}
 * @param cipherSuites      TLS 1.2 cipher suites in preference order, or empty for the defaults
 * @param alpn              ALPN protocol names in preference order, e.g. {@code http/1.1}
 * @param handshakeTimeout  the time a client has from connecting to a finished handshake
 */
public record TlsServerOptions(List<CertificateFiles> certificates, Path clientCa, boolean requireClientCert,
                               String minVersion, List<String> cipherSuites, List<String> alpn,
                               Duration handshakeTimeout) {

    /** TLS 1.2, the default lowest version. */
    public static final String TLS_1_2 = "TLSv1.2";
    /** TLS 1.3. */
    public static final String TLS_1_3 = "TLSv1.3";
    /** The default handshake timeout. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /** Copies the lists and checks the values that are not files. */
    public TlsServerOptions {
        certificates = List.copyOf(certificates);
        cipherSuites = List.copyOf(cipherSuites);
        alpn = List.copyOf(alpn);
        Objects.requireNonNull(minVersion, "minVersion");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        if (!minVersion.equals(TLS_1_2) && !minVersion.equals(TLS_1_3)) {
            throw new IllegalArgumentException("minVersion must be TLSv1.2 or TLSv1.3: " + minVersion);
        }
    }

    /** Options with one certificate and every other setting at its default (tests, tools). */
    public static TlsServerOptions of(final CertificateFiles certificate) {
        return new TlsServerOptions(List.of(certificate), null, false, TLS_1_2, List.of(), List.of("http/1.1"),
            DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** Every file these options read: certificates, keys and the client CA bundle. */
    public List<Path> files() {
        final List<Path> out = new ArrayList<>();
        for (final CertificateFiles c : certificates) {
            out.add(c.cert());
            out.add(c.key());
        }
        if (clientCa != null) {
            out.add(clientCa);
        }
        return List.copyOf(out);
    }
}
