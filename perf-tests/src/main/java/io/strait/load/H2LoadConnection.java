package io.strait.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionEncoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;


/**
 * Confined to its worker's event loop. One HTTP/2 connection slot (cleartext, prior knowledge): keeps a channel to
 * the target and up to {@code streams} requests in flight on it as concurrent streams, never more than the peer's
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS}. Closed loop: every free stream slot is refilled at once. Open loop: this
 * connection's k-th request (of C connections) is due at {@code t0 + (slot + k*C) / rate}, as for HTTP/1.1; when no
 * stream slot is free it waits, and its latency still counts from the intended time (coordinated omission
 * correction). Latency per stream: from the intended (corrected) or actual (uncorrected) send to the frame with
 * {@code END_STREAM} of the response.
 *
 * <p>Per channel a {@link Session} (Netty's {@link Http2ConnectionHandler} with its flow control, SETTINGS, PING and
 * GOAWAY handling) is the only handler; its frame listener completes streams here. The request's header block is
 * encoded once ({@link H2Request}); stream state lives in a fixed pool of {@link Stream}s found by id in a primitive
 * map. Response DATA is counted as consumed as soon as it is read (its buffer is released by the codec) and the
 * windows are large (1 MiB per stream, 16 MiB per connection), so large responses keep flowing.
 *
 * <p>Errors: every stream sent is counted once, as a response, a reset, a timeout, a parse error or abandoned at the
 * end of the run. RST_STREAM from the server counts the stream as a reset error (the connection stays); GOAWAY counts
 * the streams it drops (above its last stream id) as reset errors and, with an error code, one connection error; the
 * connection then finishes its other streams (those the server closes it on are resets), closes and is opened again.
 * A connection that does not send its SETTINGS within the timeout counts one connection error and is opened again.
 */
final class H2LoadConnection extends AbstractLoadSlot implements ChannelFutureListener {

    /** Initial stream window we advertise (SETTINGS_INITIAL_WINDOW_SIZE). */
    static final int STREAM_WINDOW = 1 << 20;
    /** Connection window we grow to with a WINDOW_UPDATE right after the preface. */
    static final int CONNECTION_WINDOW = 16 << 20;

    private final Bootstrap bootstrap;
    private final H2Request request;
    private final int maxStreams;
    private final long bytesPerRequest;
    private final Stream[] pool;
    private final int[] free;
    private int freeCount;
    private final IntObjectHashMap<Stream> active;

    private Session session;
    private boolean connected;
    private long connectStartNanos;

    H2LoadConnection(final Worker worker, final Bootstrap bootstrap, final long slot, final H2Request request,
                     final int streams) {
        super(worker, slot);
        this.request = request;
        this.maxStreams = streams;
        this.bytesPerRequest = request.wireBytes(Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE);
        this.pool = new Stream[streams];
        this.free = new int[streams];
        for (int i = 0; i < streams; i++) {
            pool[i] = new Stream(i);
            free[i] = streams - 1 - i;
        }
        this.freeCount = streams;
        this.active = new IntObjectHashMap<>(Math.max(8, streams * 2));
        this.bootstrap = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(final Channel ch) {
                // h2 over TLS would add its SslHandler (ALPN "h2") here, before the session.
                ch.pipeline().addLast(newSession());
            }
        });
    }

    /** The streams still open at the end of the run; the session is dropped with them. */
    @Override
    int dropOutstanding() {
        final int n = active.size();
        releaseAll();
        session = null;
        return n;
    }

    /** Resets the streams older than {@code timeoutNanos}; closes a connection that sent no SETTINGS in time. */
    @Override
    public void checkTimeout(final long now, final long timeoutNanos) {
        final Session s = session;
        if (s == null) {
            return;
        }
        if (connected && !s.ready) {
            if (now - connectStartNanos > timeoutNanos) {
                worker.count(LoadCounter.CONNECTION_ERRORS, 1);   // no stream was opened on it
                closeChannel(true);
                pump();
            }
            return;
        }
        if (active.isEmpty()) {
            return;
        }
        boolean reset = false;
        for (final Stream st : pool) {
            if (st.id != 0 && now - st.actual > timeoutNanos) {
                worker.count(LoadCounter.TIMEOUT_ERRORS, 1);
                final int id = st.id;
                release(st);
                s.resetStream(s.ctx, id, Http2Error.CANCEL.code(), s.ctx.newPromise());
                reset = true;
            }
        }
        if (reset) {
            s.flush(s.ctx);
            afterStreamEnd();
            pump();   // the freed stream slots take the next requests
        }
    }

    /** Sends whatever is due on free stream slots, connecting first if needed; schedules the next due time. */
    @Override
    void pump() {
        if (!worker.running()) {
            return;
        }
        final long now = System.nanoTime();
        final boolean open = worker.openLoop();
        if (connecting(now)) {
            return;
        }
        final Session s = session;
        if (!connected || s == null || !s.ready || s.draining) {
            return;   // the SETTINGS, or the end of the draining connection's streams, pumps
        }
        final Http2Connection.Endpoint<?> local = s.connection().local();
        final int limit = Math.min(maxStreams, local.maxActiveStreams());
        boolean wrote = false;
        while (active.size() < limit && local.canOpenStream()) {
            final long intended = open ? schedule.takeDue(now) : now;
            if (intended == SlotSchedule.NONE) {
                break;
            }
            final int id = local.incrementAndGetNextStreamId();
            if (id <= 0) {
                s.draining = true;   // stream ids used up: finish these, then a new connection
                if (open) {
                    schedule.giveBack();
                }
                afterStreamEnd();
                break;
            }
            final Stream st = pool[free[--freeCount]];
            st.id = id;
            st.intended = intended;
            st.actual = now;
            st.status = 0;
            active.put(id, st);
            final ChannelHandlerContext ctx = s.ctx;
            final boolean body = request.hasBody();
            s.encoder().writeHeaders(ctx, id, request.headers(), 0, !body, ctx.newPromise());
            if (body) {
                s.encoder().writeData(ctx, id, request.body(), 0, true, ctx.newPromise());
            }
            worker.count(LoadCounter.SENT, 1);
            worker.count(LoadCounter.BYTES_WRITTEN, bytesPerRequest);
            wrote = true;
        }
        if (wrote) {
            s.flush(s.ctx);
        }
    }

    @Override
    void connect(final long now) {
        connectStartNanos = now;
        connected = false;
        final ChannelFuture f = bootstrap.connect(worker.address());
        channel = f.channel();
        f.addListener(this);
    }

    private Session newSession() {
        final Http2Connection connection = new DefaultHttp2Connection(false);
        final Http2ConnectionEncoder encoder = new DefaultHttp2ConnectionEncoder(connection,
            request.frameWriter());
        final Http2ConnectionDecoder decoder = new DefaultHttp2ConnectionDecoder(connection, encoder,
            new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(false)));
        final Http2Settings settings = new Http2Settings().pushEnabled(false).initialWindowSize(STREAM_WINDOW)
            .maxConcurrentStreams(0);
        final Session s = new Session(decoder, encoder, settings);
        decoder.frameListener(s.listener);
        s.gracefulShutdownTimeoutMillis(0);
        session = s;
        return s;
    }

    /** Connect listener. */
    @Override
    public void operationComplete(final ChannelFuture future) {
        if (future.channel() != channel) {
            return;
        }
        if (!future.isSuccess()) {
            session = null;
            connectFailed();
            return;
        }
        connected = true;
        worker.count(LoadCounter.CONNECTIONS_OPENED, 1);
        worker.connectDone();
        // Requests go out once the server's SETTINGS (its stream limit) are in.
    }

    private void complete(final Stream st) {
        final long now = System.nanoTime();
        worker.record(now - st.intended, now - st.actual, st.status);
        release(st);
        afterStreamEnd();
    }

    /** A draining connection (GOAWAY, ids used up) closes when its last stream ended; the next pump reconnects. */
    private void afterStreamEnd() {
        final Session s = session;
        if (s != null && s.draining && active.isEmpty()) {
            closeChannel(s.goAwayError);
        }
    }

    private void release(final Stream st) {
        active.remove(st.id);
        st.id = 0;
        free[freeCount++] = st.index;
    }

    private void releaseAll() {
        for (final Stream st : pool) {
            if (st.id != 0) {
                release(st);
            }
        }
    }

    private void closeChannel(final boolean backOff) {
        final Channel ch = channel;
        channel = null;
        session = null;
        connected = false;
        releaseAll();
        if (backOff) {
            notBeforeNanos = System.nanoTime() + SlotSchedule.RECONNECT_DELAY_NANOS;
        }
        if (ch != null) {
            ch.close();
        }
    }

    /** Mutable, reused: one stream slot; {@code id == 0} when free. */
    private static final class Stream {
        final int index;
        int id;
        long intended;
        long actual;
        int status;

        Stream(final int index) {
            this.index = index;
        }
    }

    /**
     * Confined to the loop: the HTTP/2 codec of one channel, the only handler in its pipeline. Events of a channel
     * that is no longer the slot's (closed, replaced) are ignored.
     */
    private final class Session extends Http2ConnectionHandler {
        final Listener listener = new Listener();
        ChannelHandlerContext ctx;
        boolean ready;
        boolean draining;
        boolean goAwayError;
        boolean failed;

        Session(final Http2ConnectionDecoder decoder, final Http2ConnectionEncoder encoder,
                final Http2Settings settings) {
            super(decoder, encoder, settings);
        }

        private boolean current() {
            return session == this;
        }

        @Override
        public void handlerAdded(final ChannelHandlerContext c) throws Exception {
            ctx = c;
            super.handlerAdded(c);
        }

        @Override
        public void channelActive(final ChannelHandlerContext c) throws Exception {
            super.channelActive(c);   // writes the preface and our SETTINGS
            final Http2Connection conn = connection();
            conn.local().flowController().incrementWindowSize(conn.connectionStream(),
                CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE);
            flush(c);
        }

        @Override
        public void channelRead(final ChannelHandlerContext c, final Object msg) throws Exception {
            if (msg instanceof ByteBuf b && current()) {
                worker.count(LoadCounter.BYTES_READ, b.readableBytes());
            }
            super.channelRead(c, msg);
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext c) throws Exception {
            if (current()) {
                pump();
            }
            super.channelReadComplete(c);   // flushes
        }

        @Override
        protected void onConnectionError(final ChannelHandlerContext c, final boolean outbound,
                                         final Throwable cause, final Http2Exception http2Ex) {
            failed = true;
            super.onConnectionError(c, outbound, cause, http2Ex);
        }

        @Override
        protected void onStreamError(final ChannelHandlerContext c, final boolean outbound, final Throwable cause,
                                     final Http2Exception.StreamException http2Ex) {
            super.onStreamError(c, outbound, cause, http2Ex);   // resets the stream
            if (current()) {
                final Stream st = active.get(http2Ex.streamId());
                if (st != null) {
                    worker.count(LoadCounter.PARSE_ERRORS, 1);
                    release(st);
                    afterStreamEnd();
                }
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext c) throws Exception {
            if (current()) {
                final int lost = active.size();
                if (lost > 0) {
                    worker.count(LoadCounter.RESET_ERRORS, lost);
                } else if (failed) {
                    worker.count(LoadCounter.CONNECTION_ERRORS, 1);   // it cost no stream
                }
                channel = null;
                session = null;
                connected = false;
                releaseAll();
                if (lost > 0 || failed || !ready) {
                    notBeforeNanos = System.nanoTime() + SlotSchedule.RECONNECT_DELAY_NANOS;
                }
            }
            super.channelInactive(c);
            if (worker.running() && channel == null) {
                pump();
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext c, final Throwable cause) throws Exception {
            if (current() && Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
                failed = true;   // an I/O error (reset by peer): the channel closes
                c.close();
                return;
            }
            super.exceptionCaught(c, cause);
        }

        /** Confined to the loop: completes this session's streams. */
        private final class Listener extends Http2FrameAdapter {
            @Override
            public void onSettingsRead(final ChannelHandlerContext c, final Http2Settings settings) {
                ready = true;   // channelReadComplete pumps
            }

            @Override
            public void onHeadersRead(final ChannelHandlerContext c, final int streamId, final Http2Headers headers,
                                      final int padding, final boolean endOfStream) {
                if (!current()) {
                    return;
                }
                final Stream st = active.get(streamId);
                if (st == null) {
                    return;
                }
                final CharSequence status = headers.status();
                if (status != null) {
                    final int code = parseStatus(status);
                    if (code < 100 || code > 999) {
                        worker.count(LoadCounter.PARSE_ERRORS, 1);
                        release(st);
                        resetStream(c, streamId, Http2Error.PROTOCOL_ERROR.code(), c.newPromise());
                        afterStreamEnd();
                        return;
                    }
                    if (code >= 200 || st.status == 0) {
                        st.status = code;   // a final status replaces an interim one (1xx)
                    }
                }
                if (endOfStream) {
                    if (st.status == 0) {
                        worker.count(LoadCounter.PARSE_ERRORS, 1);   // no :status at all
                        release(st);
                        afterStreamEnd();
                    } else {
                        complete(st);
                    }
                }
            }

            @Override
            public void onHeadersRead(final ChannelHandlerContext c, final int streamId, final Http2Headers headers,
                                      final int streamDependency, final short weight, final boolean exclusive,
                                      final int padding, final boolean endOfStream) {
                onHeadersRead(c, streamId, headers, padding, endOfStream);
            }

            @Override
            public int onDataRead(final ChannelHandlerContext c, final int streamId, final ByteBuf data,
                                  final int padding, final boolean endOfStream) {
                final int consumed = data.readableBytes() + padding;   // returned to the window at once
                if (endOfStream && current()) {
                    final Stream st = active.get(streamId);
                    if (st != null) {
                        if (st.status == 0) {
                            worker.count(LoadCounter.PARSE_ERRORS, 1);
                            release(st);
                            afterStreamEnd();
                        } else {
                            complete(st);
                        }
                    }
                }
                return consumed;
            }

            @Override
            public void onRstStreamRead(final ChannelHandlerContext c, final int streamId, final long errorCode) {
                if (!current()) {
                    return;
                }
                final Stream st = active.get(streamId);
                if (st != null) {
                    worker.count(LoadCounter.RESET_ERRORS, 1);
                    release(st);
                    afterStreamEnd();
                }
            }

            @Override
            public void onGoAwayRead(final ChannelHandlerContext c, final int lastStreamId, final long errorCode,
                                     final ByteBuf debugData) {
                if (!current()) {
                    return;
                }
                draining = true;
                goAwayError = errorCode != Http2Error.NO_ERROR.code();
                int lost = 0;
                for (final Stream st : pool) {
                    if (st.id > lastStreamId) {
                        lost++;
                        release(st);
                    }
                }
                // The GOAWAY's error is the connection's, counted once; each stream counts once: dropped here, or
                // answered, or lost when the connection closes before answering it (channelInactive).
                worker.count(LoadCounter.RESET_ERRORS, lost);
                worker.count(LoadCounter.CONNECTION_ERRORS, goAwayError ? 1 : 0);
                afterStreamEnd();
            }
        }
    }

    private static int parseStatus(final CharSequence s) {
        if (s.length() != 3) {
            return -1;
        }
        if (s instanceof AsciiString a) {
            try {
                return a.parseInt();
            } catch (final NumberFormatException e) {
                return -1;
            }
        }
        int v = 0;
        for (int i = 0; i < 3; i++) {
            final char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + ch - '0';
        }
        return v;
    }
}
