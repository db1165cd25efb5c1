package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpTrailers;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;

/**
 * The upstream (backend-facing) HTTP/1.1 codec: {@link HttpRequestHead}, body {@link ByteBuf}s and {@link HttpEnd}
 * in (outbound), request bytes out; response bytes in, {@link HttpResponseHead}, body {@link ByteBuf}s and
 * {@link HttpEnd} out. Confined to its channel's event loop; one instance per upstream connection.
 *
 * <p>Outbound, a request head is written as {@code METHOD SP path SP HTTP/1.1}, its live headers (original
 * bytes) and its framing, into one buffer; the head is not released (the caller owns it). The codec only
 * writes, never flushes. An {@link HttpTrailers} before the end becomes the last chunk's trailer section of a
 * chunked request, and is dropped (counted in {@link #droppedTrailers()}) from one with a content-length; a chunked
 * response's trailer section is fired as one before its end.
 *
 * <p>Inbound, responses are validated as strictly as requests on the downstream side; a malformed response
 * fires {@link HttpDecodeError} with status 502 and nothing more is decoded. Body length follows RFC 9112 6.3
 * (HEAD, 1xx, 204, 304: none; chunked; Content-Length; else until close). 1xx heads are fired alone; 101 is an
 * error. When the connection cannot be reused (Connection: close, HTTP/1.0 without keep-alive,
 * close-delimited body) the codec closes it <em>before</em> firing the final {@link HttpEnd}, so the pool sees
 * an inactive channel. An end of input in the middle of a response fires {@code 502 upstream_reset}.
 */
public final class Http1ClientCodec extends Http1Codec {

    /** Default limit of a response head. */
    public static final int DEFAULT_MAX_RESPONSE_HEAD_BYTES = 65536;

    private final HttpResponseHead responseHead = new HttpResponseHead();
    private static final int MAX_RESPONSE_HEADERS = 256;

    private boolean persistent;

    // outstanding requests (true = HEAD), a ring
    private boolean[] ring = new boolean[4];
    private int ringHead;
    private int ringSize;

    // the request being written
    private boolean reqActive;
    private boolean reqChunked;
    /** The last chunk went out already, with the request's trailer section. */
    private boolean lastChunkWritten;
    private long droppedTrailers;

    /** A codec with the default response head limit (64 KiB). */
    public Http1ClientCodec() {
        this(DEFAULT_MAX_RESPONSE_HEAD_BYTES);
    }

    /** A codec accepting response heads of up to {@code maxResponseHeadBytes}. */
    public Http1ClientCodec(final int maxResponseHeadBytes) {
        super(false, checkPositive(maxResponseHeadBytes), maxResponseHeadBytes, MAX_RESPONSE_HEADERS, -1);
    }

    private static int checkPositive(final int maxResponseHeadBytes) {
        if (maxResponseHeadBytes <= 0) {
            throw new IllegalArgumentException("maxResponseHeadBytes: " + maxResponseHeadBytes);
        }
        return maxResponseHeadBytes;
    }

    /** Requests written whose response has not fully arrived. */
    int outstanding() {
        return ringSize;
    }

    // ------------------------------------------------------------------------------------------ outbound

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise) {
        if (msg instanceof ByteBuf) {
            writeBody(ctx, (ByteBuf) msg, promise);
        } else if (msg instanceof HttpRequestHead) {
            writeHead(ctx, (HttpRequestHead) msg, promise);
        } else if (msg == HttpEnd.INSTANCE) {
            final boolean chunked = reqActive && reqChunked && !lastChunkWritten;
            reqActive = false;
            if (chunked) {
                ctx.write(Http1Wire.LAST_CHUNK_BUF.duplicate(), promise);
            } else if (!promise.isVoid()) {
                ctx.write(Unpooled.EMPTY_BUFFER, promise);   // only when awaited: an empty entry costs a write
            }
        } else if (msg instanceof HttpTrailers) {
            writeTrailers(ctx, (HttpTrailers) msg, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /**
     * Trailer fields go out as the last chunk's trailer section when the request is chunked; a request framed by
     * content-length has nowhere to put them, and they are dropped ({@link #droppedTrailers()}).
     */
    private void writeTrailers(final ChannelHandlerContext ctx, final HttpTrailers trailers,
                               final ChannelPromise promise) {
        if (!reqActive || !reqChunked || lastChunkWritten) {
            droppedTrailers++;
            promise.trySuccess();
            return;
        }
        lastChunkWritten = true;
        ctx.write(Http1Wire.trailerSection(ctx.alloc(), trailers.headers()), promise);
    }

    /** Trailer sections this codec could not carry (the request was not chunked), since it was created. */
    public long droppedTrailers() {
        return droppedTrailers;
    }

    private void writeHead(final ChannelHandlerContext ctx, final HttpRequestHead head, final ChannelPromise promise) {
        final HttpHeaderBlock h = head.headers();
        final long bodyLength = head.bodyLength();
        final ByteBuf out = ctx.alloc().buffer(Http1Wire.estimate(head.raw(), h));
        final AsciiString method = head.method();
        out.writeBytes(method.array(), method.arrayOffset(), method.length()).writeByte(' ');
        if (head.pathLength() > 0) {
            head.writePath(out);
        } else {
            out.writeByte('/');
        }
        out.writeBytes(Http1Wire.SP_HTTP_1_1_CRLF);
        reqChunked = bodyLength < 0;
        lastChunkWritten = false;
        int skip = Http1Wire.SKIP_CONNECTION_FIELDS;
        if (reqChunked) {
            skip |= 1 << Http1Wire.K_CONTENT_LENGTH;
        }
        final boolean hadLength = Http1Wire.writeHeaders(out, h, skip);
        if (reqChunked) {
            out.writeBytes(Http1Wire.CHUNKED_LINE);
        } else if (bodyLength > 0 && !hadLength) {
            Http1Wire.writeContentLength(out, bodyLength);
        }
        out.writeShort(Http1Wire.CRLF_SHORT);
        reqActive = true;
        push(method == HttpMethods.HEAD || method.contentEquals(HttpMethods.HEAD));
        ctx.write(out, promise);
    }

    private void writeBody(final ChannelHandlerContext ctx, final ByteBuf buf, final ChannelPromise promise) {
        if (!reqActive || !reqChunked) {
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

    private void push(final boolean head) {
        if (ringSize == ring.length) {
            final boolean[] next = new boolean[ring.length << 1];
            for (int i = 0; i < ringSize; i++) {
                next[i] = ring[(ringHead + i) & (ring.length - 1)];
            }
            ring = next;
            ringHead = 0;
        }
        ring[(ringHead + ringSize) & (ring.length - 1)] = head;
        ringSize++;
    }

    private void pop() {
        if (ringSize > 0) {
            ringHead = (ringHead + 1) & (ring.length - 1);
            ringSize--;
        }
    }

    // ------------------------------------------------------------------------------------------- inbound

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        if (phase == P_BODY) {
            if (body.closeDelimited()) {
                phase = P_DONE;
                pop();
                ctx.fireChannelRead(HttpEnd.INSTANCE);
            } else {
                error("upstream_reset");
            }
        } else if (phase == P_HEAD && (scanner.started() || input.pending() > 0)) {
            error("upstream_reset");
        }
        phase = P_DONE;
        input.release();
        super.channelInactive(ctx);
    }

    @Override
    boolean beforeHead(final ByteBuf in) {
        if (ringSize == 0) {
            error("unsolicited_response");
            return false;
        }
        return true;
    }

    @Override
    void onDecodeError(final int status, final String reason) {
        error(reason);   // a broken response is the upstream's fault: 502 downstream, whatever the reason
    }

    @Override
    void onBodyEnd() {
        responseEnd();
    }

    @Override
    void onHead(final ByteBuf raw) {
        final Http1HeadScanner p = scanner;
        final Http1HeaderSemantics sem = semantics;
        final int status = p.status();
        final int version = p.version();
        // One head object per connection: the proxy writes each response head on and releases it before
        // the next response on this connection can be decoded.
        final HttpResponseHead head = responseHead;
        head.reset(raw, status, version);
        if (!Http1Wire.isStandardReason(status, raw, p.reasonStart(), p.reasonEnd())) {
            final byte[] reason = new byte[p.reasonEnd() - p.reasonStart()];
            raw.getBytes(p.reasonStart(), reason);
            head.reason(new AsciiString(reason, false));
        }
        String bad = sem.addHeaders(p, head.headers(), raw) ? null : sem.errorReason();
        if (bad == null && status == 101) {
            bad = "unexpected_upgrade";
        }
        if (bad == null && sem.chunked()) {
            if (sem.contentLength() >= 0) {
                bad = "cl_and_te";
            } else if (sem.badTransferEncoding() || version == HttpRequestHead.VERSION_1_0) {
                bad = "bad_transfer_encoding";
            }
        }
        if (bad != null) {
            head.release();
            error(bad);
            return;
        }
        resetMessage();
        if (head.isInformational()) {
            fire(head);
            return;
        }
        final boolean headRequest = ring[ringHead];
        final long bodyLength;
        final long framing;
        if (headRequest || status == 204 || status == 304) {
            bodyLength = 0;
            framing = 0;
        } else if (sem.chunked()) {
            bodyLength = -1;
            framing = -1;
        } else if (sem.contentLength() >= 0) {
            bodyLength = sem.contentLength();
            framing = bodyLength;
        } else {
            bodyLength = -1;
            framing = Http1BodyDecoder.CLOSE_DELIMITED;
        }
        head.bodyLength(bodyLength);
        persistent = !sem.connectionClose() && framing != Http1BodyDecoder.CLOSE_DELIMITED
            && (version == HttpRequestHead.VERSION_1_1 || sem.connectionKeepAlive());
        fire(head);
        if (framing == 0) {
            responseEnd();
        } else {
            phase = P_BODY;
            body.start(framing);
        }
    }

    private void responseEnd() {
        pop();
        resetMessage();
        if (persistent) {
            phase = P_HEAD;
        } else {
            phase = P_DONE;
            input.release();
            ctx.close();
        }
        fire(HttpEnd.INSTANCE);
    }

    private void error(final String reason) {
        phase = P_DONE;
        input.release();
        fire(new HttpDecodeError(502, reason));
    }

    @Override
    public String toString() {
        return "Http1ClientCodec(outstanding=" + ringSize + ")";
    }
}
