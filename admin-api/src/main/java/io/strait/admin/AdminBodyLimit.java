package io.strait.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Confined to its channel. Aggregates a request and its body up to the body limit; a longer body (declared or
 * streamed) is answered {@code 413} with a reason and the connection closed, instead of Netty's empty 413.
 */
final class AdminBodyLimit extends HttpObjectAggregator {

    private final int maxBody;

    AdminBodyLimit(final int maxBody) {
        super(maxBody);
        this.maxBody = maxBody;
    }

    @Override
    protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized) {
        AdminHandler.write(ctx, false, AdminResponse.text(413, "request body over " + maxBody + " bytes"));
    }
}
