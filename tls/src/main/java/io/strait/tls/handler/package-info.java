/**
 * The TLS pieces of a listener's pipeline: {@link io.strait.tls.handler.SniHandlerFactory} makes the per-connection
 * handler that reads the ClientHello, picks the certificate by SNI and becomes the {@code SslHandler};
 * {@link io.strait.tls.handler.PeerIdentityHandler} reports the handshake's outcome and stores the client's
 * {@link io.strait.tls.PeerIdentity}.
 */
package io.strait.tls.handler;
