package io.strait.tls;

/**
 * Immutable. A TLS setting that cannot be used (a missing or unreadable file, a file that is not PEM, a key that
 * does not match its certificate, an unknown cipher suite...), naming the offending field relative to the TLS
 * settings, e.g. {@code certificates[1].key}, {@code client_ca} or {@code cipher_suites[0]}, so a caller can point at
 * it in its own configuration.
 */
public final class TlsConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;

    /**
     * Creates the error.
     *
     * @param field   the field path relative to the TLS settings
     * @param message what is wrong, in words a user can act on
     */
    public TlsConfigException(final String field, final String message) {
        super(message);
        this.field = field;
    }

    /** The field path relative to the TLS settings, e.g. {@code certificates[0].cert}. */
    public String field() {
        return field;
    }
}
