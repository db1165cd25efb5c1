package io.strait.core.cluster;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.internal.tcnative.SSL;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.LoopStats;
import io.strait.tls.TlsClientFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confined to its connection's event loop. One upstream TLS connection while it is being made: puts the SslHandler
 * in front of the connection's handler and completes the promise {@link #start} returns only when the handshake
 * succeeded (chain and names verified), so the caller writes nothing before; a failed TCP connect or handshake fails
 * it. A handshake that times out fails it with a {@link ConnectTimeoutException} (a connect timeout to the retry and
 * outlier logic), and the cluster's {@code ssl.*} counters of this loop count each outcome.
 */
final class TlsConnection extends ChannelInitializer<Channel> implements GenericFutureListener<Future<Channel>> {

    private static final Logger LOG = LoggerFactory.getLogger(TlsConnection.class);

    private final SslHandler ssl;
    private final ChannelHandler handler;
    private final LoopStats<ClusterStat> stats;
    private ChannelPromise promise;

    /** A connection whose handshake outcomes count in {@code stats} (null: not counted, a health check's). */
    TlsConnection(final SslHandler ssl, final ChannelHandler handler, final LoopStats<ClusterStat> stats) {
        this.ssl = ssl;
        this.handler = handler;
        this.stats = stats;
    }

    @Override
    protected void initChannel(final Channel ch) {
        ch.pipeline().addLast("tls", ssl);
        ch.pipeline().addLast(handler);
    }

    /** Counts a failed handshake by its kind. */
    private void count(final Throwable cause) {
        switch (TlsClientFailure.of(cause)) {
            case VERIFY_SAN:
                stats.inc(ClusterStat.SSL_FAIL_VERIFY_SAN);
                break;
            case VERIFY_CERT_CHAIN:
                stats.inc(ClusterStat.SSL_FAIL_VERIFY_CERT_CHAIN);
                break;
            default:
                stats.inc(ClusterStat.SSL_CONNECTION_ERROR);
                break;
        }
    }

    /** Ties the outcome to {@code connect}, the TCP connect of this connection: returns the promise to hand out. */
    ChannelPromise start(final ChannelFuture connect) {
        promise = connect.channel().newPromise();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
            }
        });
        ssl.handshakeFuture().addListener(this);
        return promise;
    }

    /** The handshake is over. */
    @Override
    public void operationComplete(final Future<Channel> f) {
        if (promise.isDone()) {
            return;   // the TCP connect failed first (already told), or the caller gave up
        }
        if (f.isSuccess()) {
            if (stats == null) {
                promise.trySuccess();   // a health check's connection: not counted
                return;
            }
            stats.inc(ClusterStat.SSL_HANDSHAKE);
            if (ssl.engine() instanceof ReferenceCountedOpenSslEngine e) {
                final long p = e.sslPointer();
                if (p != 0 && SSL.isSessionReused(p)) {
                    stats.inc(ClusterStat.SSL_SESSION_REUSED);
                }
            }
            promise.trySuccess();
            return;
        }
        final Throwable cause = f.cause();
        if (stats != null) {
            count(cause);
        }
        final Channel ch = promise.channel();
        LOG.debug("TLS handshake with {} failed: {}", ch.remoteAddress(), String.valueOf(cause));
        ch.close();
        if (cause instanceof SslHandshakeTimeoutException) {
            final ConnectTimeoutException timeout = new ConnectTimeoutException("TLS handshake with "
                + ch.remoteAddress() + " timed out");
            timeout.initCause(cause);
            promise.tryFailure(timeout);
        } else {
            promise.tryFailure(cause);
        }
    }
}
