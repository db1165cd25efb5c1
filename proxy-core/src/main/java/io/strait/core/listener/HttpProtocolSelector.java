package io.strait.core.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.codec.http2.Http2Preface;
import io.strait.core.exchange.DownstreamHttp1Handler;
import io.strait.core.exchange.DownstreamHttp2Handler;
import io.strait.core.exchange.ServerContext;
import io.strait.core.snapshot.ListenerRuntime;

/**
 * Picks a connection's HTTP version once, then leaves the pipeline (Envoy's codec {@code AUTO}). The connection
 * starts with the HTTP/1.1 codec and handler after this one, so nothing changes for HTTP/1.1 (its first-byte timeout
 * runs from the accept as before); when the client speaks HTTP/2 this replaces them with a
 * {@link DownstreamHttp2Handler}:
 * <ul>
 *   <li>on TLS, when the handshake completes with ALPN {@code h2};</li>
 *   <li>on plaintext, when the first bytes are the HTTP/2 connection preface (prior knowledge, {@code h2c}): one
 *       look at the first read decides almost every connection (see {@link Http2Preface}).</li>
 * </ul>
 * Bytes read before the decision are kept and passed on after it. One per connection; confined to its event loop.
 */
final class HttpProtocolSelector extends ChannelInboundHandlerAdapter {

    static final String NAME = "protocol";

    private final ListenerRuntime listener;
    private final ServerContext server;
    private final boolean tls;
    /** The listener's send timeout (null: off): first in the pipeline once it is HTTP/2 (HTTP/1.1's codec tells it). */
    private final SendTimeoutHandler sendTimeout;
    /** Bytes read before the decision (a preface in pieces, or TLS data ahead of the handshake event). */
    private ByteBuf pending;

    HttpProtocolSelector(final ListenerRuntime listener, final ServerContext server, final boolean tls,
                         final SendTimeoutHandler sendTimeout) {
        this.listener = listener;
        this.server = server;
        this.tls = tls;
        this.sendTimeout = sendTimeout;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        if (pending != null) {
            pending.writeBytes(in);
            in.release();
            in = pending;
            pending = null;
        }
        if (tls) {
            pending = in;   // the handshake event decides
            return;
        }
        switch (Http2Preface.match(in)) {
            case Http2Preface.HTTP2:
                toHttp2(ctx);
                done(ctx, in);
                break;
            case Http2Preface.HTTP1:
                done(ctx, in);
                break;
            default:
                final ByteBuf keep = ctx.alloc().buffer(Http2Preface.length());
                keep.writeBytes(in);
                in.release();
                pending = keep;
                break;
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        ctx.fireUserEventTriggered(evt);
        if (tls && evt instanceof SslHandshakeCompletionEvent && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
            final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl != null && ApplicationProtocolNames.HTTP_2.equals(ssl.applicationProtocol())) {
                toHttp2(ctx);
            }
            final ByteBuf in = pending;
            pending = null;
            done(ctx, in);
        }
    }

    /** Passes on what was read (if anything) and leaves. */
    private void done(final ChannelHandlerContext ctx, final ByteBuf in) {
        ctx.pipeline().remove(this);
        if (in != null) {
            ctx.fireChannelRead(in);
        }
    }

    /** Replaces the HTTP/1.1 codec and handler with the HTTP/2 connection handler. */
    private void toHttp2(final ChannelHandlerContext ctx) {
        final ChannelPipeline p = ctx.pipeline();
        p.remove(HttpListenerInitializer.HTTP1);
        final DownstreamHttp1Handler h1 = p.get(DownstreamHttp1Handler.class);
        if (h1 != null) {
            h1.handOver();
            p.remove(h1);
        }
        p.addAfter(ctx.name(), HttpListenerInitializer.HTTP2,
            DownstreamHttp2Handler.create(listener, server).acceptCounted());
        if (sendTimeout != null) {
            p.addFirst(SendTimeoutHandler.NAME, sendTimeout);
            if (!ctx.channel().isWritable()) {
                sendTimeout.writabilityChanged(ctx.channel());   // turned unwritable while the codec was leaving
            }
        }
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        final ByteBuf p = pending;
        if (p != null) {
            pending = null;
            ReferenceCountUtil.release(p);
        }
    }
}
