package io.strait.tls.handler;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.internal.tcnative.SSL;
import io.netty.util.AttributeKey;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.strait.tls.PeerIdentity;

import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Sharable, stateless: one instance per listener and event loop, confined to that loop (its listener is the loop's
 * counters). Sits right after the SNI/SSL handler. When the handshake completes it stores the client's
 * {@link PeerIdentity} (if it sent a certificate) in {@link #PEER_IDENTITY}, tells the listener, and removes itself;
 * when the handshake fails it classifies the failure for the listener and closes the connection quietly (no stack
 * trace per connection: a port scanner or a plain-HTTP client must not flood the log). Exceptions that reach it
 * before the handshake completed belong to the failed handshake and end there.
 */
@ChannelHandler.Sharable
public final class PeerIdentityHandler extends ChannelInboundHandlerAdapter {

    /** The channel attribute holding the verified client's identity (absent: no client certificate). */
    public static final AttributeKey<PeerIdentity> PEER_IDENTITY = AttributeKey.valueOf("strait.tls.peerIdentity");

    /** When this handler joined the connection's pipeline (at accept), in System.nanoTime() terms. */
    private static final AttributeKey<Long> ADDED_AT = AttributeKey.valueOf("strait.tls.addedAt");

    private static final InternalLogger LOG = InternalLoggerFactory.getInstance(PeerIdentityHandler.class);

    private final TlsHandshakeListener listener;

    /**
     * A handler reporting to {@code listener}.
     *
     * @param listener the loop's handshake counters
     */
    public PeerIdentityHandler(final TlsHandshakeListener listener) {
        this.listener = listener;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        ctx.channel().attr(ADDED_AT).set(System.nanoTime());   // one box per connection, not per request
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                completed(ctx);
                ctx.pipeline().remove(this);
            } else {
                failed(ctx, done.cause());
            }
        } else if (evt instanceof SniCompletionEvent sni && !sni.isSuccess()) {
            // The ClientHello never came (timeout) or could not be read: there is no SslHandler to report it.
            failed(ctx, sni.cause());
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void completed(final ChannelHandlerContext ctx) {
        final Long addedAt = ctx.channel().attr(ADDED_AT).getAndSet(null);
        listener.handshake(addedAt == null ? 0 : System.nanoTime() - addedAt);
        final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return;
        }
        final SSLEngine engine = ssl.engine();
        if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
            final long pointer = openSsl.sslPointer();
            if (pointer != 0 && SSL.isSessionReused(pointer)) {
                listener.sessionReused();
            }
            if (pointer != 0 && SSL.getPeerCertificate(pointer) == null) {
                // No client certificate. Asking the session would throw (and fill in a stack trace) on every
                // handshake of a listener without mutual TLS.
                listener.noCertificate();
                return;
            }
        }
        final SSLSession session = engine.getSession();
        Certificate[] peer = null;
        try {
            peer = session.getPeerCertificates();
        } catch (final SSLPeerUnverifiedException e) {
            // No client certificate.
        }
        if (peer != null && peer.length > 0 && peer[0] instanceof X509Certificate leaf) {
            final Certificate[] local = session.getLocalCertificates();
            ctx.channel().attr(PEER_IDENTITY).set(PeerIdentity.of(leaf,
                local != null && local.length > 0 && local[0] instanceof X509Certificate l ? l : null));
        } else {
            listener.noCertificate();
        }
    }

    private void failed(final ChannelHandlerContext ctx, final Throwable cause) {
        switch (classify(cause)) {
            case NO_CERTIFICATE:
                listener.verifyNoCertificate();
                break;
            case VERIFY:
                listener.verifyFailed();
                break;
            default:
                listener.connectionError();
                break;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), String.valueOf(cause));
        }
        ctx.close();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        // Still here: the handshake has not completed, so this is its failure (already counted by the event).
        if (LOG.isDebugEnabled()) {
            LOG.debug("TLS connection from {} closed: {}", ctx.channel().remoteAddress(), String.valueOf(cause));
        }
        ctx.close();
    }

    /** How a handshake failed. */
    enum Failure {
        /** A required client certificate was not sent. */
        NO_CERTIFICATE,
        /** The client's certificate did not verify. */
        VERIFY,
        /** Anything else. */
        OTHER
    }

    /** Classifies a handshake failure by its cause chain (BoringSSL's reason codes, JDK certificate errors). */
    static Failure classify(final Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return Failure.OTHER;
            }
            if (t instanceof CertificateException) {
                return Failure.VERIFY;
            }
            final String m = t.getMessage() == null ? "" : t.getMessage().toUpperCase(Locale.ROOT);
            if (m.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || m.contains("CERTIFICATE_REQUIRED")) {
                return Failure.NO_CERTIFICATE;
            }
            if (m.contains("CERTIFICATE_VERIFY_FAILED") || m.contains("CERTIFICATE VERIFY FAILED")) {
                return Failure.VERIFY;
            }
            if (!(t instanceof DecoderException) && t.getCause() == null) {
                break;
            }
        }
        return Failure.OTHER;
    }
}
