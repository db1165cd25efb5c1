package io.strait.tls;

import java.security.cert.CertificateException;
import java.util.Locale;

/** Immutable. Why a handshake with an upstream failed, read from the failure's cause chain. */
public enum TlsClientFailure {
    /** The chain verified but no SAN was one the cluster accepts ({@link SanMismatchException}). */
    VERIFY_SAN,
    /** The chain did not verify against the CA bundle (unknown issuer, expired, not yet valid...). */
    VERIFY_CERT_CHAIN,
    /** Anything else: a protocol error, no common version or cipher, the peer's alert, the handshake timeout. */
    OTHER;

    /** The kind of {@code cause}, a handshake failure as {@code SslHandler} reports it. */
    public static TlsClientFailure of(final Throwable cause) {
        TlsClientFailure found = OTHER;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SanMismatchException) {
                return VERIFY_SAN;
            }
            if (t instanceof CertificateException) {
                found = VERIFY_CERT_CHAIN;
            }
            final String m = t.getMessage() == null ? "" : t.getMessage().toUpperCase(Locale.ROOT);
            if (m.contains("CERTIFICATE_VERIFY_FAILED")) {
                found = VERIFY_CERT_CHAIN;
            }
            for (final Throwable s : t.getSuppressed()) {
                if (s instanceof SanMismatchException) {
                    return VERIFY_SAN;
                }
            }
        }
        return found;
    }
}
