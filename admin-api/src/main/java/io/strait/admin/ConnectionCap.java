package io.strait.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.nio.charset.StandardCharsets;

/**
 * Sharable, confined to the admin thread (all admin channels live on it, so the count is a plain int). Caps the
 * admin connections open at once: one over the cap is answered {@code 503} and closed before any request is read.
 * It sits first in the pipeline, so its raw answer bypasses the HTTP codec.
 */
@Sharable
final class ConnectionCap extends ChannelInboundHandlerAdapter {

    private final int max;
    private int open;

    ConnectionCap(final int max) {
        this.max = max;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        if (open >= max) {
            final String body = "too many admin connections (at most " + max + ")\n";
            final String head = "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
                + "content-length: " + body.length() + "\r\nconnection: close\r\n\r\n";
            ctx.writeAndFlush(Unpooled.copiedBuffer(head + body, StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        open++;
        ctx.channel().closeFuture().addListener(f -> open--);
        super.channelActive(ctx);
    }

    /** Connections counted now. */
    int open() {
        return open;
    }
}
