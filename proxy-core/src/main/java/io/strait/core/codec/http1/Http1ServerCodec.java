package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.AsciiString;
import io.strait.core.flow.ReadGate;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpTrailers;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;

/**
 * The downstream (client-facing) HTTP/1.1 codec: request bytes in, {@link HttpRequestHead}, body
 * {@link ByteBuf}s and {@link HttpEnd} out; {@link HttpResponseHead}, body {@link ByteBuf}s and {@link HttpEnd}
 * in (outbound), response bytes out. Confined to its channel's event loop; one instance per connection.
 *
 * <p>Inbound, each head is scanned once in place and validated strictly (RFC 9110/9112, request smuggling
 * rules, {@link Http1Limits}); a bad request fires one {@link HttpDecodeError} and nothing more is decoded.
 * Hop-by-hop fields are marked dead; keep-alive is tracked here. Requests are processed serially: after a
 * request's {@link HttpEnd} the next one is not decoded until the response's {@link HttpEnd} was written;
 * pipelined bytes wait (reads stop via {@link ReadGate#CODEC_BACKLOG} beyond maxHeaderBytes). "Written" means
 * queued in the channel's outbound buffer, so a client that pipelines requests and never reads would have responses
 * queued without bound: no new request is decoded, and reads stay stopped ({@link ReadGate#CODEC_BACKLOG}), while
 * the channel is not writable (its pending outbound bytes are above the high water mark, which the listener sets
 * to {@code limits.connection_buffer}); decoding resumes when it drains ({@link #channelWritabilityChanged}).
 *
 * <p>Two timers guard the head: a new connection that sends nothing for {@link Http1Limits#firstByteTimeoutMillis()}
 * is closed without a response (and the hook given at construction runs, to count it); a request head must be
 * complete {@link Http1Limits#requestHeaderTimeoutMillis()} after its first byte (not reset per byte), or a
 * {@code 408 request_header_timeout} error is fired. Between requests neither runs (the proxy's idle timeout does).
 *
 * <p>Outbound, the response head is written as its status line, live headers (original bytes) and the
 * framing this client needs (content-length, chunked, or close-delimited for HTTP/1.0) into one buffer.
 * The codec only writes, never flushes, and never releases heads (they are not reference counted; the
 * caller releases a head's raw bytes once written). Body buffers are written or released. An {@link HttpTrailers}
 * before the end becomes the last chunk's trailer section of a chunked response, and is dropped (counted in
 * {@link #droppedTrailers()}) from any other; a chunked request's trailer section is fired as one before its end.
 *
 * <pre>
 *   "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
 *       -&gt; HttpRequestHead(POST /a, host x, bodyLength 3), ByteBuf "abc", HttpEnd
 * </pre>
 */
public final class Http1ServerCodec extends Http1Codec implements Runnable {

    /** Longest request target an error tells (see {@link HttpDecodeError#target()}). */
    private static final int ERROR_TARGET_MAX = 2048;

    private final Http1Limits limits;
    private final Http1ConnectionTimer timer;
    /** Runs when a silent connection is closed by the first-byte timeout (counts it); may be null. */
    private final Runnable onFirstByteTimeout;
    /** Told of the connection's writability changes and of its end; may be null. */
    private final ConnectionWatch watch;
    /** The loop's pool of per-request state (set when the codec joins its pipeline, on the loop). */
    private Http1DecodeStates states;
    /**
     * The per-request state, from the first byte of a request until its response is written with nothing of a next
     * request waiting; null while the connection is idle (see {@link Http1DecodeState}).
     */
    private Http1DecodeState state;

    private boolean inputClosed;
    /** A byte was received on this connection (the first-byte timer is over). */
    private boolean sawInput;
    /** The next request waits for the channel to drain below its high water mark (reads stopped meanwhile). */
    private boolean waitWritable;

    // the request being served
    private boolean reqHead;
    private int reqVersion = HttpRequestHead.VERSION_1_1;
    private boolean reqKeepAlive = true;
    private boolean reqComplete;

    // the response being written
    private boolean respActive;
    private boolean respChunked;
    private boolean respNoBody;
    private boolean respClose;
    /** The last chunk went out already, with the response's trailer section. */
    private boolean lastChunkWritten;
    private long droppedTrailers;
    /**
     * The encoded head of the response being written, held back (not yet passed on) so that a small body can be
     * copied behind it: one outbound buffer and one write instead of two (null: none held). Passed on at the first
     * write it cannot absorb, at the response's end, and at every flush; always on a void promise.
     */
    private ByteBuf heldHead;
    /**
     * The response ended before the request did (an upstream that answers early, e.g. a 401 or 413 to an upload, or
     * a sink that does not read the body): the rest of the request body is still decoded and handed on (the
     * exchange drops it), and the connection is kept, rather than closed with unread input, which resets it and
     * can make the client lose the response. Only for a fixed-length rest of at most {@link #DRAIN_MAX} bytes.
     */
    private boolean drainingRequest;
    /** The most request body still to come that is read and dropped after an early response; more closes. */
    static final long DRAIN_MAX = 4L << 20;

    /** A codec with these limits. */
    public Http1ServerCodec(final Http1Limits limits) {
        this(limits, null);
    }

    /**
     * A codec with these limits; {@code onFirstByteTimeout} (may be null) runs on the loop each time a connection
     * that sent nothing is closed by the first-byte timeout.
     */
    public Http1ServerCodec(final Http1Limits limits, final Runnable onFirstByteTimeout) {
        this(limits, onFirstByteTimeout, null);
    }

    /**
     * A codec with these limits and first-byte-timeout hook (may be null) that also tells {@code watch} (may be null)
     * of its connection's writability changes and end.
     */
    public Http1ServerCodec(final Http1Limits limits, final Runnable onFirstByteTimeout, final ConnectionWatch watch) {
        this.limits = limits;
        this.timer = new Http1ConnectionTimer(this);
        this.onFirstByteTimeout = onFirstByteTimeout;
        this.watch = watch;
    }

    /**
     * Something that watches a connection's writability from the codec, not from a pipeline entry of its own (an
     * entry costs every idle connection a handler context): the listener's send timeout. Called on the connection's
     * loop.
     */
    public interface ConnectionWatch {

        /** {@code ch} turned writable or unwritable. */
        void writabilityChanged(Channel ch);

        /** {@code ch} closed, or the codec left its pipeline: nothing more is told about it. */
        void closed(Channel ch);
    }

    /** A codec with {@link Http1Limits#DEFAULTS}. */
    public Http1ServerCodec() {
        this(Http1Limits.DEFAULTS);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        super.handlerAdded(ctx);
        states = Http1DecodeStates.current();
        if (ctx.channel().isActive()) {
            armFirstByteTimer();
        }
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx) {
        timer.cancel();
        if (watch != null) {
            watch.closed(ctx.channel());
        }
        super.handlerRemoved(ctx);
        releaseHeldHead();
        giveState();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        armFirstByteTimer();
        super.channelActive(ctx);
    }

    // ------------------------------------------------------------------------------------------- inbound

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!sawInput && msg instanceof ByteBuf && ((ByteBuf) msg).isReadable()) {
            sawInput = true;
            if (timer.kind() == Http1ConnectionTimer.FIRST_BYTE) {
                timer.disarm();   // the head timer starts if this head is incomplete
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        endOfInput();
        timer.cancel();
        if (watch != null) {
            watch.closed(ctx.channel());
        }
        input.release();
        releaseHeldHead();
        giveState();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt == ChannelInputShutdownEvent.INSTANCE) {
            endOfInput();
        }
        super.userEventTriggered(ctx, evt);
    }

    private void endOfInput() {
        if (inputClosed) {
            return;
        }
        inputClosed = true;
        if (phase == P_HEAD && (scanner != null && scanner.started() || input.pending() > 0)) {
            error(400, "incomplete_request");
        } else if (phase == P_BODY) {
            error(400, "truncated_body");
        }
    }

    @Override
    boolean beforeHead(final ByteBuf in) {
        if (state == null) {
            takeState();
        } else if (scanner.started()) {
            return true;
        }
        if (!ctx.channel().isWritable()) {
            waitWritable();   // responses the client has not read are above the buffer limit
            return false;
        }
        final int skipped = scanner.skipLeadingEmptyLines(in);
        if (skipped == Http1HeadStates.ERROR) {
            error(scanner.errorStatus(), scanner.errorReason());
            return false;
        }
        if (skipped == Http1HeadStates.NEED_MORE) {
            armHeadTimer();
            return false;
        }
        return true;
    }

    @Override
    void headIncomplete() {
        armHeadTimer();   // a head that came whole never reads the clock
    }

    @Override
    void onDecodeError(final int status, final String reason) {
        error(status, reason);
    }

    @Override
    void onBodyEnd() {
        requestEnd();
    }

    @Override
    void afterDecode() {
        if (phase == P_WAIT && input.pending() > limits.maxHeaderBytes()) {
            ReadGate.of(ctx.channel()).close(ReadGate.CODEC_BACKLOG);
        } else if (phase == P_HEAD && state != null && !scanner.started() && input.pending() == 0) {
            giveState();   // e.g. the rest of a body read and dropped after an early response: idle now
        }
    }

    /** Takes per-request state from the loop's pool (a request's first byte is here). */
    private void takeState() {
        final Http1DecodeState s = states.take(limits);
        state = s;
        scanner = s.scanner;
        semantics = s.semantics;
        body = s.body;
    }

    /** Gives the per-request state back to the loop's pool, if held (the connection is idle or gone). */
    private void giveState() {
        final Http1DecodeState s = state;
        if (s != null) {
            state = null;
            scanner = null;
            semantics = null;
            body = null;
            states.give(s);
        }
    }

    @Override
    void onHead(final ByteBuf raw) {
        timer.disarm();
        final Http1HeadScanner sc = scanner;
        final Http1HeaderSemantics sem = semantics;
        final int version = sc.version();
        final AsciiString method = HttpMethods.of(raw, 0, sc.methodEnd());
        if (method == HttpMethods.CONNECT) {
            final HttpDecodeError e = headError(501, "connect_not_supported", raw, method, version);
            raw.release();
            error(e);
            return;
        }
        // One head object per connection: requests are handed over one at a time, and the next is decoded
        // only after the previous exchange's response was written, by when the proxy has let go of it.
        final HttpRequestHead head = state.head;
        head.reset(raw, method, version);
        final HttpHeaderBlock h = head.headers();
        final String bad = sem.addHeaders(sc, h, raw) ? sem.validateRequest(sc, head, raw) : sem.errorReason();
        if (bad != null) {
            final HttpDecodeError e = headError("expectation_failed".equals(bad) ? 417 : 400, bad, raw, method,
                version);
            head.release();
            error(e);
            return;
        }
        final long cl = sem.contentLength();
        final long bodyLength = sem.chunked() ? -1 : cl >= 0 ? cl : 0;
        final long maxBody = limits.maxBodyBytes();
        if (maxBody >= 0 && bodyLength > maxBody) {
            final HttpDecodeError e = headError(413, "body_too_large", raw, method, version);
            head.release();
            error(e);
            return;
        }
        head.bodyLength(bodyLength);
        head.expectContinue(version == HttpRequestHead.VERSION_1_1 && sem.expectContinue());
        reqHead = method == HttpMethods.HEAD;
        reqVersion = version;
        reqKeepAlive = !sem.connectionClose() && (version == HttpRequestHead.VERSION_1_1 || sem.connectionKeepAlive());
        reqComplete = false;
        respActive = false;
        fire(head);
        if (bodyLength == 0) {
            requestEnd();
        } else {
            phase = P_BODY;
            body.start(bodyLength);
        }
    }

    private void requestEnd() {
        reqComplete = true;
        phase = P_WAIT;
        resetMessage();
        fire(HttpEnd.INSTANCE);
        if (drainingRequest) {
            // Its response is already written: the exchange is over, decode the next request (decode() goes on).
            drainingRequest = false;
            phase = P_HEAD;
            reqHead = false;
        }
    }

    private void error(final int status, final String reason) {
        error(new HttpDecodeError(status, reason));
    }

    private void error(final HttpDecodeError e) {
        phase = P_DONE;
        timer.disarm();
        input.release();
        fire(e);
    }

    /**
     * An error in a head whose request line was read, telling its method, target (copied, at most
     * {@link #ERROR_TARGET_MAX} bytes: an error path, rare) and version, for the access log.
     */
    private HttpDecodeError headError(final int status, final String reason, final ByteBuf raw,
                                      final AsciiString method, final int version) {
        final int ts = scanner.targetStart();
        final int n = Math.min(ERROR_TARGET_MAX, scanner.targetEnd() - ts);
        AsciiString target = null;
        if (n > 0) {
            final byte[] bytes = new byte[n];
            raw.getBytes(ts, bytes);
            target = new AsciiString(bytes, false);
        }
        return new HttpDecodeError(status, reason, method, target, version);
    }

    /**
     * Continues decoding buffered pipelined bytes once a response completed: the codec's own task (the codec is the
     * task, not a lambda kept per connection), queued on its loop; does nothing unless a head is awaited.
     */
    @Override
    public void run() {
        if (phase != P_HEAD || ctx == null) {
            return;
        }
        ReadGate.open(ctx.channel(), ReadGate.CODEC_BACKLOG);
        firedSinceRead = false;
        decode();
        if (firedSinceRead) {
            firedSinceRead = false;
            ctx.fireChannelReadComplete();
        }
    }

    // ----------------------------------------------------------------------------- backpressure

    /** Stops decoding and reading until the channel is writable again. */
    private void waitWritable() {
        waitWritable = true;
        ReadGate.of(ctx.channel()).close(ReadGate.CODEC_BACKLOG);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        if (watch != null) {
            watch.writabilityChanged(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
        if (waitWritable && ctx.channel().isWritable()) {
            // as a task: this event can come from inside the transport's flush, where a new exchange's flush would
            // be ignored
            waitWritable = false;
            ctx.executor().execute(this);
        }
    }

    // ---------------------------------------------------------------------------------------- timers

    /** Starts the first-byte timer of a new connection (once; not when input was already seen). */
    private void armFirstByteTimer() {
        if (!sawInput && ctx != null) {
            timer.armFirstByte(ctx.executor());
        }
    }

    /** Starts the header timer of the head being read, unless it runs already: it is not reset per byte. */
    private void armHeadTimer() {
        if (phase == P_HEAD) {
            timer.armHead(ctx.executor());
        }
    }

    /**
     * Runs {@code callback} on the loop once {@code delayNanos} have passed (or earlier: it checks its own deadline
     * and arms again), on the connection's one timer, shared with the head timers: the handler after the codec keeps
     * its idle timeout here instead of a timer task of its own. Call on the loop, once the codec is in the pipeline.
     */
    public void armConnectionDeadline(final long delayNanos, final Runnable callback) {
        timer.armOther(ctx.executor(), delayNanos, callback);
    }

    /** The head timer of {@code kind} expired ({@link Http1ConnectionTimer#FIRST_BYTE} or {@code HEAD}). */
    void onHeadTimeout(final int kind) {
        if (phase != P_HEAD) {
            return;
        }
        if (kind == Http1ConnectionTimer.FIRST_BYTE) {
            // Nothing was asked: no response (a 408 to a preconnected socket only confuses clients), just close.
            if (onFirstByteTimeout != null) {
                onFirstByteTimeout.run();
            }
            ctx.close();
            return;
        }
        error(408, "request_header_timeout");
        ctx.fireChannelReadComplete();
    }

    // ------------------------------------------------------------------------------------------ outbound

    /** Bodies up to this size are copied behind a held head (1 KiB responses: one buffer, one send). */
    static final int COALESCE_MAX = 4096;

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            writeBody(ctx, (ByteBuf) msg, promise);
        } else if (msg instanceof HttpResponseHead) {
            passHeldHead(ctx);
            writeHead(ctx, (HttpResponseHead) msg, promise);
        } else if (msg == HttpEnd.INSTANCE) {
            writeEnd(ctx, promise);
        } else if (msg instanceof HttpTrailers) {
            writeTrailers(ctx, (HttpTrailers) msg, promise);
        } else {
            passHeldHead(ctx);
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(final ChannelHandlerContext ctx) {
        passHeldHead(ctx);
        ctx.flush();
    }

    /** Passes the held head on, if any (before anything else is written or flushed). */
    private void passHeldHead(final ChannelHandlerContext ctx) {
        final ByteBuf h = heldHead;
        if (h != null) {
            heldHead = null;
            ctx.write(h, ctx.voidPromise());
        }
    }

    private void releaseHeldHead() {
        final ByteBuf h = heldHead;
        if (h != null) {
            heldHead = null;
            h.release();
        }
    }

    private void writeHead(final ChannelHandlerContext ctx, final HttpResponseHead head, final ChannelPromise promise) {
        final int status = head.status();
        final HttpHeaderBlock h = head.headers();
        if (head.isInformational()) {
            if (reqVersion == HttpRequestHead.VERSION_1_0 || status == 101) {
                promise.trySuccess(); // no 1xx for HTTP/1.0 clients (RFC 9110 15.2); no upgrades
                return;
            }
            final ByteBuf out = ctx.alloc().buffer(Http1Wire.estimate(head.raw(), h));
            Http1Wire.writeStatusLine(out, status, head.reason());
            Http1Wire.writeHeaders(out, h, Http1Wire.SKIP_CONNECTION_FIELDS | 1 << Http1Wire.K_CONTENT_LENGTH);
            out.writeShort(Http1Wire.CRLF_SHORT);
            ctx.write(out, promise);
            return;
        }
        final boolean noBodyStatus = status == 204 || status == 304;
        final long bodyLength = head.bodyLength();
        respNoBody = reqHead || noBodyStatus;
        respChunked = false;
        lastChunkWritten = false;
        boolean close = !reqKeepAlive || head.close() || phase == P_DONE || inputClosed;
        int skip = Http1Wire.SKIP_CONNECTION_FIELDS;
        boolean addLength = false;
        if (status == 204) {
            skip |= 1 << Http1Wire.K_CONTENT_LENGTH;
        } else if (!respNoBody) {
            if (bodyLength >= 0) {
                addLength = true;
            } else {
                skip |= 1 << Http1Wire.K_CONTENT_LENGTH;
                if (reqVersion == HttpRequestHead.VERSION_1_1) {
                    respChunked = true;
                } else {
                    close = true; // close-delimited
                }
            }
        }
        respClose = close;
        respActive = true;
        final ByteBuf out = ctx.alloc().buffer(Http1Wire.estimate(head.raw(), h));
        Http1Wire.writeStatusLine(out, status, head.reason());
        final boolean hadLength = Http1Wire.writeHeaders(out, h, skip);
        if (addLength && !hadLength) {
            Http1Wire.writeContentLength(out, bodyLength);
        }
        if (respChunked) {
            out.writeBytes(Http1Wire.CHUNKED_LINE);
        }
        if (close) {
            out.writeBytes(Http1Wire.CONNECTION_CLOSE_LINE);
        } else if (reqVersion == HttpRequestHead.VERSION_1_0) {
            out.writeBytes(Http1Wire.CONNECTION_KEEP_ALIVE_LINE);
        }
        out.writeShort(Http1Wire.CRLF_SHORT);
        if (promise.isVoid() && !respChunked && !respNoBody) {
            heldHead = out;   // a small body may join it (writeBody); passed on at the latest by the end or a flush
            return;
        }
        ctx.write(out, promise);
    }

    private void writeBody(final ChannelHandlerContext ctx, final ByteBuf buf, final ChannelPromise promise) {
        if (!respActive || respNoBody) {
            buf.release();
            promise.trySuccess();
            return;
        }
        if (!respChunked) {
            final ByteBuf h = heldHead;
            if (h != null) {
                final int n = buf.readableBytes();
                if (promise.isVoid() && n <= COALESCE_MAX && h.maxWritableBytes() >= n) {
                    h.writeBytes(buf);   // grows the pooled head buffer if needed: cheaper than a second entry
                    buf.release();
                    return;
                }
                passHeldHead(ctx);
            }
            ctx.write(buf, promise);
            return;
        }
        final int n = buf.readableBytes();
        if (n == 0) {
            buf.release();
            promise.trySuccess();
            return;
        }
        final ByteBuf size = ctx.alloc().buffer(10);
        Http1Wire.writeChunkSize(size, n);
        ctx.write(size, ctx.voidPromise());
        ctx.write(buf, ctx.voidPromise());
        ctx.write(Http1Wire.CRLF_BUF.duplicate(), promise);
    }

    /**
     * Trailer fields go out as the last chunk's trailer section when the response is chunked; a response framed by
     * content-length (or close, or with no body) has nowhere to put them, and they are dropped
     * ({@link #droppedTrailers()}).
     */
    private void writeTrailers(final ChannelHandlerContext ctx, final HttpTrailers trailers,
                               final ChannelPromise promise) {
        if (!respActive || !respChunked || respNoBody || lastChunkWritten) {
            droppedTrailers++;
            promise.trySuccess();
            return;
        }
        lastChunkWritten = true;
        ctx.write(Http1Wire.trailerSection(ctx.alloc(), trailers.headers()), promise);
    }

    /** The limits this codec enforces. */
    Http1Limits limits() {
        return limits;
    }

    /** True while the codec holds per-request state from its loop's pool (tests). */
    boolean holdsState() {
        return state != null;
    }

    /** True while the connection's timer task is scheduled (at most one per connection). */
    public boolean timerScheduled() {
        return timer.scheduled();
    }

    /** Trailer sections this codec could not carry (the response was not chunked), since it was created. */
    public long droppedTrailers() {
        return droppedTrailers;
    }

    private void writeEnd(final ChannelHandlerContext ctx, final ChannelPromise promise) {
        passHeldHead(ctx);
        if (!respActive) {
            ctx.write(Unpooled.EMPTY_BUFFER, promise);
            return;
        }
        final ByteBuf last = respChunked && !lastChunkWritten ? Http1Wire.LAST_CHUNK_BUF.duplicate()
            : Unpooled.EMPTY_BUFFER;
        final long rest = !reqComplete && phase == P_BODY ? body.fixedRemaining() : -1;
        if (!respClose && !reqComplete && phase == P_BODY && rest >= 0 && rest <= DRAIN_MAX && !inputClosed) {
            respActive = false;
            drainingRequest = true;
            if (respChunked || !promise.isVoid()) {
                ctx.write(last, promise);
            }
            return;
        }
        final boolean close = respClose || !reqComplete;
        respActive = false;
        if (close) {
            phase = P_DONE;
            input.release();
            final ChannelPromise p = promise.isVoid() ? ctx.newPromise() : promise;
            ctx.write(last, p);
            p.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (respChunked || !promise.isVoid()) {
            ctx.write(last, promise);   // an empty buffer would only cost an outbound entry: written when awaited
        }
        // the exchange is complete: decode the next request, unless the client has not read what is queued for it
        phase = P_HEAD;
        reqHead = false;
        if (input.pending() == 0) {
            // Idle until the next request's first byte. The exchange still reads and releases this request's head
            // on this stack, before anything can take the state again (only a read does).
            giveState();
        }
        if (!ctx.channel().isWritable()) {
            waitWritable();
        } else if (input.pending() > 0) {
            ctx.executor().execute(this);
        } else {
            ReadGate.open(ctx.channel(), ReadGate.CODEC_BACKLOG);
        }
    }

    @Override
    public String toString() {
        return "Http1ServerCodec(" + limits + ")";
    }
}
