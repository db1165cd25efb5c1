package io.strait.admin;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Sharable, runs on the admin thread. Composes an admin connection's pipeline: connection cap, HTTP codec bounded
 * by the head limit, idle timeout, body aggregation bounded by the body limit, the admin handler.
 */
final class AdminInitializer extends ChannelInitializer<SocketChannel> {

    /** The request line's share of the head limit: at most this, or the whole limit if smaller. */
    static final int MAX_REQUEST_LINE = 8192;

    private final AdminOptions options;
    private final ConnectionCap cap;
    private final AdminHandler handler;

    AdminInitializer(final AdminOptions options, final ConnectionCap cap, final AdminHandler handler) {
        this.options = options;
        this.cap = cap;
        this.handler = handler;
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        final ChannelPipeline p = ch.pipeline();
        p.addLast("cap", cap);
        p.addLast("http", new HttpServerCodec(new HttpDecoderConfig()
            .setMaxInitialLineLength(Math.min(MAX_REQUEST_LINE, options.maxHeadBytes()))
            .setMaxHeaderSize(options.maxHeadBytes())));
        p.addLast("idle", new IdleStateHandler(0, 0, options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
        p.addLast("body", new AdminBodyLimit(options.maxBodyBytes()));
        p.addLast("admin", handler);
    }
}
