package io.strait.tls;

import java.security.cert.CertificateException;

/**
 * Immutable. An upstream's certificate chain verified, but none of its subject alternative names is one the cluster
 * accepts (its {@code verify_subject_alt_name}, or by default the SNI name): the handshake fails with it.
 */
public final class SanMismatchException extends CertificateException {

    private static final long serialVersionUID = 1L;

    /** Creates the error with a message naming the certificate's SANs and what was expected. */
    public SanMismatchException(final String message) {
        super(message);
    }
}
