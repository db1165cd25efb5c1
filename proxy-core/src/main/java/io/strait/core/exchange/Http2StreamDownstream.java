package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.codec.http2.Http2ResponseHeaders;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.tls.PeerIdentity;

/**
 * One HTTP/2 stream as the {@link Downstream} of its {@link Exchange}: the exchange's response events become frames
 * on this stream only (head to HEADERS, body to DATA, trailers to HEADERS with END_STREAM, the end to END_STREAM),
 * its read pauses hold back this stream's flow-control window only, and its reset is an RST_STREAM, so one slow or
 * failing stream never stalls the connection's others.
 *
 * <p>Slots are pooled by their connection and reused stream after stream (the exchange, its forwarding headers and
 * the request head come with the slot): a slot goes back to the pool once both the exchange is over and Netty has
 * closed the stream, whichever comes last. Runs (as a {@link Runnable}) when a stream closed under an exchange that
 * had not ended: the exchange is told on a fresh stack, never from inside the frame write that closed the stream.
 *
 * <p>Confined to the connection's event loop.
 */
final class Http2StreamDownstream implements Downstream, Runnable {

    private final DownstreamHttp2Handler connection;
    /** The runtime the exchange was built for: a slot of an older snapshot is dropped, not pooled, after a reload. */
    final ListenerRuntime runtime;
    final ForwardingHeaders forwarding;
    final Exchange exchange;
    final HttpRequestHead head = new HttpRequestHead();
    /** This slot's response HEADERS, reused stream after stream. */
    private final Http2ResponseHeaders responseHeaders = new Http2ResponseHeaders();

    private Http2Stream stream;
    private int streamId;
    /** ReadGate reasons holding back this stream's window. */
    private int pausedBy;
    /** Request bytes (DATA with padding) taken while paused, handed back to the window on resume. */
    private int unconsumed;
    /** The request's end was passed to the exchange. */
    boolean requestEnded;
    /** END_STREAM went out (with HEADERS, DATA or trailers). */
    private boolean responseEnded;
    /** The exchange is over (exchangeDone, or told that the stream went away). */
    private boolean done;
    /** Netty closed the stream. */
    private boolean closed;
    /**
     * The stream's close is queued to reach the exchange (this slot as a task): that task gives the slot back, not
     * an exchange that ends before it runs; else the slot would be pooled twice and two streams would share it.
     */
    private boolean closeQueued;
    /** Bytes of a Content-Length response body still to come (0: unknown or done). */
    private long bodyLeft;
    /** On the connection's list of streams read in the current batch. */
    boolean touched;

    Http2StreamDownstream(final DownstreamHttp2Handler connection, final ListenerRuntime runtime,
                          final io.strait.core.snapshot.LoopState loop) {
        this.connection = connection;
        this.runtime = runtime;
        this.forwarding = new ForwardingHeaders(runtime);
        this.exchange = new Exchange(runtime, loop, this, runtime.stats().loop(loop.index()), forwarding);
    }

    /** Starts serving {@code s}. */
    void begin(final Http2Stream s) {
        stream = s;
        streamId = s.id();
        pausedBy = 0;
        unconsumed = 0;
        requestEnded = false;
        responseEnded = false;
        done = false;
        closed = false;
        closeQueued = false;
        bodyLeft = 0;   // touched stays: the slot may still be on the connection's list for this read batch
    }

    Http2Stream stream() {
        return stream;
    }

    /**
     * Request DATA of {@code bytes} (padding included) arrived: how many the window gets back now (all of them, or
     * none while paused: they are handed back on resume).
     */
    int taken(final int bytes) {
        if (pausedBy == 0) {
            return bytes;
        }
        unconsumed += bytes;
        return 0;
    }

    /** Netty closed the stream (both ends done, or a reset either way). */
    void onClosed() {
        closed = true;
        if (done) {
            connection.recycle(this);
        } else if (!(requestEnded && responseEnded)) {
            // Reset or cut short: the exchange must end; told on the loop's next turn (see the class comment).
            closeQueued = true;
            connection.executor().execute(this);
        }
        // else: the exchange is finishing on this very stack and calls exchangeDone next
    }

    @Override
    public void run() {
        closeQueued = false;
        if (!done) {
            done = true;
            exchange.onDownstreamClosed();
        }
        connection.recycle(this);
    }

    // ------------------------------------------------------------------ Downstream

    @Override
    public void write(final Object msg) {
        if (closed || responseEnded) {
            ReferenceCountUtil.release(msg);   // reset, or a late event after the end: nothing may follow
            return;
        }
        if (msg instanceof ByteBuf) {
            final ByteBuf b = (ByteBuf) msg;
            // The chunk that completes an HTTP/1.x Content-Length body ends the stream: no empty DATA frame after it
            // (such a body cannot be followed by trailers; the HttpEnd that comes next is dropped).
            final boolean end = bodyLeft > 0 && (bodyLeft -= b.readableBytes()) <= 0;
            connection.writeData(streamId, b, end);
            responseEnded = end;
        } else if (msg instanceof HttpResponseHead) {
            final HttpResponseHead h = (HttpResponseHead) msg;
            // A head that says no body ends the stream itself: no empty DATA frame follows (the HttpEnd is dropped).
            final boolean end = !h.isInformational() && h.bodyLength() == 0;
            connection.writeHead(streamId, responseHeaders.head(h), h.isInformational(), end);
            responseEnded = end;
            bodyLeft = !h.isInformational() && h.version() != HttpResponseHead.VERSION_2 ? h.bodyLength() : 0;
        } else if (msg instanceof HttpTrailers) {
            connection.writeTrailers(streamId, responseHeaders.trailers((HttpTrailers) msg));
            responseEnded = true;
        } else if (msg == HttpEnd.INSTANCE) {
            connection.writeData(streamId, Unpooled.EMPTY_BUFFER, true);
            responseEnded = true;
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void flush() {
        connection.flushIfDirty();
    }

    @Override
    public boolean isWritable() {
        return closed || connection.isWritable(stream);
    }

    @Override
    public void pauseReading(final int reason) {
        pausedBy |= reason;
    }

    @Override
    public void resumeReading(final int reason) {
        if ((pausedBy & reason) == 0) {
            return;
        }
        pausedBy &= ~reason;
        if (pausedBy == 0 && unconsumed > 0) {
            final int n = unconsumed;
            unconsumed = 0;
            if (!closed) {
                connection.consume(stream, n);
            }
        }
    }

    @Override
    public boolean inReadBatch() {
        return connection.inReadBatch();
    }

    @Override
    public void reset() {
        if (!closed) {
            connection.resetStream(streamId);
        }
    }

    @Override
    public boolean closing() {
        return connection.closing();
    }

    @Override
    public ByteBufAllocator alloc() {
        return connection.alloc();
    }

    @Override
    public PeerIdentity peerIdentity() {
        return connection.peerIdentity();
    }

    @Override
    public void exchangeDone(final long nowNanos) {
        done = true;
        if (closed && !closeQueued) {
            connection.recycle(this);
        }
    }
}
