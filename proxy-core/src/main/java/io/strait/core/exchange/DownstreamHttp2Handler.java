package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.EventExecutor;
import io.strait.core.codec.http2.Http2RequestHeads;
import io.strait.core.codec.http2.Http2ResetLimiter;
import io.strait.core.config.Http2Config;
import io.strait.core.http.HttpTrailers;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.time.NanoClock;
import io.strait.tls.PeerIdentity;
import io.strait.tls.handler.PeerIdentityHandler;

/**
 * One downstream HTTP/2 connection (Envoy's connection manager over its HTTP/2 codec): Netty's frame codec, HPACK
 * and flow control underneath, and on top each stream fed to an {@link Exchange} of its own through an
 * {@link Http2StreamDownstream}, so routing, retries, timeouts and stats behave as for HTTP/1.1. It owns what belongs
 * to the connection: the stream slots ({@link Http2StreamSlots}), the idle timeout while no stream is open
 * ({@link Http2IdleTimeout}), keep-alive PINGs, draining (GOAWAY, then close once the streams are done), flush
 * batching (one flush per read batch, {@link Http2ReadBatch}) and the defences Netty leaves to it: the rapid-reset
 * limit, the HPACK encoder table cap, and a counter for each limit that closes or refuses (the error paths are
 * counted by {@link CountingHttp2ConnectionHandler}).
 *
 * <p>Confined to the connection's event loop.
 */
public final class DownstreamHttp2Handler extends CountingHttp2ConnectionHandler
    implements Http2FrameListener {

    private final ServerContext server;
    private ListenerRuntime listener;
    private LoopState loop;
    private LoopStats<HttpStat> stats;
    private NanoClock clock;
    private ChannelHandlerContext ctx;
    private final Http2Connection.PropertyKey slotKey;
    private final Http2RemoteFlowController remoteFlow;
    private final Http2ResponseWriter writer;
    private final Http2WriteCoalescer coalescer = new Http2WriteCoalescer();
    private final Http2ResetLimiter resets;
    private final int hpackTableCap;
    private final int initialConnectionWindow;
    private final Http2StreamSlots slots;
    /** Streams that got frames in the current read batch: their upstream writes are flushed at its end. */
    private final Http2ReadBatch batch = new Http2ReadBatch();
    private Http2IdleTimeout idle;
    /** Keep-alive PINGs, or null when off. */
    private Http2KeepAlive keepAlive;
    private boolean started;
    private boolean reading;
    private boolean dirty;
    /** A flush of this turn's writes is queued on the loop (see {@link #flushIfDirty}). */
    private boolean flushQueued;
    private final Runnable flushTask = this::flushQueued;
    private boolean draining;
    /** The verified client's identity, read from the channel on first use. */
    private PeerIdentity peer;
    private boolean peerKnown;
    /** A protocol selector handed the connection over: the HTTP/1.1 handler it replaced counted the accept. */
    private boolean acceptCounted;

    DownstreamHttp2Handler(final Http2ConnectionDecoder decoder, final Http2ConnectionEncoder encoder,
                                   final Http2Settings settings, final ListenerRuntime listener,
                                   final ServerContext server) {
        super(decoder, encoder, settings);
        this.listener = listener;
        this.server = server;
        final Http2Config c = listener.config().http2();
        this.resets = new Http2ResetLimiter(c.maxResetsPerInterval(), c.resetInterval().toNanos());
        this.hpackTableCap = c.hpackTableSize();
        this.initialConnectionWindow = c.initialConnectionWindowSize();
        this.slots = new Http2StreamSlots(c.maxConcurrentStreams());
        this.slotKey = connection().newKey();
        this.remoteFlow = encoder.flowController();
        this.writer = new Http2ResponseWriter(encoder, this, coalescer);
        decoder.frameListener(this);
        remoteFlow.listener(this::onWritabilityChanged);
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(final Http2Stream stream) {
                streamClosed(stream);
            }
        });
    }

    /** The handler of a new connection of {@code listener}, with the listener's HTTP/2 settings and limits. */
    public static DownstreamHttp2Handler create(final ListenerRuntime listener, final ServerContext server) {
        return new Http2HandlerBuilder(listener, server).build();
    }

    // ------------------------------------------------------------------ connection lifecycle

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        final LoopState state = server.loopState(ctx.channel().eventLoop());
        final ListenerRuntime current = state.snapshot().listener(listener.name());
        this.loop = state;
        if (current != null) {
            this.listener = current;
        }
        this.stats = listener.stats().loop(state.index());
        this.clock = state.clock();
        this.idle = new Http2IdleTimeout(this, state.loop(), clock);
        final Http2Config c = listener.config().http2();
        if (!c.keepaliveInterval().isZero()) {
            this.keepAlive = new Http2KeepAlive(this, state.loop(), clock, c.keepaliveInterval().toNanos(),
                c.keepaliveTimeout().toNanos());
        }
        ctx.pipeline().addBefore(ctx.name(), "h2-coalesce", coalescer);
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            start();   // added by the protocol selector: the connection is already up
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        super.channelActive(ctx);
        start();
    }

    /**
     * The connection is up: counts it and opens the connection window to its configured size. When this handler is
     * the listener's only codec ({@code codec: http2}) it also counts the accept, which a protocol selector's
     * HTTP/1.1 handler counted otherwise.
     */
    private void start() throws Http2Exception {
        if (started) {
            return;
        }
        started = true;
        if (!acceptCounted) {
            stats.inc(HttpStat.DOWNSTREAM_CX_TOTAL);
        }
        stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, 1);
        stats.inc(HttpStat.DOWNSTREAM_CX_HTTP2_TOTAL);
        stats.add(HttpStat.DOWNSTREAM_CX_HTTP2_ACTIVE, 1);
        final int delta = initialConnectionWindow - Http2CodecUtil.DEFAULT_WINDOW_SIZE;
        if (delta > 0) {
            decoder().flowController().incrementWindowSize(connection().connectionStream(), delta);
        }
        idle.start(clock.nanoTime(), listener.idleTimeoutNanos());
        if (keepAlive != null) {
            keepAlive.start(clock.nanoTime());
        }
        if (server.isDraining()) {
            drain();
        }
        ctx.flush();
    }

    /** Tells this handler that the connection's accept was counted already (by the handler it replaces). */
    public DownstreamHttp2Handler acceptCounted() {
        this.acceptCounted = true;
        return this;
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        if (started) {
            stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, -1);
            stats.add(HttpStat.DOWNSTREAM_CX_HTTP2_ACTIVE, -1);
            started = false;
        }
        idle.stop();
        if (keepAlive != null) {
            keepAlive.stop();
        }
        slots.clear();
        super.channelInactive(ctx);   // closes every stream: their exchanges are told on the next turn
    }

    /**
     * Starts draining: GOAWAY with the last stream accepted, then the connection closes once its streams are done
     * (Netty's graceful close, bounded by its graceful shutdown timeout). Call on the loop.
     */
    public void drain() {
        if (draining || ctx == null) {
            return;
        }
        draining = true;
        ctx.channel().close();   // Http2ConnectionHandler.close: GOAWAY(NO_ERROR), close when no stream is active
    }

    boolean closing() {
        return draining || server.isDraining();
    }

    // ------------------------------------------------------------------ reads

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception {
        reading = true;
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception {
        reading = false;
        batch.end();
        dirty = false;
        super.channelReadComplete(ctx);   // flushes what the batch wrote
    }

    @Override
    public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                              final int padding, final boolean endOfStream) throws Http2Exception {
        final Http2Stream stream = connection().stream(streamId);
        if (stream == null) {
            return;   // reset by Netty already
        }
        final Http2StreamDownstream existing = stream.getProperty(slotKey);
        if (existing != null) {
            trailers(existing, headers, endOfStream);
            return;
        }
        idle.busy();
        final Http2StreamDownstream s = acquire();
        s.begin(stream);
        final String bad = Http2RequestHeads.decode(headers, endOfStream, s.head);
        if (bad != null) {
            stats.inc(HttpStat.HTTP2_RX_MESSAGING_ERROR);
            s.head.release();
            recycle(s);
            throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, "malformed request: %s", bad);
        }
        stream.setProperty(slotKey, s);
        stats.inc(HttpStat.DOWNSTREAM_RQ_HTTP2_TOTAL);
        batch.touch(s);
        s.exchange.onRequestHead(s.head);
        if (endOfStream) {
            s.requestEnded = true;
            s.exchange.onRequestEnd();
        }
        if (!draining && loop.overload().disableKeepalive(loop.index())) {
            drain();   // overload: GOAWAY after this stream, once per connection (counted by the check)
        }
    }

    private void trailers(final Http2StreamDownstream s, final Http2Headers headers, final boolean endOfStream)
        throws Http2Exception {
        final HttpTrailers t = new HttpTrailers();
        final String bad = Http2RequestHeads.trailers(headers, endOfStream, t);
        if (bad != null) {
            stats.inc(HttpStat.HTTP2_RX_MESSAGING_ERROR);
            throw Http2Exception.streamError(s.stream().id(), Http2Error.PROTOCOL_ERROR, "malformed trailers: %s",
                bad);
        }
        batch.touch(s);
        s.exchange.onRequestTrailers(t);
        s.requestEnded = true;
        s.exchange.onRequestEnd();
    }

    @Override
    public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                              final int streamDependency, final short weight, final boolean exclusive,
                              final int padding, final boolean endOfStream) throws Http2Exception {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
    }

    @Override
    public int onDataRead(final ChannelHandlerContext ctx, final int streamId, final ByteBuf data, final int padding,
                          final boolean endOfStream) {
        final int bytes = data.readableBytes() + padding;
        final Http2Stream stream = connection().stream(streamId);
        final Http2StreamDownstream s = stream == null ? null : stream.getProperty(slotKey);
        if (s == null) {
            return bytes;
        }
        batch.touch(s);
        if (data.isReadable()) {
            s.exchange.onRequestBody(data.retainedSlice());
        }
        final int taken = s.taken(bytes);
        if (endOfStream) {
            s.requestEnded = true;
            s.exchange.onRequestEnd();
        }
        return taken;
    }

    @Override
    public void onRstStreamRead(final ChannelHandlerContext ctx, final int streamId, final long errorCode)
        throws Http2Exception {
        stats.inc(HttpStat.HTTP2_RX_RESET);
        final Http2Stream stream = connection().stream(streamId);
        if (stream != null && stream.getProperty(slotKey) != null) {
            stats.inc(HttpStat.DOWNSTREAM_RQ_RX_RESET);
        }
        if (resets.onReset(clock.nanoTime())) {
            stats.inc(HttpStat.HTTP2_TOO_MANY_RESETS);
            errorCounted();
            throw Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM, "too many resets");
        }
    }

    @Override
    public void onSettingsRead(final ChannelHandlerContext ctx, final Http2Settings settings) {
        final Long table = settings.headerTableSize();
        if (table != null && table > hpackTableCap) {
            // Netty applied the client's size already; the encoder's table (our memory) stays within our cap and
            // says so to the client with a dynamic table size update (RFC 7541 4.2).
            try {
                encoder().configuration().headersConfiguration().maxHeaderTableSize(hpackTableCap);
            } catch (final Http2Exception e) {
                throw new IllegalStateException(e);
            }
            stats.inc(HttpStat.HTTP2_HPACK_TABLE_CAPPED);
        }
    }

    @Override
    public void onPriorityRead(final ChannelHandlerContext ctx, final int streamId, final int streamDependency,
                               final short weight, final boolean exclusive) {
        // priorities are advisory (RFC 9113 5.3 deprecates them): ignored
    }

    @Override
    public void onSettingsAckRead(final ChannelHandlerContext ctx) {
    }

    @Override
    public void onPingRead(final ChannelHandlerContext ctx, final long data) {
    }

    @Override
    public void onPingAckRead(final ChannelHandlerContext ctx, final long data) {
        if (keepAlive != null) {
            keepAlive.onAck(data, clock.nanoTime());
        }
    }

    @Override
    public void onPushPromiseRead(final ChannelHandlerContext ctx, final int streamId, final int promisedStreamId,
                                  final Http2Headers headers, final int padding) throws Http2Exception {
        throw Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "PUSH_PROMISE from a client");
    }

    @Override
    public void onGoAwayRead(final ChannelHandlerContext ctx, final int lastStreamId, final long errorCode,
                             final ByteBuf debugData) {
    }

    @Override
    public void onWindowUpdateRead(final ChannelHandlerContext ctx, final int streamId, final int windowSizeIncrement) {
    }

    @Override
    public void onUnknownFrame(final ChannelHandlerContext ctx, final byte frameType, final int streamId,
                               final Http2Flags flags, final ByteBuf payload) {
    }

    // ------------------------------------------------------------------ streams and slots

    private Http2StreamDownstream acquire() {
        if (loop.superseded()) {
            moveToLatest();
        }
        return slots.take(this, listener, loop, ctx.channel().remoteAddress());
    }

    /** A reload put a newer snapshot in force: new streams run on it; pooled slots of the old one are dropped. */
    private void moveToLatest() {
        final LoopState latest = loop.latest();
        final ListenerRuntime runtime = latest.snapshot().listener(listener.name());
        if (runtime == null) {
            return;
        }
        loop = latest;
        listener = runtime;
        stats = runtime.stats().loop(latest.index());
        slots.clear();
    }

    /**
     * The slot is free: back to the pool when it belongs to the current snapshot, the pool has room and the
     * connection is still open; otherwise dropped, its exchange's timer cancelled.
     */
    void recycle(final Http2StreamDownstream s) {
        final Http2Stream stream = s.stream();
        if (stream != null && stream.getProperty(slotKey) == s) {
            stream.removeProperty(slotKey);
        }
        slots.give(s, s.runtime == listener && ctx.channel().isActive(), connection().numActiveStreams() == 0);
    }

    private void streamClosed(final Http2Stream stream) {
        final Http2StreamDownstream s = stream.getProperty(slotKey);
        if (s != null) {
            s.onClosed();
        }
        if (connection().numActiveStreams() == 0 && started) {
            idle.start(clock.nanoTime(), listener.idleTimeoutNanos());
            slots.trimToIdle();
        }
    }

    private void onWritabilityChanged(final Http2Stream stream) {
        final Http2StreamDownstream s = stream.getProperty(slotKey);
        if (s != null) {
            s.exchange.onDownstreamWritabilityChanged(remoteFlow.isWritable(stream));
        }
    }

    // ------------------------------------------------------------------ writes, for the streams

    void writeHead(final int streamId, final Http2Headers headers, final boolean interim, final boolean endStream) {
        writer.writeHead(ctx, streamId, headers, interim, endStream);
        dirty = true;
    }

    void writeTrailers(final int streamId, final Http2Headers headers) {
        writer.writeTrailers(ctx, streamId, headers);
        dirty = true;
    }

    void writeData(final int streamId, final ByteBuf data, final boolean endStream) {
        writer.writeData(ctx, streamId, data, endStream);
        dirty = true;
    }

    /** Hands {@code bytes} of a stream's request DATA back to its window (and the connection's). */
    void consume(final Http2Stream stream, final int bytes) {
        try {
            if (decoder().flowController().consumeBytes(stream, bytes)) {
                dirty = true;
                if (!reading) {
                    flushIfDirty();
                }
            }
        } catch (final Http2Exception e) {
            onError(ctx, false, e);
        }
    }

    void resetStream(final int streamId) {
        resetStream(ctx, streamId, Http2Error.INTERNAL_ERROR.code(), ctx.voidPromise());
        dirty = true;
    }

    /**
     * Flushes what the streams wrote, once per turn of the loop: outside a read batch the write came from an upstream
     * connection's read, and the loop's other ready upstreams (this turn's IO) usually answer other streams of this
     * connection too, so the flush runs as a task after them: one write(2) for all, not one per response.
     */
    void flushIfDirty() {
        if (dirty && !reading && !flushQueued) {
            flushQueued = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void flushQueued() {
        flushQueued = false;
        if (dirty) {
            dirty = false;
            flush(ctx);
        }
    }

    boolean isWritable(final Http2Stream stream) {
        return remoteFlow.isWritable(stream);
    }

    boolean inReadBatch() {
        return reading;
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    EventExecutor executor() {
        return ctx.executor();
    }

    /** The verified client certificate's identity (set by the TLS side before any frame is read), or null. */
    PeerIdentity peerIdentity() {
        if (!peerKnown) {
            peerKnown = true;
            final io.netty.channel.Channel ch = ctx.channel();
            peer = ch.hasAttr(PeerIdentityHandler.PEER_IDENTITY) ? ch.attr(PeerIdentityHandler.PEER_IDENTITY).get()
                : null;
        }
        return peer;
    }

    @Override
    LoopStats<HttpStat> stats() {
        return stats;
    }

    // ------------------------------------------------------------------ idle timeout and keep-alive

    boolean isIdle() {
        return ctx.channel().isActive() && connection().numActiveStreams() == 0;
    }

    /** No stream for the idle timeout: counted, GOAWAY, closed. */
    void idleTimedOut() {
        stats.inc(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT);
        goAway(ctx, connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
            ctx.newPromise());
        ctx.flush();
        ctx.close();
    }

    /** Sends a keep-alive PING carrying {@code data}; false when the connection is gone. */
    boolean ping(final long data) {
        if (!ctx.channel().isActive()) {
            return false;
        }
        encoder().writePing(ctx, false, data, ctx.voidPromise());
        flush(ctx);
        return true;
    }

    /** A keep-alive PING went unanswered: counted, and the connection closed. */
    void keepAliveTimedOut() {
        stats.inc(HttpStat.HTTP2_KEEPALIVE_TIMEOUT);
        ctx.close();
    }
}
