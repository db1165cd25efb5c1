package io.strait.server.warmup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One keep-alive HTTP/1.1 connection of the warm-up client: one request at a time, the next as soon as the response
 * ended, until the budget is spent; then it closes. Requests cycle over the throwaway routes, every fourth a POST with
 * a small body. Confined to the client's event loop.
 */
final class Http1WarmupClient extends ByteToMessageDecoder {

    private static final int BODY_BYTES = 256;

    private final WarmupBudget budget;
    private final List<String> prefixes;
    private final Http1Framer framer = new Http1Framer();
    private int sent;
    private boolean inFlight;

    Http1WarmupClient(final WarmupBudget budget, final List<String> prefixes) {
        this.budget = budget;
        this.prefixes = prefixes;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        sendOrClose(ctx);
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        while (inFlight && framer.next(in)) {
            inFlight = false;
            budget.answered(false, framer.status());
            sendOrClose(ctx);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        if (inFlight) {
            budget.lost(1);
            inFlight = false;
        }
        budget.connectionDone();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        ctx.close();
    }

    private void sendOrClose(final ChannelHandlerContext ctx) {
        if (!budget.take()) {
            ctx.close();
            return;
        }
        inFlight = true;
        ctx.writeAndFlush(request(sent++), ctx.voidPromise());
    }

    /** Request {@code n}: on route n mod routes, a GET, or every fourth a POST of {@link #BODY_BYTES} bytes. */
    private ByteBuf request(final int n) {
        final String prefix = prefixes.get(n % prefixes.size());
        final boolean post = (n & 3) == 3;
        final StringBuilder sb = new StringBuilder(200);
        sb.append(post ? "POST " : "GET ").append(prefix).append("warmup?n=").append(n).append(" HTTP/1.1\r\n")
            .append("Host: warmup.local\r\nUser-Agent: strait-warmup\r\nAccept: */*\r\n");
        if (post) {
            sb.append("Content-Type: application/octet-stream\r\nContent-Length: ").append(BODY_BYTES).append("\r\n");
        }
        sb.append("\r\n");
        final byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        final ByteBuf buf = Unpooled.directBuffer(head.length + (post ? BODY_BYTES : 0));
        buf.writeBytes(head);
        if (post) {
            buf.writeZero(BODY_BYTES);
        }
        return buf;
    }
}
