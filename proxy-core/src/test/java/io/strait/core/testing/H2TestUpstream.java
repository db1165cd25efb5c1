package io.strait.core.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread-safe (its state is atomics and concurrent collections; the server runs on its own NIO thread). A small
 * HTTP/2 cleartext (prior knowledge) server on 127.0.0.1 for tests of HTTP/2 upstreams, on Netty's frame codec. It
 * answers by path:
 *
 * <table>
 *   <caption>Paths</caption>
 *   <tr><td>{@code /echo}</td><td>200 at once, then each DATA frame of the request back as it comes, then trailers
 *       {@code grpc-status: 0} and the request's trailers as {@code x-trailer-NAME}; the request's headers come
 *       back as {@code x-seen-NAME}</td></tr>
 *   <tr><td>{@code /big/N}</td><td>200 with {@code content-length: N} and N bytes, written only while the stream is
 *       writable (so a client that stops reading stops it)</td></tr>
 *   <tr><td>{@code /slow/MS}</td><td>200 "slow" after MS milliseconds (keeps streams open at once)</td></tr>
 *   <tr><td>{@code /reset}</td><td>RST_STREAM INTERNAL_ERROR, no response</td></tr>
 *   <tr><td>{@code /refuse-once/KEY}</td><td>RST_STREAM REFUSED_STREAM the first time a KEY is seen, then 200</td></tr>
 *   <tr><td>anything else</td><td>200 "hello h2" with content-length, after the request's end</td></tr>
 * </table>
 * It counts connections, streams and the most streams one connection had open at once.
 */
public final class H2TestUpstream implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger streams = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();
    private final List<Channel> open = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> refused = new ConcurrentHashMap<>();
    private final java.util.Queue<Integer> streamIds = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Starts a server whose SETTINGS allow {@code maxConcurrentStreams} streams per connection. */
    public H2TestUpstream(final long maxConcurrentStreams) throws InterruptedException {
        final ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    connections.incrementAndGet();
                    open.add(ch);
                    ch.closeFuture().addListener(f -> open.remove(ch));
                    final AtomicInteger concurrent = new AtomicInteger();
                    ch.pipeline().addLast(Http2FrameCodecBuilder.forServer()
                        .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(maxConcurrentStreams))
                        .build());
                    ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(final Channel stream) {
                            streams.incrementAndGet();
                            final int now = concurrent.incrementAndGet();
                            maxConcurrent.accumulateAndGet(now, Math::max);
                            stream.closeFuture().addListener(f -> concurrent.decrementAndGet());
                            streamIds.add(((io.netty.handler.codec.http2.Http2StreamChannel) stream).stream().id());
                            stream.pipeline().addLast(new StreamHandler());
                        }
                    }));
                }
            });
        this.server = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** A server with the default SETTINGS (100 streams per connection). */
    public H2TestUpstream() throws InterruptedException {
        this(100);
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Streams opened so far. */
    public int streams() {
        return streams.get();
    }

    /** The most streams any one connection had open at once. */
    public int maxConcurrentStreams() {
        return maxConcurrent.get();
    }

    /** The ids of the streams opened so far, in the order they came. */
    public List<Integer> streamIds() {
        return List.copyOf(streamIds);
    }

    /**
     * Sends, on every open connection, a GOAWAY (NO_ERROR) whose last stream id is {@code lastStreamId}, written as raw
     * bytes past the codec (which would only announce the last stream it created): the client must treat its streams
     * above that id as never processed. The codec itself goes on serving them.
     */
    public void goAwayBelow(final int lastStreamId) {
        for (final Channel c : open) {
            c.eventLoop().execute(() -> {
                final ByteBuf frame = c.alloc().buffer(17);
                frame.writeMedium(8).writeByte(0x7).writeByte(0).writeInt(0);   // length, GOAWAY, flags, stream 0
                frame.writeInt(lastStreamId).writeInt(0);                        // last stream id, NO_ERROR
                c.pipeline().firstContext().writeAndFlush(frame);
            });
        }
    }

    /** Streams this server reset. */
    public int resets() {
        return resets.get();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.size();
    }

    /**
     * Sends GOAWAY (NO_ERROR) on every open connection: streams it already has finish, newer ones are not processed.
     * The connections stay open until the client closes them.
     */
    public void goAwayAll() {
        for (final Channel c : open) {
            c.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        }
    }

    /**
     * Closes every open connection at once, without the codec's graceful GOAWAY (an upstream that dies), and waits
     * until they are closed.
     */
    public void killConnections() {
        for (final Channel c : open) {
            c.eventLoop().execute(() -> c.unsafe().close(c.unsafe().voidPromise()));
            c.closeFuture().syncUninterruptibly();
        }
    }

    /** Stops listening and closes every connection; may be called again. */
    @Override
    public void close() {
        if (group.isShuttingDown()) {
            return;
        }
        // Stop listening first, so no connection is accepted after the kill; then close the connections at once
        // (a graceful HTTP/2 close would wait for their streams and outlive the event loop, leaving sockets open).
        server.close().syncUninterruptibly();
        killConnections();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One stream's answer, chosen by its path. */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {

        private String path = "";
        private long remaining;

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame) {
                    headers(ctx, (Http2HeadersFrame) msg);
                } else if (msg instanceof Http2DataFrame) {
                    data(ctx, (Http2DataFrame) msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void headers(final ChannelHandlerContext ctx, final Http2HeadersFrame f) {
            if (!path.isEmpty()) {
                if (path.equals("/echo") && f.isEndStream()) {
                    endEcho(ctx, f.headers());   // request trailers: mirrored in the response's
                } else if (f.isEndStream()) {
                    answer(ctx);
                }
                return;
            }
            final String target = String.valueOf(f.headers().path());
            final int q = target.indexOf('?');
            path = q < 0 ? target : target.substring(0, q);
            if (path.equals("/reset")) {
                resets.incrementAndGet();
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                return;
            }
            if (path.startsWith("/refuse-once/") && refused.putIfAbsent(path, Boolean.TRUE) == null) {
                resets.incrementAndGet();
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                return;
            }
            if (path.equals("/echo")) {
                final Http2Headers h = new DefaultHttp2Headers().status("200");
                for (final Map.Entry<CharSequence, CharSequence> e : f.headers()) {
                    h.add("x-seen-" + e.getKey().toString().replace(":", "pseudo-"), e.getValue());
                }
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
                if (f.isEndStream()) {
                    endEcho(ctx, null);
                }
                return;
            }
            if (path.startsWith("/big/")) {
                remaining = Long.parseLong(path.substring(5));
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .set("content-length", Long.toString(remaining)), false));
                pump(ctx);
                return;
            }
            if (f.isEndStream()) {
                answer(ctx);
            }
        }

        private void data(final ChannelHandlerContext ctx, final Http2DataFrame d) {
            if (path.equals("/echo")) {
                ctx.writeAndFlush(new DefaultHttp2DataFrame(d.content().retain(), false));
                if (d.isEndStream()) {
                    endEcho(ctx, null);
                }
            } else if (d.isEndStream() && !path.startsWith("/big/")) {
                answer(ctx);
            }
        }

        /** Ends /echo with trailers: grpc-status 0, and each request trailer as x-trailer-NAME. */
        private void endEcho(final ChannelHandlerContext ctx, final Http2Headers requestTrailers) {
            final Http2Headers t = new DefaultHttp2Headers().set("grpc-status", "0");
            if (requestTrailers != null) {
                for (final Map.Entry<CharSequence, CharSequence> e : requestTrailers) {
                    t.add("x-trailer-" + e.getKey(), e.getValue());
                }
            }
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(t, true));
        }

        private void answer(final ChannelHandlerContext ctx) {
            if (path.startsWith("/slow/")) {
                final long ms = Long.parseLong(path.substring(6));
                ctx.executor().schedule(() -> respond(ctx, "slow"), ms, TimeUnit.MILLISECONDS);
                return;
            }
            respond(ctx, "hello h2");
        }

        private void respond(final ChannelHandlerContext ctx, final String body) {
            final byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                .set("content-length", Integer.toString(bytes.length)), false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes), true));
        }

        /** Writes /big's body while the stream can take it; resumes on writability. */
        private void pump(final ChannelHandlerContext ctx) {
            while (remaining > 0 && ctx.channel().isWritable()) {
                final int n = (int) Math.min(16 * 1024, remaining);
                remaining -= n;
                final ByteBuf chunk = ctx.alloc().buffer(n);
                chunk.writeZero(n);
                ctx.write(new DefaultHttp2DataFrame(chunk, remaining == 0));
            }
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
            if (path.startsWith("/big/")) {
                pump(ctx);
            }
            ctx.fireChannelWritabilityChanged();
        }
    }
}
