package io.strait.core.config;

/**
 * Immutable. A listener's {@code x-forwarded-client-cert} (XFCC) policy, Envoy's {@code forward_client_cert_details}
 * and {@code set_current_client_cert_details}: what happens to a client's XFCC header, and which fields of the
 * verified client certificate the proxy adds ({@code By}, the URI SANs of the proxy's own certificate, and
 * {@code Hash}, the client certificate's SHA-256, always; {@code Subject}, {@code URI} and {@code DNS} when chosen).
 *
 * @param mode    what to do with the header
 * @param subject add {@code Subject="..."}
 * @param uri     add {@code URI=...} (each URI SAN)
 * @param dns     add {@code DNS=...} (each DNS SAN)
 */
public record ClientCertDetails(Mode mode, boolean subject, boolean uri, boolean dns) {

    /** Envoy's modes. Without a verified client certificate every mode but ALWAYS_FORWARD_ONLY sanitizes. */
    public enum Mode {
        /** Remove the client's header; add nothing (the default). */
        SANITIZE,
        /** With a verified client certificate, forward the client's header unchanged. */
        FORWARD_ONLY,
        /** With a verified client certificate, append this hop's element to the client's header. */
        APPEND_FORWARD,
        /** With a verified client certificate, replace the client's header by this hop's element. */
        SANITIZE_SET,
        /** Forward the client's header unchanged, certificate or not. */
        ALWAYS_FORWARD_ONLY
    }

    /** The default: sanitize, and By and Hash only when a mode adds an element. */
    public static final ClientCertDetails DEFAULT = new ClientCertDetails(Mode.SANITIZE, false, false, false);

    /** Checks that the mode is set. */
    public ClientCertDetails {
        java.util.Objects.requireNonNull(mode, "mode");
    }
}
