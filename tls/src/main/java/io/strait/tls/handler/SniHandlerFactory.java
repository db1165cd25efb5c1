package io.strait.tls.handler;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
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
    private final boolean ticketsOff;

    /**
     * A factory for one listener that issues session tickets.
     *
     * @param mapping                server name (null: none sent) to context; must never return null
     * @param handshakeTimeoutMillis the handshake timeout, &gt; 0
     */
    public SniHandlerFactory(final Mapping<String, SslContext> mapping, final long handshakeTimeoutMillis) {
        this(mapping, handshakeTimeoutMillis, false);
    }

    /**
     * A factory for one listener.
     *
     * @param mapping                server name (null: none sent) to context; must never return null
     * @param handshakeTimeoutMillis the handshake timeout, &gt; 0
     * @param ticketsOff             true to issue no session tickets (the listener's {@code session_tickets} off)
     */
    public SniHandlerFactory(final Mapping<String, SslContext> mapping, final long handshakeTimeoutMillis,
                             final boolean ticketsOff) {
        if (handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("handshake timeout must be > 0: " + handshakeTimeoutMillis);
        }
        this.mapping = mapping;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.ticketsOff = ticketsOff;
    }

    /** A new handler for one connection (SNI handlers keep per-connection state). */
    public ChannelHandler newHandler() {
        return ticketsOff ? new NoTicketSniHandler(mapping, handshakeTimeoutMillis)
            : new SniHandler(mapping, handshakeTimeoutMillis);
    }

    /**
     * Turns tickets off on each connection's engine: Netty's BoringSSL engine turns them on per connection (for TLS
     * 1.3), whatever the context says. Without tickets, TLS 1.3 resumption falls back to the context's session
     * cache, as nginx's {@code ssl_session_tickets off} does.
     */
    private static final class NoTicketSniHandler extends SniHandler {
        NoTicketSniHandler(final Mapping<String, SslContext> mapping, final long handshakeTimeoutMillis) {
            super(mapping, handshakeTimeoutMillis);
        }

        @Override
        protected SslHandler newSslHandler(final SslContext context, final ByteBufAllocator allocator) {
            final SslHandler h = super.newSslHandler(context, allocator);
            if (h.engine() instanceof ReferenceCountedOpenSslEngine engine) {
                SSL.setOptions(engine.sslPointer(), SSL.SSL_OP_NO_TICKET);
            }
            return h;
        }
    }

    /** The handshake timeout in milliseconds. */
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }
}
