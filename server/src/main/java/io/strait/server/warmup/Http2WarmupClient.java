package io.strait.server.warmup;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The frame listener of one HTTP/2 (h2c, prior knowledge) connection of the warm-up client: keeps {@code streams}
 * streams open, a new one as each ends, until the budget is spent; then it closes the connection. Requests take the
 * shapes of {@link Http1WarmupClient}'s (a POST sends a DATA frame). Confined to the client's event loop.
 */
final class Http2WarmupClient extends Http2FrameAdapter {

    private static final int BODY_BYTES = 256;

    private final WarmupBudget budget;
    private final List<String> prefixes;
    private final int streams;
    /** Streams whose response head was not 2xx, until they end. */
    private final Set<Integer> failedStreams = new HashSet<>();
    private int sent;
    private int inFlight;

    Http2WarmupClient(final WarmupBudget budget, final List<String> prefixes, final int streams) {
        this.budget = budget;
        this.prefixes = prefixes;
        this.streams = streams;
    }

    /** Opens the first streams; {@code ctx} is the connection handler's. */
    void start(final ChannelHandlerContext ctx) {
        for (int i = 0; i < streams; i++) {
            if (!send(ctx)) {
                break;
            }
        }
        if (inFlight == 0) {
            ctx.close();
        }
        ctx.flush();
    }

    /** Requests lost when the connection closed. */
    int inFlight() {
        return inFlight;
    }

    @Override
    public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                              final int padding, final boolean endOfStream) {
        final CharSequence status = headers.status();
        if (status == null) {
            return;
        }
        final int code = Integer.parseInt(status.toString());
        if (endOfStream) {
            ended(ctx, code);
        } else if (code < 200 || code > 299) {
            failedStreams.add(streamId);
        }
    }

    @Override
    public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                              final int streamDependency, final short weight, final boolean exclusive,
                              final int padding, final boolean endOfStream) {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(final ChannelHandlerContext ctx, final int streamId, final ByteBuf data, final int padding,
                          final boolean endOfStream) {
        if (endOfStream) {
            ended(ctx, failedStreams.remove(streamId) ? 0 : 200);
        }
        return data.readableBytes() + padding;
    }

    @Override
    public void onRstStreamRead(final ChannelHandlerContext ctx, final int streamId, final long errorCode) {
        failedStreams.remove(streamId);
        ended(ctx, 0);
    }

    private void ended(final ChannelHandlerContext ctx, final int status) {
        inFlight--;
        budget.answered(true, status);
        if (!send(ctx) && inFlight == 0) {
            ctx.close();
        }
    }

    private boolean send(final ChannelHandlerContext ctx) {
        if (!budget.take()) {
            return false;
        }
        final Http2ConnectionHandler h = (Http2ConnectionHandler) ctx.handler();
        final int id = h.connection().local().incrementAndGetNextStreamId();
        final String prefix = prefixes.get(sent % prefixes.size());
        final int shape = (sent / prefixes.size()) & 3;
        sent++;
        inFlight++;
        final Http2Headers headers = new DefaultHttp2Headers().method(shape == 3 ? "POST" : "GET").scheme("http");
        switch (shape) {
            case 0 -> headers.authority("127.0.0.1:10000").path(prefix);
            case 1 -> headers.authority("warmup.local").path(prefix + "items/" + (sent & 63))
                .add("user-agent", "grpc-java-netty/1.68.0").add("accept", "*/*");
            case 2 -> headers.authority("www.warmup.local").path(prefix + "items?page=" + (sent & 7))
                .add("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0")
                .add("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .add("accept-language", "en-US,en;q=0.5").add("accept-encoding", "gzip, deflate, br")
                .add("cookie", "session=0123456789abcdef").add("cookie", "theme=dark")
                .add("x-request-id", "6f1c2d3e-warmup-" + sent).add("x-forwarded-for", "192.0.2.1");
            default -> headers.authority("api.warmup.local").path(prefix + "items")
                .add("content-type", "application/octet-stream").addInt("content-length", BODY_BYTES);
        }
        h.encoder().writeHeaders(ctx, id, headers, 0, shape != 3, ctx.newPromise());
        if (shape == 3) {
            h.encoder().writeData(ctx, id, ctx.alloc().buffer(BODY_BYTES).writeZero(BODY_BYTES), 0, true,
                ctx.newPromise());
        }
        return true;
    }
}
