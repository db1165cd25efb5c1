package io.strait.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Immutable. One server certificate: a PEM file holding the certificate chain (leaf first) and a PEM file holding
 * its private key (PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted).
 *
 * @param cert the PEM certificate chain
 * @param key  the PEM private key of the chain's first certificate
 */
public record CertificateFiles(Path cert, Path key) {

    /** Checks that neither path is null. */
    public CertificateFiles {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
    }
}
