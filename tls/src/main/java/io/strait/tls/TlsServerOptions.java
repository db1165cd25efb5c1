package io.strait.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable. What a TLS listener serves: its certificates (the first is the default for clients without SNI or
 * with an unknown name), the optional client CA bundle and whether a client certificate is required, the lowest
 * protocol version, optional TLS 1.2 cipher suites (OpenSSL names; empty: BoringSSL's defaults), the ALPN protocols,
 * the handshake timeout and the optional key-exchange groups (ECDH curves) the server accepts.
 *
 * @param certificates      one or more certificate and key files
 * @param clientCa          a PEM bundle of CA certificates that verify client certificates, or null
 * @param requireClientCert true to refuse clients without a certificate that {@code clientCa} verifies
 * @param minVersion        {@link #TLS_1_2} or {@link #TLS_1_3}
 * @param cipherSuites      TLS 1.2 cipher suites in preference order, or empty for the defaults
 * @param alpn              ALPN protocol names in preference order, e.g. {@code http/1.1}
 * @param handshakeTimeout  the time a client has from connecting to a finished handshake
 * @param ecdhCurves        key-exchange groups in preference order (names of {@link #GROUPS} or their aliases), or
 *                          empty for Netty's defaults on BoringSSL: X25519MLKEM768, X25519, P-256, P-384, P-521
 * @param sessionTickets    how session tickets are issued (on, random keys rotated hourly, by default)
 */
public record TlsServerOptions(List<CertificateFiles> certificates, Path clientCa, boolean requireClientCert,
                               String minVersion, List<String> cipherSuites, List<String> alpn,
                               Duration handshakeTimeout, List<String> ecdhCurves,
                               SessionTicketOptions sessionTickets) {

    /** TLS 1.2, the default lowest version. */
    public static final String TLS_1_2 = "TLSv1.2";
    /** TLS 1.3. */
    public static final String TLS_1_3 = "TLSv1.3";
    /** The default handshake timeout. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** The key-exchange groups {@code ecdhCurves} accepts, by their BoringSSL names. */
    public static final List<String> GROUPS = List.of("X25519MLKEM768", "X25519", "P-256", "P-384", "P-521");
    private static final Map<String, String> GROUP_NAMES = groupNames();

    /** Copies the lists and checks the values that are not files. */
    public TlsServerOptions {
        certificates = List.copyOf(certificates);
        cipherSuites = List.copyOf(cipherSuites);
        alpn = List.copyOf(alpn);
        ecdhCurves = List.copyOf(ecdhCurves);
        Objects.requireNonNull(minVersion, "minVersion");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(sessionTickets, "sessionTickets");
        if (!minVersion.equals(TLS_1_2) && !minVersion.equals(TLS_1_3)) {
            throw new IllegalArgumentException("minVersion must be TLSv1.2 or TLSv1.3: " + minVersion);
        }
    }

    /** Options with the default key-exchange groups (the arity before {@code ecdhCurves}). */
    public TlsServerOptions(final List<CertificateFiles> certificates, final Path clientCa,
                            final boolean requireClientCert, final String minVersion, final List<String> cipherSuites,
                            final List<String> alpn, final Duration handshakeTimeout) {
        this(certificates, clientCa, requireClientCert, minVersion, cipherSuites, alpn, handshakeTimeout, List.of());
    }

    /** Options with the default session tickets (the arity before {@code sessionTickets}). */
    public TlsServerOptions(final List<CertificateFiles> certificates, final Path clientCa,
                            final boolean requireClientCert, final String minVersion, final List<String> cipherSuites,
                            final List<String> alpn, final Duration handshakeTimeout, final List<String> ecdhCurves) {
        this(certificates, clientCa, requireClientCert, minVersion, cipherSuites, alpn, handshakeTimeout, ecdhCurves,
            SessionTicketOptions.DEFAULTS);
    }

    /**
     * The BoringSSL name of a key-exchange group: one of {@link #GROUPS} in any case, or an alias ({@code x25519},
     * {@code prime256v1}, {@code secp256r1}, {@code secp384r1}, {@code secp521r1}); null if unknown.
     */
    public static String group(final String name) {
        return GROUP_NAMES.get(name.toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> groupNames() {
        final Map<String, String> m = new HashMap<>();
        for (final String g : GROUPS) {
            m.put(g.toLowerCase(Locale.ROOT), g);
        }
        m.put("prime256v1", "P-256");
        m.put("secp256r1", "P-256");
        m.put("secp384r1", "P-384");
        m.put("secp521r1", "P-521");
        return Map.copyOf(m);
    }

    /** Options with one certificate and every other setting at its default (tests, tools). */
    public static TlsServerOptions of(final CertificateFiles certificate) {
        return new TlsServerOptions(List.of(certificate), null, false, TLS_1_2, List.of(), List.of("http/1.1"),
            DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** Every file these options read: certificates, keys, the client CA bundle and session ticket key files. */
    public List<Path> files() {
        final List<Path> out = new ArrayList<>();
        for (final CertificateFiles c : certificates) {
            out.add(c.cert());
            out.add(c.key());
            if (c.ocspStaple() != null) {
                out.add(c.ocspStaple());
            }
        }
        if (clientCa != null) {
            out.add(clientCa);
        }
        out.addAll(sessionTickets.keyFiles());
        return List.copyOf(out);
    }
}
