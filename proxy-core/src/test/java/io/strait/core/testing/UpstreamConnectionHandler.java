package io.strait.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Confined to its event loop. Serves one connection of a {@link TestUpstream}: turns each decoded request into a
 * {@link RecordedRequest} and writes the scripted response as raw bytes. Requests that arrive while a response is
 * still being written (pipelined) wait in a queue and are answered in order.
 */
final class UpstreamConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final int SLOW_READ_STEP = 64 * 1024;
    private static final long SLOW_READ_PAUSE_MILLIS = 20;
    private static final String EARLY_HINTS =
        "HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload; as=style\r\n\r\n";

    private final TestUpstream upstream;
    private final int connectionId;
    private final ArrayDeque<String> rawHeads = new ArrayDeque<>();
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** The request whose head was read and whose body is still arriving. */
    private Exchange current;
    /** A response is being produced (or never will be: /stall); later requests wait. */
    private boolean responding;
    private boolean closing;
    /** The peer half-closed: answer what was read, then close. */
    private boolean inputShutdown;
    /** Answering /stall: nothing more will be written. */
    private boolean stalled;

    private Exchange stream;
    private long streamRemaining;
    private long streamOffset;
    private boolean streamChunked;
    private boolean streamClose;
    private boolean pumping;

    UpstreamConnectionHandler(final TestUpstream upstream, final int connectionId) {
        this.upstream = upstream;
        this.connectionId = connectionId;
    }

    ArrayDeque<String> rawHeads() {
        return rawHeads;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext context) {
        this.ctx = context;
    }

    @Override
    public void channelRead(final ChannelHandlerContext context, final Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (responding || !queued.isEmpty()) {
            queued.add(msg);
        } else {
            handle(msg);
        }
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext context, final Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            closeIfNothingMoreToAnswer();
        }
        context.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext context) {
        if (context.channel().isWritable()) {
            pump();
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext context) {
        closing = true;
        final Exchange ex = current;
        current = null;
        if (ex != null) {
            upstream.record(ex.toRecorded(false));
        }
        stream = null;
        Object msg;
        while ((msg = queued.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        context.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext context, final Throwable cause) {
        closing = true;
        context.close();
    }

    private void handle(final Object msg) {
        try {
            if (msg instanceof HttpRequest) {
                onHead((HttpRequest) msg);
            }
            if (!closing && msg instanceof HttpContent) {
                onContent((HttpContent) msg);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(final HttpRequest req) {
        final String rawHead = rawHeads.poll();
        if (req.decoderResult().isFailure()) {
            badRequest();
            return;
        }
        upstream.nextRequestHead();
        final List<HeaderField> headers = new ArrayList<>(req.headers().size());
        for (final Map.Entry<String, String> e : req.headers()) {
            headers.add(new HeaderField(e.getKey(), e.getValue()));
        }
        final Exchange ex = new Exchange(req.method().name(), req.uri(), req.protocolVersion().text(), headers,
            rawHead == null ? "" : rawHead, HttpUtil.isTransferEncodingChunked(req), HttpUtil.isKeepAlive(req),
            HttpUtil.getContentLength(req, 0L), connectionId);
        current = ex;
        if (HttpUtil.is100ContinueExpected(req)) {
            ctx.writeAndFlush(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
        }
        if ("/close-before-response".equals(ex.path)) {
            current = null;
            upstream.record(ex.toRecorded(!ex.chunked && ex.declaredLength == 0));
            closeNow();
        }
    }

    private void onContent(final HttpContent content) {
        if (content.decoderResult().isFailure()) {
            badRequest();
            return;
        }
        final Exchange ex = current;
        if (ex == null) {
            return;
        }
        final ByteBuf data = content.content();
        final int n = data.readableBytes();
        ex.append(data);
        if ("/slow-reader".equals(ex.path)) {
            ex.sinceLastPause += n;
            if (ex.sinceLastPause >= SLOW_READ_STEP) {
                ex.sinceLastPause = 0;
                pauseReading();
            }
        }
        if (content instanceof LastHttpContent) {
            current = null;
            upstream.record(ex.toRecorded(true));
            responding = true;
            dispatch(ex);
        }
    }

    private void pauseReading() {
        final Channel ch = ctx.channel();
        ch.config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            if (ch.isActive()) {
                ch.config().setAutoRead(true);
            }
        }, SLOW_READ_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void dispatch(final Exchange ex) {
        final String p = ex.path;
        if (p.equals("/echo")) {
            final List<HeaderField> echo =
                List.of(new HeaderField("x-echo-method", ex.method), new HeaderField("x-echo-uri", ex.uri));
            respond(ex, 200, echo, ex.body.toByteArray(), ex.chunked);
        } else if (p.startsWith("/status/")) {
            final int code = parseInt(p.substring("/status/".length()), -1);
            if (code < 100 || code > 999) {
                respond(ex, 400, List.of(), latin1("bad status\n"), false);
            } else {
                respond(ex, code, List.of(new HeaderField("content-type", "text/plain")),
                    latin1("status " + code + "\n"), false);
            }
        } else if (p.startsWith("/grpc-status/")) {
            // a gRPC response whose status comes in the trailers: one empty message, then grpc-status
            respond(ex, 200, List.of(new HeaderField("content-type", "application/grpc")), new byte[5], true,
                List.of(new HeaderField("grpc-status", p.substring("/grpc-status/".length()))));
        } else if (p.startsWith("/bytes/")) {
            final long n = parseLong(p.substring("/bytes/".length()));
            if (n < 0) {
                respond(ex, 400, List.of(), latin1("bad length\n"), false);
            } else {
                startBytes(ex, n, "1".equals(ex.param("chunked")));
            }
        } else if (p.startsWith("/delay/")) {
            final long ms = parseLong(p.substring("/delay/".length()));
            respondDefaultAfter(ex, Math.max(0, ms));
        } else if (p.equals("/stall")) {
            stalled = true; // responding stays true: this connection never answers again
            closeIfNothingMoreToAnswer();
        } else if (p.equals("/close-mid-body")) {
            final String head = "HTTP/1.1 200 OK\r\nx-upstream: " + upstream.name()
                + "\r\ncontent-type: text/plain\r\ncontent-length: 1000\r\n\r\n0123456789";
            ctx.writeAndFlush(ascii(head)).addListener(f -> closeNow());
        } else if (p.startsWith("/malformed/")) {
            final byte[] raw = TestUpstream.malformedResponse(p.substring("/malformed/".length()));
            if (raw == null) {
                respond(ex, 404, List.of(), latin1("unknown kind\n"), false);
            } else {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(raw)).addListener(f -> closeNow());
            }
        } else if (p.equals("/early-hints")) {
            ctx.writeAndFlush(ascii(EARLY_HINTS));
            respondDefaultAfter(ex, upstream.defaults().delayMillis);
        } else if (p.equals("/slow-reader") || p.equals("/sink")) {
            respond(ex, 200, List.of(new HeaderField("x-received-bytes", Long.toString(ex.bodyLength))),
                new byte[0], false);
        } else if (p.equals("/headers")) {
            final StringBuilder sb = new StringBuilder(256);
            for (final HeaderField h : ex.headers) {
                sb.append(h.name()).append(": ").append(h.value()).append('\n');
            }
            respond(ex, 200, List.of(new HeaderField("content-type", "text/plain")),
                sb.toString().getBytes(StandardCharsets.UTF_8), false);
        } else {
            respondDefaultAfter(ex, upstream.defaults().delayMillis);
        }
    }

    private void respondDefaultAfter(final Exchange ex, final long delayMillis) {
        if (delayMillis <= 0) {
            respondDefault(ex);
            return;
        }
        final Channel ch = ctx.channel();
        ctx.executor().schedule(() -> {
            if (ch.isActive() && !closing) {
                respondDefault(ex);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void respondDefault(final Exchange ex) {
        final TestUpstream.Defaults d = upstream.defaults();
        final List<HeaderField> headers = new ArrayList<>(d.headers.size() + 1);
        headers.add(new HeaderField("content-type", "text/plain"));
        headers.addAll(d.headers);
        respond(ex, d.status, headers, d.bodyFor(upstream.name()), false);
    }

    /** Writes a whole response, then finishes the exchange. */
    private void respond(final Exchange ex, final int status, final List<HeaderField> headers, final byte[] body,
                         final boolean chunked) {
        respond(ex, status, headers, body, chunked, List.of());
    }

    /** As above; a chunked body ends with {@code trailers}. */
    private void respond(final Exchange ex, final int status, final List<HeaderField> headers, final byte[] body,
                         final boolean chunked, final List<HeaderField> trailers) {
        final boolean close = closesAfter(ex);
        final boolean bodyless = status < 200 || status == 204 || status == 304;
        final StringBuilder head = statusLine(status);
        for (final HeaderField h : headers) {
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (!bodyless) {
            if (chunked) {
                head.append("transfer-encoding: chunked\r\n");
            } else {
                head.append("content-length: ").append(body.length).append("\r\n");
            }
        }
        connectionHeader(ex, close, head);
        head.append("\r\n");
        final ByteBuf out = ctx.alloc().buffer(head.length() + body.length + 16);
        ByteBufUtil.writeAscii(out, head);
        if (!bodyless && !ex.isHead()) {
            if (!chunked) {
                out.writeBytes(body);
            } else {
                if (body.length > 0) {
                    ByteBufUtil.writeAscii(out, Integer.toHexString(body.length) + "\r\n");
                    out.writeBytes(body);
                    ByteBufUtil.writeAscii(out, "\r\n");
                }
                ByteBufUtil.writeAscii(out, "0\r\n");
                for (final HeaderField t : trailers) {
                    ByteBufUtil.writeAscii(out, t.name() + ": " + t.value() + "\r\n");
                }
                ByteBufUtil.writeAscii(out, "\r\n");
            }
        }
        ctx.writeAndFlush(out).addListener(f -> responseDone(close));
    }

    private void startBytes(final Exchange ex, final long n, final boolean chunked) {
        final boolean close = closesAfter(ex);
        final StringBuilder head = statusLine(200).append("content-type: application/octet-stream\r\n");
        if (chunked) {
            head.append("transfer-encoding: chunked\r\n");
        } else {
            head.append("content-length: ").append(n).append("\r\n");
        }
        connectionHeader(ex, close, head);
        head.append("\r\n");
        if (ex.isHead()) {
            ctx.writeAndFlush(ascii(head)).addListener(f -> responseDone(close));
            return;
        }
        ctx.write(ascii(head));
        stream = ex;
        streamRemaining = n;
        streamOffset = 0;
        streamChunked = chunked;
        streamClose = close;
        pump();
    }

    /** Writes the next pieces of a {@code /bytes} body while the channel stays writable. */
    private void pump() {
        if (pumping || stream == null) {
            return;
        }
        pumping = true;
        try {
            final Channel ch = ctx.channel();
            do {
                while (streamRemaining > 0 && ch.isWritable()) {
                    final int len = (int) Math.min(TestUpstream.PIECE, streamRemaining);
                    final ByteBuf piece = TestUpstream.PATTERN.slice((int) (streamOffset % 251), len);
                    if (streamChunked) {
                        ctx.write(ascii(Integer.toHexString(len) + "\r\n"));
                        ctx.write(piece);
                        ctx.write(ascii("\r\n"));
                    } else {
                        ctx.write(piece);
                    }
                    streamOffset += len;
                    streamRemaining -= len;
                }
                if (streamRemaining == 0) {
                    final boolean close = streamClose;
                    stream = null;
                    final ByteBuf tail = streamChunked ? ascii("0\r\n\r\n") : Unpooled.EMPTY_BUFFER;
                    ctx.writeAndFlush(tail).addListener(f -> responseDone(close));
                    return;
                }
                ctx.flush();
            } while (ch.isWritable() && stream != null);
        } finally {
            pumping = false;
        }
    }

    private void responseDone(final boolean close) {
        if (close) {
            closeNow();
            return;
        }
        responding = false;
        Object msg;
        while (!responding && !closing && (msg = queued.poll()) != null) {
            handle(msg);
        }
        closeIfNothingMoreToAnswer();
    }

    /**
     * After the peer's FIN: closes unless a response is still on its way (an incomplete request or a stall never gets
     * one).
     */
    private void closeIfNothingMoreToAnswer() {
        if (inputShutdown && !closing && (stalled || current != null || !responding && queued.isEmpty())) {
            closeNow();
        }
    }

    private void badRequest() {
        final String resp = "HTTP/1.1 400 Bad Request\r\nx-upstream: " + upstream.name()
            + "\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        closing = true;
        ctx.writeAndFlush(ascii(resp)).addListener(f -> ctx.close());
    }

    private void closeNow() {
        closing = true;
        ctx.close();
    }

    private boolean closesAfter(final Exchange ex) {
        return !ex.keepAlive || upstream.defaults().closeAfterResponse;
    }

    private StringBuilder statusLine(final int status) {
        return new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
            .append(HttpResponseStatus.valueOf(status).reasonPhrase()).append("\r\n")
            .append("x-upstream: ").append(upstream.name()).append("\r\n");
    }

    private static void connectionHeader(final Exchange ex, final boolean close, final StringBuilder head) {
        if (close) {
            head.append("connection: close\r\n");
        } else if ("HTTP/1.0".equals(ex.version)) {
            head.append("connection: keep-alive\r\n");
        }
    }

    private ByteBuf ascii(final CharSequence s) {
        return ByteBufUtil.writeAscii(ctx.alloc(), s);
    }

    private static byte[] latin1(final String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int parseInt(final String s, final int otherwise) {
        try {
            return Integer.parseInt(s);
        } catch (final NumberFormatException e) {
            return otherwise;
        }
    }

    private static long parseLong(final String s) {
        try {
            return Long.parseLong(s);
        } catch (final NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Confined to its event loop. One request on its way in.
     */
    private static final class Exchange {
        final String method;
        final String uri;
        final String version;
        final List<HeaderField> headers;
        final String rawHead;
        final boolean chunked;
        final boolean keepAlive;
        final long declaredLength;
        final int connectionId;
        final String path;
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final long bodyLimit;
        long bodyLength;
        long sinceLastPause;
        private Map<String, List<String>> params;

        Exchange(final String method, final String uri, final String version, final List<HeaderField> headers,
                 final String rawHead, final boolean chunked, final boolean keepAlive, final long declaredLength,
                 final int connectionId) {
            this.method = method;
            this.uri = uri;
            this.version = version;
            this.headers = headers;
            this.rawHead = rawHead;
            this.chunked = chunked;
            this.keepAlive = keepAlive;
            this.declaredLength = declaredLength;
            this.connectionId = connectionId;
            this.path = TestUpstream.pathOf(uri);
            this.bodyLimit = "/echo".equals(path) ? Integer.MAX_VALUE - 16 : TestUpstream.MAX_RECORDED_BODY;
        }

        boolean isHead() {
            return "HEAD".equals(method);
        }

        void append(final ByteBuf data) {
            final int n = data.readableBytes();
            final int keep = (int) Math.max(0, Math.min(n, bodyLimit - body.size()));
            if (keep > 0) {
                final byte[] bytes = new byte[keep];
                data.getBytes(data.readerIndex(), bytes);
                body.write(bytes, 0, keep);
            }
            bodyLength += n;
        }

        String param(final String name) {
            if (params == null) {
                params = new QueryStringDecoder(uri).parameters();
            }
            final List<String> v = params.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        RecordedRequest toRecorded(final boolean complete) {
            byte[] b = body.toByteArray();
            if (b.length > TestUpstream.MAX_RECORDED_BODY) {
                b = Arrays.copyOf(b, TestUpstream.MAX_RECORDED_BODY);
            }
            return new RecordedRequest(method, uri, version, headers, rawHead, b, bodyLength, connectionId, complete);
        }
    }
}
