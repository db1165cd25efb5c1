/**
 * Downstream TLS for Strait's listeners, knowing nothing of HTTP: server {@link io.netty.handler.ssl.SslContext}s
 * built from PEM files on BoringSSL ({@link io.strait.tls.TlsContextFactory}), the certificate chosen by SNI
 * ({@link io.strait.tls.SniCertificateMapper}), certificate files re-read off the event loops when they change
 * ({@link io.strait.tls.CertificateReloader}) and the identity of a verified client certificate
 * ({@link io.strait.tls.PeerIdentity}). The pipeline pieces are in {@link io.strait.tls.handler}.
 */
package io.strait.tls;
