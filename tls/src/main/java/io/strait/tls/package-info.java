/**
 * TLS for Strait, knowing nothing of HTTP. Downstream, for listeners: server {@link io.netty.handler.ssl.SslContext}s
 * built from PEM files on BoringSSL ({@link io.strait.tls.TlsContextFactory}), the certificate chosen by SNI
 * ({@link io.strait.tls.SniCertificateMapper}), certificate files re-read off the event loops when they change
 * ({@link io.strait.tls.CertificateReloader}) and the identity of a verified client certificate
 * ({@link io.strait.tls.PeerIdentity}). Upstream, for clusters: one client context per cluster
 * ({@link io.strait.tls.TlsClientContextFactory}) whose trust manager checks the chain and the accepted names
 * ({@link io.strait.tls.SanMatcher}) inside the handshake, rebuilt when its files change
 * ({@link io.strait.tls.TlsClientReloader}). The pipeline pieces are in {@link io.strait.tls.handler}.
 */
package io.strait.tls;
