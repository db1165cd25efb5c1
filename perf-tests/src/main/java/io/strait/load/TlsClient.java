package io.strait.load;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.io.File;

/**
 * Thread-safe (the SSL context is; each handler it makes belongs to one channel). The client side of TLS for one run:
 * one {@link SslContext}, built once and shared by every worker, that makes an {@link SslHandler} per connection.
 *
 * <p>BoringSSL ({@link SslProvider#OPENSSL_REFCNT}) when {@link OpenSsl#isAvailable()}, else the JDK's provider.
 * ALPN offers {@code http/1.1}. Without a CA file every certificate is trusted and no host name is checked (a load
 * generator on loopback); with one, the chain and the host name (the SNI name, else the URL's host) are verified.
 *
 * <p>Resumption: the context's client session cache keys sessions by the peer host and port given to
 * {@link SslContext#newHandler(ByteBufAllocator, String, int)}, so with {@link TlsOptions#resume()} a new connection
 * to the same target offers the last session (a TLS 1.3 ticket). Without it the cache is switched off and every
 * connection makes a full handshake. {@link #resumed(SslHandler)} tells which one a connection made. Both only with
 * BoringSSL: the JDK provider's client cache cannot be switched off, and its handshakes all count as full.
 */
final class TlsClient {

    private final SslContext context;
    private final String peerHost;
    private final int peerPort;
    private final long handshakeTimeoutMillis;
    private final boolean openSsl;

    private TlsClient(final SslContext context, final String peerHost, final int peerPort,
                      final long handshakeTimeoutMillis, final boolean openSsl) {
        this.context = context;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.openSsl = openSsl;
    }

    /**
     * Builds the run's context from the options.
     *
     * @throws IllegalArgumentException when the CA file cannot be read or the protocols are not supported
     */
    static TlsClient create(final LoadOptions options) {
        final TlsOptions tls = options.tls();
        final boolean openSsl = OpenSsl.isAvailable();
        final SslContextBuilder b = SslContextBuilder.forClient()
            .sslProvider(openSsl ? SslProvider.OPENSSL_REFCNT : SslProvider.JDK)
            .protocols(tls.versions())
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_1_1));
        if (tls.caFile() == null) {
            b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            b.trustManager(new File(tls.caFile())).endpointIdentificationAlgorithm("HTTPS");
        }
        final SslContext context;
        try {
            context = b.build();
        } catch (final SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot set up TLS" + (tls.caFile() == null ? ""
                : " with ca-file " + tls.caFile()) + ": " + e.getMessage(), e);
        }
        if (!tls.resume()) {
            // The JDK provider (only when BoringSSL does not load) has no switch for its client cache: it may resume.
            if (context.sessionContext() instanceof OpenSslSessionContext s) {
                s.setSessionCacheEnabled(false);
            }
        }
        final String host = tls.sni() != null ? tls.sni() : options.url().getHost();
        return new TlsClient(context, host, options.port(), options.timeout().toMillis(), openSsl);
    }

    /** Returns a new handler for one connection: first in its pipeline. */
    SslHandler newHandler(final ByteBufAllocator alloc) {
        final SslHandler h = context.newHandler(alloc, peerHost, peerPort);
        h.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return h;
    }

    /** Returns true when the connection's completed handshake resumed a session (abbreviated handshake). */
    boolean resumed(final SslHandler handler) {
        final SSLEngine engine = handler.engine();
        return openSsl && engine instanceof ReferenceCountedOpenSslEngine e && SSL.isSessionReused(e.sslPointer());
    }

    /** Returns the provider in use, for the summary. */
    String provider() {
        return openSsl ? "BoringSSL " + OpenSsl.versionString() : "JDK";
    }

    /** Releases the context (after every channel is closed). */
    void release() {
        ReferenceCountUtil.release(context);
    }
}
