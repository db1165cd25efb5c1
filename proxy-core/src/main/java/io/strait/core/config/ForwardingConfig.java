package io.strait.core.config;

/**
 * Immutable. A listener's forwarding-header policy (keys {@code use_remote_address}, {@code xff_num_trusted_hops} and
 * {@code preserve_external_request_id} of a listener, as Envoy's HTTP connection manager has them): which address is
 * the trusted client address, whether X-Forwarded-For is appended to, whether a client's X-Forwarded-Proto and
 * x-request-id are believed. The defaults are those of an edge proxy with no trusted proxy in front of it.
 *
 * @param useRemoteAddress          true (edge): the connection's peer is appended to X-Forwarded-For and the client's
 *                                  X-Forwarded-Proto is replaced unless {@code xffNumTrustedHops > 0}; false (behind
 *                                  a trusted proxy): X-Forwarded-For passes unchanged and X-Forwarded-Proto is kept
 * @param xffNumTrustedHops         how many X-Forwarded-For entries, counted from the right, trusted proxies put there
 * @param preserveExternalRequestId true: a client's x-request-id is kept; false: it is replaced by a generated one
 * @param clientCert                the {@code x-forwarded-client-cert} policy
 */
public record ForwardingConfig(
        boolean useRemoteAddress,
        int xffNumTrustedHops,
        boolean preserveExternalRequestId,
        ClientCertDetails clientCert) {

    /** The edge defaults: use_remote_address true, no trusted hops, a client's x-request-id and XFCC replaced. */
    public static final ForwardingConfig EDGE = new ForwardingConfig(true, 0, false, ClientCertDetails.DEFAULT);

    /** Largest {@code xff_num_trusted_hops} accepted: more proxies in front of one is a mistake, not a topology. */
    public static final int MAX_TRUSTED_HOPS = 64;

    /** A policy with the default XFCC handling (sanitize). */
    public ForwardingConfig(final boolean useRemoteAddress, final int xffNumTrustedHops,
                            final boolean preserveExternalRequestId) {
        this(useRemoteAddress, xffNumTrustedHops, preserveExternalRequestId, ClientCertDetails.DEFAULT);
    }

    /** Checks the range (the validator reports a bad value before this is built). */
    public ForwardingConfig {
        java.util.Objects.requireNonNull(clientCert, "clientCert");
        if (xffNumTrustedHops < 0 || xffNumTrustedHops > MAX_TRUSTED_HOPS) {
            throw new IllegalArgumentException("xff_num_trusted_hops must be 0.." + MAX_TRUSTED_HOPS + ", got "
                + xffNumTrustedHops);
        }
    }
}
