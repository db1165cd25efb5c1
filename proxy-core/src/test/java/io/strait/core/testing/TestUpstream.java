package io.strait.core.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread-safe: every public method may be called from the test thread while the loop serves. A scriptable HTTP/1.1
 * origin server for integration tests, bound to 127.0.0.1 on an ephemeral port, on one NIO event loop of its own.
 *
 * <p>Requests are parsed with Netty's {@link HttpRequestDecoder}; responses are written as raw bytes, so a test knows
 * exactly what went on the wire. Every response but the malformed ones carries {@code x-upstream: <name>}. Keep-alive
 * is honoured ({@code connection: close} and HTTP/1.0 without keep-alive close after the response), pipelined requests
 * are answered in order, and a HEAD request gets the head the GET would have had (same content-length), no body.
 * A request carrying {@code expect: 100-continue} gets an interim {@code 100 Continue} first. When the peer half-closes
 * (sends FIN), the requests already read are answered, then the connection closes.
 *
 * <table>
 *   <caption>Behaviour by request path</caption>
 *   <tr><th>Path</th><th>Response</th></tr>
 *   <tr><td>any other</td><td>the default: 200, {@code content-type: text/plain}, {@code hello from <name>\n}
 *       with content-length (status, body, extra headers and a delay settable: {@link #defaultStatus(int)},
 *       {@link #defaultBody(String)}, {@link #defaultHeader(String, String)},
 *       {@link #defaultDelay(Duration)})</td></tr>
 *   <tr><td>{@code /echo}</td><td>200 with the request body, chunked when the request was chunked, else with
 *       content-length; headers {@code x-echo-method}, {@code x-echo-uri}</td></tr>
 *   <tr><td>{@code /status/<code>}</td><td>that status; body {@code status <code>\n}, none for 1xx, 204, 304</td></tr>
 *   <tr><td>{@code /grpc-status/<code>}</td><td>200, {@code content-type: application/grpc}, chunked: one empty
 *       message, then the trailer {@code grpc-status: <code>}</td></tr>
 *   <tr><td>{@code /bytes/<n>[?chunked=1]}</td><td>200 with n bytes, byte i = i % 251 ({@link #patternByte(long)}),
 *       written 16 KiB at a time, only while the channel is writable</td></tr>
 *   <tr><td>{@code /delay/<ms>}</td><td>the default response, ms milliseconds after the request ended</td></tr>
 *   <tr><td>{@code /stall}</td><td>reads the request and never answers</td></tr>
 *   <tr><td>{@code /close-mid-body}</td><td>a head with content-length 1000, 10 body bytes, then close</td></tr>
 *   <tr><td>{@code /close-before-response}</td><td>closes as soon as the head was read</td></tr>
 *   <tr><td>{@code /malformed/<kind>}</td><td>exactly {@link #malformedResponse(String)}, then close</td></tr>
 *   <tr><td>{@code /early-hints}</td><td>103 with a {@code link} header, then the default 200</td></tr>
 *   <tr><td>{@code /slow-reader}</td><td>reads the body pausing reads 20 ms after every 64 KiB, then 200 with
 *       {@code x-received-bytes: <n>} and an empty body</td></tr>
 *   <tr><td>{@code /sink}</td><td>reads the body at full speed, then 200 with {@code x-received-bytes: <n>}</td></tr>
 *   <tr><td>{@code /headers}</td><td>200 whose body lists the request's headers, one {@code name: value}
 *       a line</td></tr>
 * </table>
 */
public final class TestUpstream implements AutoCloseable {

    /** The most body bytes a {@link RecordedRequest} keeps (the length is still counted past it). */
    public static final int MAX_RECORDED_BODY = 16 * 1024 * 1024;

    /** The kinds {@code /malformed/<kind>} knows, in the order of the list in the class comment. */
    public static final List<String> MALFORMED_KINDS =
        List.of("garbage", "cl-te", "bad-chunk", "dup-cl", "obs-fold", "bare-lf", "no-status", "huge-head");

    /** The size of one write of {@code /bytes/<n>}. */
    static final int PIECE = 16 * 1024;

    private static final int PATTERN_PERIOD = 251;

    /** Direct, never released, untracked by the leak detector: every {@code /bytes} write is a slice of it. */
    static final ByteBuf PATTERN = newPattern();

    private final String name;
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requestHeads = new AtomicInteger();
    private final LinkedBlockingQueue<RecordedRequest> untaken = new LinkedBlockingQueue<>();
    private final CopyOnWriteArrayList<RecordedRequest> log = new CopyOnWriteArrayList<>();
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

    private volatile Defaults defaults = Defaults.INITIAL;
    private volatile EventLoopGroup group;
    private volatile Channel serverChannel;
    private volatile InetSocketAddress address;

    /**
     * Creates a stopped upstream; {@link #start()} binds it.
     *
     * @param name sent back in {@code x-upstream} and in the default body
     */
    public TestUpstream(final String name) {
        this.name = name;
    }

    /**
     * Binds 127.0.0.1 on an ephemeral port and starts serving.
     *
     * @return this
     * @throws IllegalStateException when already started
     */
    public synchronized TestUpstream start() {
        return start(0);
    }

    /**
     * Binds 127.0.0.1 on {@code port} (0: an ephemeral one) and starts serving; with a port, e.g. to bring a closed
     * upstream back on the port it had.
     *
     * @return this
     * @throws IllegalStateException when already started
     */
    public synchronized TestUpstream start(final int port) {
        return start("127.0.0.1", port);
    }

    /**
     * Binds {@code host} (a loopback IP literal such as 127.0.0.2) on {@code port} (0: an ephemeral one) and starts
     * serving: two upstreams on one port, told apart by address alone.
     *
     * @return this
     * @throws IllegalStateException when already started
     */
    public synchronized TestUpstream start(final String host, final int port) {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        final EventLoopGroup g = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        final TestUpstream self = this;
        final ServerBootstrap b = new ServerBootstrap()
            .group(g)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 256)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(final SocketChannel ch) {
                    channels.add(ch);
                    accepted.incrementAndGet();
                    final UpstreamConnectionHandler handler =
                        new UpstreamConnectionHandler(self, connectionIds.incrementAndGet());
                    ch.pipeline()
                        .addLast("raw-head-tap", new RawHeadTap(handler.rawHeads()))
                        .addLast("decoder", new HttpRequestDecoder(new HttpDecoderConfig()
                            .setMaxInitialLineLength(16 * 1024)
                            .setMaxHeaderSize(64 * 1024)
                            .setMaxChunkSize(64 * 1024)))
                        .addLast("upstream", handler);
                }
            });
        try {
            final Channel ch = b.bind(host, port).syncUninterruptibly().channel();
            serverChannel = ch;
            address = (InetSocketAddress) ch.localAddress();
            group = g;
        } catch (final RuntimeException e) {
            g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        return this;
    }

    /** Returns the name given at construction. */
    public String name() {
        return name;
    }

    /** Returns the bound port. */
    public int port() {
        return address().getPort();
    }

    /** Returns the bound address (127.0.0.1 and the port). */
    public InetSocketAddress address() {
        final InetSocketAddress a = address;
        if (a == null) {
            throw new IllegalStateException("not started");
        }
        return a;
    }

    /** Returns how many request heads were received since start or the last {@link #reset()}. */
    public int requestCount() {
        return requestHeads.get();
    }

    /** Returns how many connections were accepted since start or the last {@link #reset()}. */
    public int connectionCount() {
        return accepted.get();
    }

    /** Returns how many accepted connections are open now. */
    public int activeConnectionCount() {
        return channels.size();
    }

    /**
     * Takes the oldest recorded request not yet taken, waiting up to {@code timeout} for one. A request is recorded
     * once its body has been read (or its connection closed first).
     *
     * @return the request, or null when none came in time
     */
    public RecordedRequest takeRequest(final Duration timeout) {
        try {
            return untaken.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Returns every request recorded since start or the last {@link #reset()}, oldest first, taken or not. */
    public List<RecordedRequest> requests() {
        return List.copyOf(log);
    }

    /** Closes every accepted connection now (the listening socket stays open). */
    public void closeConnections() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** Sets the status of the default response. @return this */
    public TestUpstream defaultStatus(final int status) {
        synchronized (this) {
            defaults = defaults.withStatus(status);
        }
        return this;
    }

    /** Sets the body of the default response (UTF-8). @return this */
    public TestUpstream defaultBody(final String body) {
        synchronized (this) {
            defaults = defaults.withBody(body.getBytes(StandardCharsets.UTF_8));
        }
        return this;
    }

    /** Adds a header to the default response. @return this */
    public TestUpstream defaultHeader(final String headerName, final String value) {
        synchronized (this) {
            defaults = defaults.withHeader(new HeaderField(headerName, value));
        }
        return this;
    }

    /** Delays the default response by {@code delay} after the request ended (zero: none). @return this */
    public TestUpstream defaultDelay(final Duration delay) {
        synchronized (this) {
            defaults = defaults.withDelayMillis(delay.toMillis());
        }
        return this;
    }

    /** When true, every response says {@code connection: close} and the connection closes after it. @return this */
    public TestUpstream closeAfterResponse(final boolean close) {
        synchronized (this) {
            defaults = defaults.withCloseAfterResponse(close);
        }
        return this;
    }

    /**
     * Restores the default behaviour, clears the request log and zeroes the counters. Open connections stay open;
     * connection ids never restart, so they stay unique for the upstream's life.
     */
    public void reset() {
        synchronized (this) {
            defaults = Defaults.INITIAL;
        }
        untaken.clear();
        log.clear();
        requestHeads.set(0);
        accepted.set(0);
    }

    /** Closes the listening socket and every connection, and stops the event loop (waits for it). */
    @Override
    public synchronized void close() {
        final EventLoopGroup g = group;
        if (g == null) {
            return;
        }
        final Channel ch = serverChannel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        group = null;
    }

    @Override
    public String toString() {
        final InetSocketAddress a = address;
        return "TestUpstream[" + name + (a == null ? "" : " @ " + a) + ']';
    }

    /**
     * Returns the exact bytes {@code /malformed/<kind>} writes before closing, or null for an unknown kind.
     * <ul>
     *   <li>{@code garbage}: {@code "this is not http\r\n\r\n"}</li>
     *   <li>{@code cl-te}: 200 with {@code content-length: 5} and {@code transfer-encoding: chunked}, chunked body</li>
     *   <li>{@code bad-chunk}: 200 chunked whose first chunk size is {@code zz}</li>
     *   <li>{@code dup-cl}: 200 with {@code content-length: 5} and {@code content-length: 6}</li>
     *   <li>{@code obs-fold}: 200 with a header continued on a line starting with a space</li>
     *   <li>{@code bare-lf}: 200 whose lines end in LF only</li>
     *   <li>{@code no-status}: {@code HTTP/1.1 abc OK}</li>
     *   <li>{@code huge-head}: 200 with one 200 KiB header value</li>
     * </ul>
     */
    public static byte[] malformedResponse(final String kind) {
        final String text;
        switch (kind) {
            case "garbage":
                text = "this is not http\r\n\r\n";
                break;
            case "cl-te":
                text = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n";
                break;
            case "bad-chunk":
                text = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n";
                break;
            case "dup-cl":
                text = "HTTP/1.1 200 OK\r\ncontent-length: 5\r\ncontent-length: 6\r\n\r\nhello!";
                break;
            case "obs-fold":
                text = "HTTP/1.1 200 OK\r\nx-folded: first\r\n second\r\ncontent-length: 5\r\n\r\nhello";
                break;
            case "bare-lf":
                text = "HTTP/1.1 200 OK\ncontent-length: 5\n\nhello";
                break;
            case "no-status":
                text = "HTTP/1.1 abc OK\r\ncontent-length: 5\r\n\r\nhello";
                break;
            case "huge-head":
                text = "HTTP/1.1 200 OK\r\nx-huge: " + "a".repeat(200 * 1024) + "\r\ncontent-length: 5\r\n\r\nhello";
                break;
            default:
                return null;
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Returns byte {@code i} of a {@code /bytes/<n>} body: {@code (byte) (i % 251)}. */
    public static byte patternByte(final long i) {
        return (byte) (i % PATTERN_PERIOD);
    }

    /** Returns the path of a request target: no query, and for absolute-form no scheme and authority. */
    static String pathOf(final String uri) {
        String u = uri;
        final int scheme = u.indexOf("://");
        if (scheme > 0 && scheme < 8) {
            final int slash = u.indexOf('/', scheme + 3);
            u = slash < 0 ? "/" : u.substring(slash);
        }
        final int q = u.indexOf('?');
        return q < 0 ? u : u.substring(0, q);
    }

    int nextRequestHead() {
        return requestHeads.incrementAndGet();
    }

    void record(final RecordedRequest request) {
        log.add(request);
        untaken.add(request);
    }

    Defaults defaults() {
        return defaults;
    }

    private static ByteBuf newPattern() {
        final ByteBuf b = new UnpooledByteBufAllocator(true, true).directBuffer(PIECE + PATTERN_PERIOD);
        for (int i = 0; i < PIECE + PATTERN_PERIOD; i++) {
            b.writeByte(i % PATTERN_PERIOD);
        }
        return Unpooled.unreleasableBuffer(b.asReadOnly());
    }

    /**
     * Immutable. The settable parts of the default response, swapped as a whole.
     */
    static final class Defaults {
        static final Defaults INITIAL = new Defaults(200, null, List.of(), 0, false);

        final int status;
        final byte[] body;
        final List<HeaderField> headers;
        final long delayMillis;
        final boolean closeAfterResponse;

        Defaults(final int status, final byte[] body, final List<HeaderField> headers, final long delayMillis,
                 final boolean closeAfterResponse) {
            this.status = status;
            this.body = body;
            this.headers = headers;
            this.delayMillis = delayMillis;
            this.closeAfterResponse = closeAfterResponse;
        }

        Defaults withStatus(final int s) {
            return new Defaults(s, body, headers, delayMillis, closeAfterResponse);
        }

        Defaults withBody(final byte[] b) {
            return new Defaults(status, b, headers, delayMillis, closeAfterResponse);
        }

        Defaults withHeader(final HeaderField h) {
            final List<HeaderField> l = new ArrayList<>(headers);
            l.add(h);
            return new Defaults(status, body, List.copyOf(l), delayMillis, closeAfterResponse);
        }

        Defaults withDelayMillis(final long d) {
            return new Defaults(status, body, headers, d, closeAfterResponse);
        }

        Defaults withCloseAfterResponse(final boolean c) {
            return new Defaults(status, body, headers, delayMillis, c);
        }

        byte[] bodyFor(final String upstreamName) {
            return body != null ? body : ("hello from " + upstreamName + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    static String lower(final String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
