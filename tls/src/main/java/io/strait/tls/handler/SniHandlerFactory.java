package io.strait.tls.handler;

import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;

/**
 * Immutable, thread-safe: made once per TLS listener, used by every event loop. Makes the first handler of a TLS
 * connection: Netty's {@link SniHandler}, which waits for the ClientHello, maps its server name through the
 * listener's mapping (see {@link io.strait.tls.CertificateReloader#mapping()}) and replaces itself with the
 * {@code SslHandler} of the chosen context. The handshake timeout covers both the wait for the ClientHello and the
 * handshake.
 */
public final class SniHandlerFactory {

    private final Mapping<String, SslContext> mapping;
    private final long handshakeTimeoutMillis;

    /**
     * A factory for one listener.
     *
     * @param mapping                server name (null: none sent) to context; must never return null
     * @param handshakeTimeoutMillis the handshake timeout, &gt; 0
     */
    public SniHandlerFactory(final Mapping<String, SslContext> mapping, final long handshakeTimeoutMillis) {
        if (handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("handshake timeout must be > 0: " + handshakeTimeoutMillis);
        }
        this.mapping = mapping;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** A new handler for one connection (SNI handlers keep per-connection state). */
    public ChannelHandler newHandler() {
        return new SniHandler(mapping, handshakeTimeoutMillis);
    }

    /** The handshake timeout in milliseconds. */
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }
}
