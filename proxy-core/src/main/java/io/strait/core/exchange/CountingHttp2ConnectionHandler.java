package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's HTTP/2 connection handler with each of its error paths counted in the listener's stats (resets and GOAWAYs
 * sent, header overflows, refused streams, malformed frames, each kind of connection error once) and socket errors
 * closed quietly, so the downstream connection handler above it deals with streams only.
 *
 * <p>Confined to the connection's event loop.
 */
abstract class CountingHttp2ConnectionHandler extends Http2ConnectionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DownstreamHttp2Handler.class);

    /** A limit the subclass counted itself is closing the connection: the error path must not count it again. */
    private boolean errorCounted;

    CountingHttp2ConnectionHandler(final Http2ConnectionDecoder decoder, final Http2ConnectionEncoder encoder,
                                   final Http2Settings settings) {
        super(decoder, encoder, settings);
    }

    /** The stats of the listener (and loop) the connection counts in now. */
    abstract LoopStats<HttpStat> stats();

    /** The subclass counted the connection error about to be raised. */
    final void errorCounted() {
        errorCounted = true;
    }

    /**
     * HTTP/2 errors go to Netty's handling; anything else is the socket's (a client gone mid-response fails every
     * queued frame's write, each with a void promise that fires here): closed quietly, as the HTTP/1.1 handler does,
     * not logged at the pipeline's tail once per frame.
     */
    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) throws Exception {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        LOG.debug("downstream {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public ChannelFuture resetStream(final ChannelHandlerContext ctx, final int streamId, final long errorCode,
                                     final ChannelPromise promise) {
        final Http2Stream stream = connection().stream(streamId);
        if (stream == null || !stream.isResetSent()) {
            stats().inc(HttpStat.HTTP2_TX_RESET);
        }
        return super.resetStream(ctx, streamId, errorCode, promise);
    }

    @Override
    public ChannelFuture goAway(final ChannelHandlerContext ctx, final int lastStreamId, final long errorCode,
                                final ByteBuf debugData, final ChannelPromise promise) {
        stats().inc(HttpStat.HTTP2_GOAWAY_SENT);
        return super.goAway(ctx, lastStreamId, errorCode, debugData, promise);
    }

    @Override
    protected void onStreamError(final ChannelHandlerContext ctx, final boolean outbound, final Throwable cause,
                                 final Http2Exception.StreamException e) {
        if (e instanceof Http2Exception.HeaderListSizeException) {
            stats().inc(HttpStat.HTTP2_HEADER_OVERFLOW);
        } else if (e.error() == Http2Error.REFUSED_STREAM) {
            stats().inc(HttpStat.HTTP2_STREAM_REFUSED_ERRORS);
        } else if (!outbound && e.error() == Http2Error.PROTOCOL_ERROR && !isMalformedCounted(e)) {
            stats().inc(HttpStat.HTTP2_RX_MESSAGING_ERROR);
        }
        super.onStreamError(ctx, outbound, cause, e);
    }

    /** Our own malformed-request errors are counted where they are raised. */
    private static boolean isMalformedCounted(final Http2Exception e) {
        final String m = e.getMessage();
        return m != null && m.startsWith("malformed ");
    }

    @Override
    protected void onConnectionError(final ChannelHandlerContext ctx, final boolean outbound, final Throwable cause,
                                     final Http2Exception e) {
        if (!errorCounted && e != null) {
            errorCounted = true;
            stats().inc(Http2ErrorKinds.of(outbound, e));
            if (!outbound) {
                stats().inc(HttpStat.DOWNSTREAM_CX_PROTOCOL_ERROR);
            }
        }
        super.onConnectionError(ctx, outbound, cause, e);
    }
}
