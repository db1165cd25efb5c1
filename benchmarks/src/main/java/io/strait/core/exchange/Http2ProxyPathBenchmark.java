package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.strait.core.codec.http1.Http1ServerCodec;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.snapshot.ProxySnapshot;
import io.strait.core.stats.StatsRegistry;
import io.strait.lb.Host;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One whole proxied exchange through the real handlers, client protocol as the parameter: {@code h2} decodes a
 * request HEADERS frame (HPACK) in {@link DownstreamHttp2Handler}, runs it through its pooled {@link Exchange}
 * (routing, forwarding headers, the upstream attempt on a kept-alive pooled connection), encodes it as HTTP/1.1, then
 * decodes the HTTP/1.1 response and encodes it as HEADERS and DATA frames; {@code h1} is the same exchange from an
 * HTTP/1.1 client, for comparison; {@code h2indexed} is {@code h2} from a client whose HPACK encoder indexes. Mirrors
 * {@code AbstractHttp2IntegrationTest#h2cWithPriorKnowledgeIsProxiedToAnHttp1Upstream}.
 * The connections are {@link EmbeddedChannel}s: run with {@code -prof gc}; {@code gc.alloc.rate.norm} includes
 * EmbeddedChannel's own per-write overhead (a promise and queue node per outbound message), which is not the
 * proxy's; on JMH's plain threads Netty's {@code Recycler} pools nothing, which adds allocations the event loops do
 * not make (see {@link FastThreadLocalExecutor}). Confined to the benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Http2ProxyPathBenchmark {

    private static final String CONFIG = """
        listeners:
          - name: bench
            address: 127.0.0.1:0
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters:
          - { name: up, endpoints: [ { address: 127.0.0.1:9 } ] }
        """;

    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: 2\r\n"
        + "Server: backend\r\n"
        + "\r\n"
        + "{}").getBytes(StandardCharsets.US_ASCII);

    private static final byte[] H1_REQUEST = ("GET /api/v1/items?id=12345 HTTP/1.1\r\n"
        + "Host: api.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) strait-bench\r\n"
        + "Accept: application/json\r\n"
        + "Accept-Encoding: gzip, deflate\r\n"
        + "X-Request-Id: 8c7d9f0e-1b2a-4c3d-9e8f-0a1b2c3d4e5f\r\n"
        + "\r\n").getBytes(StandardCharsets.US_ASCII);

    /**
     * The client's protocol: {@code h2}, each request's fields as HPACK literals without indexing (a client that keeps
     * no dynamic table: every field a new string in the decoder); {@code h2indexed}, the same request encoded by an
     * HPACK encoder with a dynamic table, as browsers, curl, Go and gRPC clients send it (the first request inserts
     * the fields, every measured one is all indexed); {@code h1}.
     */
    @Param({"h2", "h2indexed", "h1"})
    public String protocol;

    private final StatsRegistry stats = new StatsRegistry(1);
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private EmbeddedChannel down;
    private EmbeddedChannel up;
    private LoopState loop;
    /** The request's frames (HEADERS with END_STREAM, then a connection WINDOW_UPDATE); stream id patched per op. */
    private byte[] h2Request;
    private int streamId = 1;

    @Setup(Level.Trial)
    public void setUp() {
        final ConfigResult result = ConfigLoader.parse(CONFIG, "bench.yaml");
        if (!result.ok()) {
            throw new IllegalStateException(result.errors().toString());
        }
        final ProxySnapshot snapshot = ProxySnapshot.compile(result.config(), stats);
        final ListenerRuntime listener = snapshot.listeners().iterator().next();
        final ServerContext context = new ServerContext() {
            @Override
            public LoopState loopState(final EventLoop eventLoop) {
                if (loop == null) {
                    loop = new LoopState(0, eventLoop, snapshot, EmbeddedChannel.class, alloc, 42,
                        () -> System.nanoTime(), Http2ProxyPathBenchmark.this::connect);
                }
                return loop;
            }

            @Override
            public boolean isDraining() {
                return false;
            }
        };
        Http2HeadersEncoder indexing = null;
        if (protocol.startsWith("h2")) {
            down = new EmbeddedChannel(DownstreamHttp2Handler.create(listener, context));
            down.config().setAllocator(alloc);   // the listeners' allocator, not Netty 4.2's default adaptive one
            if (protocol.equals("h2indexed")) {
                indexing = new DefaultHttp2HeadersEncoder();
                h2Request = h2Request(indexed(indexing));   // the first request fills the decoder's table
            } else {
                h2Request = h2Request(literalBlock());
            }
            final ByteBuf preface = alloc.buffer();
            preface.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            frame(preface, 0x4, 0, 0, new byte[0]);          // SETTINGS
            frame(preface, 0x4, 0x1, 0, new byte[0]);        // ACK of the server's
            down.writeInbound(preface);
        } else {
            down = new EmbeddedChannel(new Http1ServerCodec(listener.limits()),
                new DownstreamHttp1Handler(listener, context));
            down.config().setAllocator(alloc);
        }
        drain(down);
        exchange();   // opens the upstream connection once; every op after reuses it
        if (indexing != null) {
            h2Request = h2Request(indexed(indexing));   // now every field is in the table: all indexed
        }
    }

    private ChannelFuture connect(final int cluster, final Host host, final ChannelHandler handler) {
        up = new EmbeddedChannel(handler);
        up.config().setAllocator(alloc);
        return up.newSucceededFuture();
    }

    /** One exchange; returns the bytes the client got (to sink). */
    @Benchmark
    public int exchange() {
        final ByteBuf in;
        if (h2Request != null) {
            final int id = streamId;
            streamId = id + 2;
            in = alloc.buffer(h2Request.length).writeBytes(h2Request);
            in.setInt(5, id);
        } else {
            in = alloc.buffer(H1_REQUEST.length).writeBytes(H1_REQUEST);
        }
        down.writeInbound(in);
        drain(up);
        up.writeInbound(alloc.buffer(RESPONSE.length).writeBytes(RESPONSE));
        down.runPendingTasks();   // HTTP/2: the response's flush is a task the loop runs after its IO
        return drain(down);
    }

    private static int drain(final EmbeddedChannel ch) {
        if (ch == null) {
            return 0;
        }
        int n = 0;
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof ByteBuf) {
                n += ((ByteBuf) o).readableBytes();
            }
            io.netty.util.ReferenceCountUtil.release(o);
        }
        return n;
    }

    /** The request's fields, as HPACK literals without indexing (as a client without a dynamic table sends them). */
    private static byte[] literalBlock() {
        final ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x82);   // :method GET (static index 2)
        block.write(0x86);   // :scheme http (static index 6)
        literal(block, 4, "/api/v1/items?id=12345");   // :path, name by static index 4
        literal(block, 1, "api.example.com");          // :authority
        literal(block, 58, "Mozilla/5.0 (X11; Linux x86_64) strait-bench");   // user-agent
        literal(block, 19, "application/json");        // accept
        literal(block, 16, "gzip, deflate");           // accept-encoding
        block.write(0);
        string(block, "x-request-id");
        string(block, "8c7d9f0e-1b2a-4c3d-9e8f-0a1b2c3d4e5f");
        return block.toByteArray();
    }

    /** The same fields through {@code encoder}, which indexes them in its dynamic table (mirroring the server's). */
    private static byte[] indexed(final Http2HeadersEncoder encoder) {
        final Http2Headers h = new DefaultHttp2Headers().method("GET").scheme("http").path("/api/v1/items?id=12345")
            .authority("api.example.com");
        h.add("user-agent", "Mozilla/5.0 (X11; Linux x86_64) strait-bench").add("accept", "application/json")
            .add("accept-encoding", "gzip, deflate").add("x-request-id", "8c7d9f0e-1b2a-4c3d-9e8f-0a1b2c3d4e5f");
        final ByteBuf out = Unpooled.buffer();
        try {
            encoder.encodeHeaders(1, h, out);
        } catch (final Http2Exception e) {
            throw new IllegalStateException(e);
        }
        final byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    /** HEADERS carrying {@code block} (END_STREAM) and a WINDOW_UPDATE of 2 bytes; stream id patched per op. */
    private static byte[] h2Request(final byte[] block) {
        final ByteBuf out = Unpooled.buffer();
        frame(out, 0x1, 0x1 | 0x4, 1, block);   // HEADERS, END_STREAM | END_HEADERS
        frame(out, 0x8, 0, 0, new byte[] {0, 0, 0, 2});        // WINDOW_UPDATE on the connection: the body's 2 bytes
        final byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    /** A literal header field without indexing, name by static table index (RFC 7541 6.2.2; index below 15). */
    private static void literal(final ByteArrayOutputStream b, final int nameIndex, final String value) {
        if (nameIndex < 15) {
            b.write(nameIndex);
        } else {
            b.write(0x0f);
            b.write(nameIndex - 15);
        }
        string(b, value);
    }

    private static void string(final ByteArrayOutputStream b, final String s) {
        final byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        b.write(bytes.length);   // every string here is under 127 bytes
        b.write(bytes, 0, bytes.length);
    }

    private static void frame(final ByteBuf out, final int type, final int flags, final int stream,
                              final byte[] payload) {
        out.writeMedium(payload.length).writeByte(type).writeByte(flags).writeInt(stream).writeBytes(payload);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        down.finishAndReleaseAll();
        if (up != null) {
            up.finishAndReleaseAll();
        }
    }
}
