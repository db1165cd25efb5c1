package io.strait.core.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.strait.core.codec.http1.Http1ServerCodec;

/**
 * Composes the pipeline of one accepted HTTP connection, and does nothing else: on a TLS listener the SNI/SSL
 * handler and the peer identity handler, then the HTTP/1.1 codec (bytes to protocol-neutral events and back), then
 * the proxy handler (routing, clusters, upstream). Shared by all connections of a listener; thread-safe.
 */
@ChannelHandler.Sharable
final class HttpListenerInitializer extends ChannelInitializer<Channel> {

    private final ListenerRuntime listener;
    private final ProxyServer server;
    /** Null for a plain listener. */
    private final ListenerTls tls;

    HttpListenerInitializer(final ListenerRuntime listener, final ProxyServer server, final ListenerTls tls) {
        this.listener = listener;
        this.server = server;
        this.tls = tls;
    }

    @Override
    protected void initChannel(final Channel ch) {
        server.track(ch);
        final ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            p.addLast("tls", tls.newSniHandler())
                .addLast("tls-identity", tls.identityHandler(server.loopState(ch.eventLoop()).index()));
        }
        p.addLast("http1", new Http1ServerCodec(listener.limits()))
            .addLast("proxy", new DownstreamHttp1Handler(listener, server));
    }
}
