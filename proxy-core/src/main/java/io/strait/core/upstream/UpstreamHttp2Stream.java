package io.strait.core.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.codec.http2.Http2ClientStreamCodec;
import io.strait.core.stats.ClusterStat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One try's stream on a shared {@link UpstreamHttp2Connection}: the handler of the stream's child channel, which hands
 * the response events of its codec ({@link Http2ClientStreamCodec}) to the try holding it, as
 * {@link UpstreamHttpHandler} does for a whole HTTP/1.1 connection. Its channel is the stream's own, so the try's
 * flow control pauses this stream alone: a paused child channel stops reading, and the window the upstream may fill
 * is not given back until it reads again.
 *
 * <p>Confined to the connection's event loop; one per stream (not reused).
 */
public final class UpstreamHttp2Stream extends ChannelInboundHandlerAdapter implements UpstreamStream {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHttp2Stream.class);

    private final UpstreamHttp2Connection connection;
    private ChannelHandlerContext ctx;
    private UpstreamCallbacks owner;
    /** The upstream said it did not process the stream (REFUSED_STREAM, or GOAWAY below its id). */
    private boolean unprocessed;
    /** The upstream reset the stream. */
    private boolean resetReceived;

    UpstreamHttp2Stream(final UpstreamHttp2Connection connection) {
        this.connection = connection;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.pipeline().addBefore(ctx.name(), "h2-stream-codec", new Http2ClientStreamCodec());
    }

    @Override
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void attach(final UpstreamCallbacks owner) {
        this.owner = owner;
    }

    @Override
    public void write(final Object msg) {
        ctx.write(msg, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    /** Resets the stream (RST_STREAM CANCEL unless it already ended both ways); the connection goes on. */
    @Override
    public void abort() {
        owner = null;
        if (ctx.channel().isActive()) {
            connection.stats().inc(ClusterStat.UPSTREAM_RQ_TX_RESET);
            connection.stats().inc(ClusterStat.HTTP2_TX_RESET);
            ctx.close();
        }
    }

    /** The exchange completed both ways: the stream closes by itself (both ends sent END_STREAM). */
    @Override
    public void release(final long nowNanos) {
        owner = null;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final UpstreamCallbacks o = owner;
        if (o == null) {
            ReferenceCountUtil.release(msg);   // the rest of a response its try let go (a retried 5xx, a timeout)
            return;
        }
        UpstreamCallbacks.dispatch(o, this, msg);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        final UpstreamCallbacks o = owner;
        if (o != null) {
            o.onUpstreamReadComplete(this);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        final UpstreamCallbacks o = owner;
        if (o != null) {
            o.onUpstreamWritabilityChanged(this, ctx.channel().isWritable());
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
        if (evt instanceof Http2ResetFrame) {
            resetReceived = true;
            connection.stats().inc(ClusterStat.HTTP2_RX_RESET);
            if (((Http2ResetFrame) evt).errorCode() == Http2Error.REFUSED_STREAM.code()) {
                unprocessed = true;
            }
        } else if (evt instanceof Http2GoAwayFrame) {
            unprocessed = true;   // sent only to streams above the GOAWAY's last stream id
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        connection.streamEnded(true);
        final UpstreamCallbacks o = owner;
        if (o == null) {
            return;
        }
        owner = null;
        LOG.debug("h2 stream {} to {} closed with a try on it (unprocessed {}, reset {})", ctx.channel(),
            connection.host(), unprocessed, resetReceived);
        // A stream whose HEADERS could not even be sent (its id was never assigned) was not processed either.
        final boolean neverSent = ((Http2StreamChannel) ctx.channel()).stream().id() <= 0;
        if (unprocessed || neverSent) {
            connection.stats().inc(ClusterStat.HTTP2_STREAM_REFUSED_ERRORS);
            o.onUpstreamReset(this, true);
        } else if (resetReceived) {
            o.onUpstreamReset(this, false);
        } else {
            o.onUpstreamClosed(this);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("h2 stream to {}: {}", connection.host(), cause.toString());
        ctx.close();
    }
}
