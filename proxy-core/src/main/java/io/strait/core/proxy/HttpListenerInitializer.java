package io.strait.core.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.strait.core.codec.http1.Http1ServerCodec;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;

/**
 * Composes the pipeline of one accepted HTTP connection, and does nothing else: on a TLS listener the SNI/SSL
 * handler and the peer identity handler, then the HTTP/1.1 codec (bytes to protocol-neutral events and back), then
 * the proxy handler (routing, clusters, upstream). It also sets the connection's write buffer high water mark to
 * {@code limits.connection_buffer}, above which the codec stops decoding pipelined requests. Shared by all
 * connections of a listener; thread-safe.
 */
@ChannelHandler.Sharable
final class HttpListenerInitializer extends ChannelInitializer<Channel> {

    private final ListenerRuntime listener;
    private final ProxyServer server;
    /** Null for a plain listener. */
    private final ListenerTls tls;
    /** limits.connection_buffer as the high mark; the low mark (writable again) at half of it. */
    private final WriteBufferWaterMark waterMark;

    HttpListenerInitializer(final ListenerRuntime listener, final ProxyServer server, final ListenerTls tls) {
        this.listener = listener;
        this.server = server;
        this.tls = tls;
        final int high = listener.config().limits().connectionBufferBytes();
        this.waterMark = new WriteBufferWaterMark(high >>> 1, high);
    }

    @Override
    protected void initChannel(final Channel ch) {
        server.track(ch);
        ch.config().setWriteBufferWaterMark(waterMark);
        final ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newSniHandler())
                .addLast("tls-identity", tls.identityHandler(server.loopState(ch.eventLoop()).index()));
        }
        // a connection that never sent a byte is closed by the codec: counted as Envoy counts it, an idle timeout
        final LoopStats<HttpStat> stats = listener.stats().loop(server.loopState(ch.eventLoop()).index());
        p.addLast("http1", new Http1ServerCodec(listener.limits(),
                () -> stats.inc(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT)))
            .addLast("proxy", new DownstreamHttp1Handler(listener, server));
    }
}
