package io.strait.core.codec.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpHead;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;

/**
 * One upstream HTTP/2 stream's codec, on the stream's child channel: Strait's neutral request events out as frames,
 * the response's frames in as neutral events, so the handler above it is the same as on HTTP/1.1. Confined to the
 * stream's event loop; one per stream.
 *
 * <pre>
 *   out: HttpRequestHead (no body) -&gt; HEADERS+END_STREAM;  HttpRequestHead -&gt; HEADERS;  ByteBuf -&gt; DATA;
 *        HttpTrailers -&gt; HEADERS+END_STREAM;
 *        HttpEnd -&gt; empty DATA+END_STREAM (nothing if the stream already ended)
 *   in:  HEADERS 1xx -&gt; HttpResponseHead alone;  HEADERS -&gt; HttpResponseHead (VERSION_2; body length from
 *        content-length, 0 with END_STREAM, else -1) [+ HttpEnd];  DATA -&gt; ByteBuf [+ HttpEnd];
 *        HEADERS after the final head -&gt; HttpTrailers, HttpEnd
 * </pre>
 *
 * <p>A response without a valid {@code :status}, or trailers without END_STREAM, fires {@link HttpDecodeError} (502)
 * and nothing more; the handler above resets the stream.
 */
public final class Http2ClientStreamCodec extends ChannelDuplexHandler {

    /** A response HEADERS without a three-digit :status. */
    public static final String INVALID_STATUS = "invalid_status";
    /** Trailers that did not end the stream. */
    public static final String BAD_TRAILERS = "trailers_without_end_stream";

    private final HttpResponseHead head = new HttpResponseHead();
    private boolean requestEnded;
    private boolean finalHead;
    private boolean failed;

    // ------------------------------------------------------------------ outbound

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            if (requestEnded) {
                ((ByteBuf) msg).release();
                promise.trySuccess();
                return;
            }
            ctx.write(new DefaultHttp2DataFrame((ByteBuf) msg, false), promise);
        } else if (msg instanceof HttpRequestHead) {
            final HttpRequestHead h = (HttpRequestHead) msg;
            // A request that has no body ends with its HEADERS: one frame instead of HEADERS and an empty DATA.
            final boolean end = h.bodyLength() == 0;
            requestEnded = end;
            ctx.write(new DefaultHttp2HeadersFrame(Http2ClientHeaders.request(h), end), promise);
        } else if (msg == HttpEnd.INSTANCE) {
            if (requestEnded) {
                promise.trySuccess();
                return;
            }
            requestEnded = true;
            ctx.write(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true), promise);
        } else if (msg instanceof HttpTrailers) {
            if (requestEnded) {
                promise.trySuccess();
                return;
            }
            requestEnded = true;
            ctx.write(new DefaultHttp2HeadersFrame(trailers(((HttpTrailers) msg).headers()), true), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private static Http2Headers trailers(final HttpHeaderBlock block) {
        final Http2Headers out = new DefaultHttp2Headers(false, block.liveCount());
        for (int i = 0, n = block.size(); i < n; i++) {
            if (!block.isDead(i)) {
                out.add(block.name(i).toLowerCase(), block.value(i));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ inbound

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (failed) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof Http2DataFrame) {
            final Http2DataFrame data = (Http2DataFrame) msg;
            final ByteBuf content = data.content();
            if (content.isReadable()) {
                ctx.fireChannelRead(content);   // ownership of the frame's buffer passes on
            } else {
                data.release();
            }
            if (data.isEndStream()) {
                ctx.fireChannelRead(HttpEnd.INSTANCE);
            }
        } else if (msg instanceof Http2HeadersFrame) {
            headers(ctx, (Http2HeadersFrame) msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void headers(final ChannelHandlerContext ctx, final Http2HeadersFrame frame) {
        final Http2Headers in = frame.headers();
        final boolean end = frame.isEndStream();
        if (finalHead) {
            if (!end) {
                fail(ctx, BAD_TRAILERS);
                return;
            }
            final HttpTrailers trailers = new HttpTrailers();
            Http2ClientHeaders.copyFields(in, trailers.headers());
            ctx.fireChannelRead(trailers);
            ctx.fireChannelRead(HttpEnd.INSTANCE);
            return;
        }
        final int status = Http2ClientHeaders.status(in);
        if (status < 0 || status == 101) {
            fail(ctx, INVALID_STATUS);
            return;
        }
        final HttpResponseHead h = head;
        h.reset(null, status, HttpHead.VERSION_2);
        final long contentLength = Http2ClientHeaders.copyFields(in, h.headers());
        if (h.isInformational()) {
            ctx.fireChannelRead(h);
            return;
        }
        finalHead = true;
        h.bodyLength(end ? 0 : contentLength);
        ctx.fireChannelRead(h);
        if (end) {
            ctx.fireChannelRead(HttpEnd.INSTANCE);
        }
    }

    private void fail(final ChannelHandlerContext ctx, final String reason) {
        failed = true;
        ctx.fireChannelRead(new HttpDecodeError(502, reason));
    }
}
