package io.strait.tls.handler;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import io.netty.util.Mapping;

import java.util.function.Function;

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
    private final boolean ticketsOff;
    /** The OCSP response to staple for a context, or null; null when no certificate staples. */
    private final Function<SslContext, byte[]> staples;

    /**
     * A factory for one listener that issues session tickets and staples nothing.
     *
     * @param mapping                server name (null: none sent) to context; must never return null
     * @param handshakeTimeoutMillis the handshake timeout, &gt; 0
     */
    public SniHandlerFactory(final Mapping<String, SslContext> mapping, final long handshakeTimeoutMillis) {
        this(mapping, handshakeTimeoutMillis, false, null);
    }

    /**
     * A factory for one listener.
     *
     * @param mapping                server name (null: none sent) to context; must never return null
     * @param handshakeTimeoutMillis the handshake timeout, &gt; 0
     * @param ticketsOff             true to issue no session tickets (the listener's {@code session_tickets} off)
     * @param staples                the OCSP response to staple for the chosen context (null: none), or null when
     *                               no certificate of the listener has one
     */
    public SniHandlerFactory(final Mapping<String, SslContext> mapping, final long handshakeTimeoutMillis,
                             final boolean ticketsOff, final Function<SslContext, byte[]> staples) {
        if (handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("handshake timeout must be > 0: " + handshakeTimeoutMillis);
        }
        this.mapping = mapping;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.ticketsOff = ticketsOff;
        this.staples = staples;
    }

    /** A new handler for one connection (SNI handlers keep per-connection state). */
    public ChannelHandler newHandler() {
        return ticketsOff || staples != null ? new EngineSettingSniHandler(this)
            : new SniHandler(mapping, handshakeTimeoutMillis);
    }

    /** The handshake timeout in milliseconds. */
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /**
     * Sets what BoringSSL takes per connection on the engine of the chosen context, before the handshake goes on:
     * tickets off (Netty's engine turns them on per connection for TLS 1.3, whatever its context says; without them
     * TLS 1.3 resumption falls back to the context's session cache, as nginx's {@code ssl_session_tickets off}
     * does) and the certificate's OCSP staple.
     */
    private static final class EngineSettingSniHandler extends SniHandler {
        private final SniHandlerFactory factory;

        EngineSettingSniHandler(final SniHandlerFactory factory) {
            super(factory.mapping, factory.handshakeTimeoutMillis);
            this.factory = factory;
        }

        @Override
        protected SslHandler newSslHandler(final SslContext context, final ByteBufAllocator allocator) {
            final SslHandler h = super.newSslHandler(context, allocator);
            if (h.engine() instanceof ReferenceCountedOpenSslEngine engine) {
                if (factory.ticketsOff) {
                    SSL.setOptions(engine.sslPointer(), SSL.SSL_OP_NO_TICKET);
                }
                final byte[] staple = factory.staples == null ? null : factory.staples.apply(context);
                if (staple != null) {
                    engine.setOcspResponse(staple);
                }
            }
            return h;
        }
    }
}
