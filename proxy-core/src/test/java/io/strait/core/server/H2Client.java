package io.strait.core.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thread-safe (every call hops onto the client's own event loop). A small HTTP/2 client for the downstream HTTP/2
 * tests, on Netty's HTTP/2 codec: h2c with prior knowledge or h2 over TLS with ALPN, one connection, any number of
 * concurrent streams, streams whose DATA it does not acknowledge until told (a slow reader), raw HEADERS+RST_STREAM
 * bursts (rapid reset), and what GOAWAY it got.
 */
final class H2Client implements AutoCloseable {

    /** A response: status and headers, the body, the trailers (or null), and the reset code (-1: none). */
    record Response(int status, Http2Headers headers, byte[] body, Http2Headers trailers, long resetCode) {
        String bodyAsString() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The connection's receive window: large, so a held stream never starves the others of connection window. */
    private static final int CONNECTION_WINDOW = 16 << 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<Integer, StreamState> streams = new ConcurrentHashMap<>();
    private final Set<Integer> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong goAwayError = new AtomicLong(-1);
    private final AtomicLong pings = new AtomicLong();
    private final CompletableFuture<Void> settingsRead = new CompletableFuture<>();
    private final Channel channel;
    private Http2ConnectionHandler handler;
    private int nextStreamId = 3;
    /** The :authority of requests. */
    volatile String authority = "h2.test";

    private H2Client(final int port, final SslContext ssl) throws Exception {
        final Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
            .handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    if (ssl != null) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", port));
                    }
                    handler = new Http2ConnectionHandlerBuilder().server(false)
                        .encoderEnforceMaxRstFramesPerWindow(0, 0)   // the attacker must not stop itself
                        .initialSettings(new Http2Settings().pushEnabled(false))
                        .frameListener(new Listener()).build();
                    ch.pipeline().addLast(handler);
                }
            });
        channel = b.connect("127.0.0.1", port).sync().channel();
        if (ssl != null) {
            channel.pipeline().get(SslHandler.class).handshakeFuture().sync();
        }
        channel.closeFuture().addListener(f -> streams.values().forEach(st -> st.complete(-2)));
        settingsRead.get(5, TimeUnit.SECONDS);
        onLoop(() -> {
            handler.decoder().flowController().incrementWindowSize(handler.connection().connectionStream(),
                CONNECTION_WINDOW - 65_535);
            channel.flush();
            return null;
        });
    }

    /** An h2c client with prior knowledge. */
    static H2Client h2c(final int port) throws Exception {
        return new H2Client(port, null);
    }

    /** An h2 client over TLS offering ALPN h2 then http/1.1 (trusting any certificate). */
    static H2Client tls(final int port) throws Exception {
        final SslContext ctx = SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
            .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1))
            .build();
        return new H2Client(port, ctx);
    }

    /** The ALPN protocol the TLS handshake chose (null on h2c). */
    String alpn() {
        final SslHandler ssl = channel.pipeline().get(SslHandler.class);
        return ssl == null ? null : ssl.applicationProtocol();
    }

    /** The GOAWAY error code received, or -1. */
    long goAwayError() {
        return goAwayError.get();
    }

    /** PING frames received from the server (each acknowledged by Netty). */
    long pingsRead() {
        return pings.get();
    }

    boolean isOpen() {
        return channel.isActive();
    }

    /** GET {@code path} and wait for the whole response. */
    Response get(final String path) throws Exception {
        return send("GET", path, null, null, null, false).get(10, TimeUnit.SECONDS);
    }

    /**
     * Starts a request: {@code headers} (extra fields, may be null), a body (null: none), trailers (null: none).
     * {@code hold}: the stream's DATA is not acknowledged until {@link #release}.
     */
    CompletableFuture<Response> send(final String method, final String path, final Http2Headers headers,
                                     final byte[] body, final Http2Headers trailers, final boolean hold)
        throws Exception {
        return onLoop(() -> {
            final int id = nextStreamId;
            nextStreamId += 2;
            final StreamState st = new StreamState();
            streams.put(id, st);
            if (hold) {
                held.add(id);
            }
            final Http2Headers h = new DefaultHttp2Headers().method(method).path(path).scheme("http")
                .authority(authority);
            if (headers != null) {
                h.add(headers);
            }
            final ChannelHandlerContext ctx = ctx();
            final boolean noBody = body == null && trailers == null;
            handler.encoder().writeHeaders(ctx, id, h, 0, noBody, ctx.newPromise());
            if (body != null) {
                handler.encoder().writeData(ctx, id, Unpooled.wrappedBuffer(body), 0, trailers == null,
                    ctx.newPromise());
            }
            if (trailers != null) {
                handler.encoder().writeHeaders(ctx, id, trailers, 0, true, ctx.newPromise());
            }
            handler.flush(ctx);
            st.id = id;
            return st.done;
        });
    }

    /** The id of the last stream started. */
    int lastStreamId() throws Exception {
        return onLoop(() -> nextStreamId - 2);
    }

    /** Bytes of body received so far on stream {@code id}. */
    int received(final int id) {
        final StreamState st = streams.get(id);
        return st == null ? 0 : st.bodySize();
    }

    /** Acknowledges what stream {@code id} received and lets it read freely. */
    void release(final int id) throws Exception {
        onLoop(() -> {
            held.remove(id);
            final Http2Stream s = handler.connection().stream(id);
            final StreamState st = streams.get(id);
            if (s != null && st != null && st.unconsumed > 0) {
                handler.decoder().flowController().consumeBytes(s, st.unconsumed);
                st.unconsumed = 0;
                handler.flush(ctx());
            }
            return null;
        });
    }

    /**
     * Opens {@code count} streams and resets each right after its HEADERS (CVE-2023-44487's pattern), each pair
     * flushed; stops early when the connection closed. Returns how many were sent.
     */
    int rapidReset(final int count) throws Exception {
        int sent = 0;
        while (sent < count && channel.isActive()) {
            final int batch = Math.min(16, count - sent);
            onLoop(() -> {
                final ChannelHandlerContext ctx = ctx();
                for (int i = 0; i < batch && channel.isActive(); i++) {
                    final int id = nextStreamId;
                    nextStreamId += 2;
                    final Http2Headers h = new DefaultHttp2Headers().method("GET").path("/delay/200").scheme("http")
                        .authority("h2.test");
                    handler.encoder().writeHeaders(ctx, id, h, 0, true, ctx.newPromise());
                    handler.resetStream(ctx, id, Http2Error.CANCEL.code(), ctx.newPromise());
                    // flushed pair by pair: the client closes a reset stream once its RST is written, and only
                    // then may it open another under the server's SETTINGS_MAX_CONCURRENT_STREAMS
                    handler.flush(ctx);
                }
                return null;
            });
            sent += batch;
        }
        return sent;
    }

    /** Waits until the connection is closed. */
    void awaitClosed() throws InterruptedException {
        channel.closeFuture().await(10, TimeUnit.SECONDS);
    }

    private ChannelHandlerContext ctx() {
        return channel.pipeline().context(handler);
    }

    private <T> T onLoop(final java.util.concurrent.Callable<T> task) throws Exception {
        return channel.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One stream's response as it arrives. Confined to the client's loop until completed. */
    private static final class StreamState {
        final CompletableFuture<Response> done = new CompletableFuture<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        volatile int id;
        Http2Headers headers;
        Http2Headers trailers;
        int unconsumed;

        synchronized int bodySize() {
            return body.size();
        }

        synchronized void append(final ByteBuf data) {
            body.write(ByteBufUtil.getBytes(data), 0, data.readableBytes());
        }

        void complete(final long reset) {
            if (done.isDone()) {
                return;
            }
            final int status = headers == null || headers.status() == null ? 0
                : Integer.parseInt(headers.status().toString());
            final byte[] b;
            synchronized (this) {
                b = body.toByteArray();
            }
            done.complete(new Response(status, headers, b, trailers, reset));
        }
    }

    private final class Listener extends Http2EventAdapter {
        @Override
        public void onSettingsRead(final ChannelHandlerContext ctx, final Http2Settings settings) {
            settingsRead.complete(null);
        }

        @Override
        public int onDataRead(final ChannelHandlerContext ctx, final int streamId, final ByteBuf data,
                              final int padding, final boolean endOfStream) {
            final StreamState st = streams.get(streamId);
            final int n = data.readableBytes() + padding;
            if (st == null) {
                return n;
            }
            st.append(data);
            if (endOfStream) {
                st.complete(-1);
            }
            if (held.contains(streamId)) {
                st.unconsumed += n;
                return 0;
            }
            return n;
        }

        @Override
        public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                                  final int padding, final boolean endOfStream) {
            final StreamState st = streams.get(streamId);
            if (st == null) {
                return;
            }
            if (st.headers == null || st.headers.status() != null && st.headers.status().charAt(0) == '1') {
                st.headers = headers;
            } else {
                st.trailers = headers;
            }
            if (endOfStream) {
                st.complete(-1);
            }
        }

        @Override
        public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId, final Http2Headers headers,
                                  final int streamDependency, final short weight, final boolean exclusive,
                                  final int padding, final boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public void onPingRead(final ChannelHandlerContext ctx, final long data) {
            pings.incrementAndGet();
        }

        @Override
        public void onRstStreamRead(final ChannelHandlerContext ctx, final int streamId, final long errorCode) {
            final StreamState st = streams.get(streamId);
            if (st != null) {
                st.complete(errorCode);
            }
        }

        @Override
        public void onGoAwayRead(final ChannelHandlerContext ctx, final int lastStreamId, final long errorCode,
                                 final ByteBuf debugData) throws Http2Exception {
            goAwayError.set(errorCode);
        }
    }
}
