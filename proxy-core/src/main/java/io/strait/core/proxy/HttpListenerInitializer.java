package io.strait.core.proxy;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.strait.core.codec.http1.Http1ServerCodec;

/**
 * Composes the pipeline of one accepted HTTP connection, and does nothing else: the HTTP/1.1 codec
 * (bytes to protocol-neutral events and back), then the proxy handler (routing, clusters, upstream).
 * Shared by all connections of a listener; thread-safe.
 */
@ChannelHandler.Sharable
final class HttpListenerInitializer extends ChannelInitializer<Channel> {

    private final ListenerRuntime listener;
    private final ProxyServer server;

    HttpListenerInitializer(final ListenerRuntime listener, final ProxyServer server) {
        this.listener = listener;
        this.server = server;
    }

    @Override
    protected void initChannel(final Channel ch) {
        server.track(ch);
        ch.pipeline()
            .addLast("http1", new Http1ServerCodec(listener.limits()))
            .addLast("proxy", new DownstreamHttpHandler(listener, server));
    }
}
