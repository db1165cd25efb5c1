package io.strait.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Immutable. One server certificate: a PEM file holding the certificate chain (leaf first), a PEM file holding
 * its private key (PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted), and optionally a DER OCSP response to staple.
 *
 * @param cert       the PEM certificate chain
 * @param key        the PEM private key of the chain's first certificate
 * @param ocspStaple a DER-encoded OCSP response for the leaf (as {@code openssl ocsp -respout} writes it), stapled
 *                   to handshakes of clients that ask for it; or null
 */
public record CertificateFiles(Path cert, Path key, Path ocspStaple) {

    /** Checks that neither required path is null. */
    public CertificateFiles {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
    }

    /** A certificate without an OCSP staple. */
    public CertificateFiles(final Path cert, final Path key) {
        this(cert, key, null);
    }
}
