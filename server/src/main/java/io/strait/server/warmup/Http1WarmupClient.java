package io.strait.server.warmup;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One keep-alive HTTP/1.1 connection of the warm-up client: one request at a time, the next as soon as the response
 * ended, until the budget is spent; then it closes. Requests cycle over the throwaway routes and four shapes of
 * request. Confined to the client's event loop.
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

    /**
     * Request {@code n}, on route n mod routes, in one of four shapes so that the compiled code has seen the branches
     * real clients take: a bare GET (Host only, as load generators send), a curl-like GET, a browser-like GET with a
     * dozen headers (cookies, forwarding headers the proxy must not trust), and a POST of {@link #BODY_BYTES} bytes.
     */
    private ByteBuf request(final int n) {
        final String prefix = prefixes.get(n % prefixes.size());
        final int shape = (n / prefixes.size()) & 3;
        final StringBuilder sb = new StringBuilder(600);
        sb.append(shape == 3 ? "POST " : "GET ").append(prefix).append(shape == 0 ? "" : "items/" + (n & 63))
            .append(shape == 2 ? "?page=" + (n & 7) + "&sort=name" : "").append(" HTTP/1.1\r\n");
        switch (shape) {
            case 0 -> sb.append("Host: 127.0.0.1:10000\r\n");
            case 1 -> sb.append("Host: warmup.local\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n");
            case 2 -> sb.append("Host: www.warmup.local\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 "
                + "Firefox/128.0\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
                + "Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br\r\nConnection: keep-alive\r\n"
                + "Referer: http://www.warmup.local/\r\nCookie: session=0123456789abcdef; theme=dark\r\n"
                + "X-Request-Id: 6f1c2d3e-warmup-" + n + "\r\nX-Forwarded-For: 192.0.2.1\r\n"
                + "Cache-Control: no-cache\r\nUpgrade-Insecure-Requests: 1\r\n");
            default -> sb.append("Host: api.warmup.local\r\nUser-Agent: strait-warmup\r\nAccept: application/json\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: ").append(BODY_BYTES).append("\r\n");
        }
        sb.append("\r\n");
        final byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        final boolean post = shape == 3;
        final ByteBuf buf = Unpooled.directBuffer(head.length + (post ? BODY_BYTES : 0));
        buf.writeBytes(head);
        if (post) {
            buf.writeZero(BODY_BYTES);
        }
        return buf;
    }
}
