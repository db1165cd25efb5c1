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
 * GET streams open, a new one as each ends, until the budget is spent; then it closes the connection. Confined to the
 * client's event loop.
 */
final class Http2WarmupClient extends Http2FrameAdapter {

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
        final Http2Headers headers = new DefaultHttp2Headers().method("GET").scheme("http").authority("warmup.local")
            .path(prefixes.get(sent % prefixes.size()) + "warmup?n=" + sent).add("user-agent", "strait-warmup")
            .add("accept", "*/*");
        sent++;
        inFlight++;
        h.encoder().writeHeaders(ctx, id, headers, 0, true, ctx.newPromise());
        return true;
    }
}
