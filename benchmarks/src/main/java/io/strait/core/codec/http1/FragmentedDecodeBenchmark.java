package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
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
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One request decoded by {@link Http1ServerCodec} (whole or in fragments), forwarded through
 * {@link Http1ClientCodec}, and the response decoded by the client codec and written back by the server codec:
 * the codec work of one proxied exchange.
 * Mirrors {@code Http1ForwardingTest} and {@code Http1ServerCodecDecodeTest}. Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} includes EmbeddedChannel's own per-write overhead (promises, queues).
 * Confined to the benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FragmentedDecodeBenchmark {

    private static final String REQUEST = "GET /api/v1/items?id=12345 HTTP/1.1\r\n"
        + "Host: api.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) strait-bench\r\n"
        + "Accept: application/json\r\n"
        + "Accept-Encoding: gzip, deflate\r\n"
        + "Connection: keep-alive\r\n"
        + "X-Request-Id: 8c7d9f0e-1b2a-4c3d-9e8f-0a1b2c3d4e5f\r\n"
        + "\r\n";

    private static final String RESPONSE = "HTTP/1.1 200 OK\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: 2\r\n"
        + "Server: backend\r\n"
        + "\r\n"
        + "{}";

    private static final String CHUNKED_REQUEST = "POST /api/v1/items HTTP/1.1\r\n"
        + "Host: api.example.com\r\n"
        + "Content-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n"
        + "\r\n"
        + "2\r\n{}\r\n0\r\n\r\n";

    private static final String CHUNKED_RESPONSE = "HTTP/1.1 200 OK\r\n"
        + "Content-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n"
        + "Server: backend\r\n"
        + "\r\n"
        + "2\r\n{}\r\n0\r\n\r\n";

    /** Bytes per read; 0 = the whole request in one read. */
    @Param({"0", "16"})
    public int fragment;

    /** Pooled direct input buffers, or unpooled heap. */
    @Param({"true", "false"})
    public boolean pooledDirect;

    /** Bodies framed by chunks (ending with an empty trailer section: the no-trailers path), or none / length. */
    @Param({"false", "true"})
    public boolean chunked;

    private byte[] request;
    private byte[] response;
    private ByteBufAllocator alloc;
    private EmbeddedChannel down;
    private EmbeddedChannel up;

    @Setup(Level.Trial)
    public void setUp() {
        request = (chunked ? CHUNKED_REQUEST : REQUEST).getBytes(StandardCharsets.US_ASCII);
        response = (chunked ? CHUNKED_RESPONSE : RESPONSE).getBytes(StandardCharsets.US_ASCII);
        alloc = pooledDirect ? PooledByteBufAllocator.DEFAULT : UnpooledByteBufAllocator.DEFAULT;
        down = new EmbeddedChannel(new Http1ServerCodec(Http1Limits.DEFAULTS.withRequestHeaderTimeoutMillis(0)));
        up = new EmbeddedChannel(new Http1ClientCodec());
        down.config().setAllocator(alloc);
        up.config().setAllocator(alloc);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        down.finishAndReleaseAll();
        up.finishAndReleaseAll();
    }

    @Benchmark
    public void exchange(final Blackhole bh) {
        final byte[] req = request;
        final int step = fragment == 0 ? req.length : fragment;
        for (int off = 0; off < req.length; off += step) {
            final int n = Math.min(step, req.length - off);
            final ByteBuf in = (pooledDirect ? alloc.directBuffer(n) : alloc.heapBuffer(n)).writeBytes(req, off, n);
            down.writeInbound(in);
        }
        Object o;
        while ((o = down.readInbound()) != null) {
            up.write(o);
            if (o instanceof HttpRequestHead) {
                ((HttpRequestHead) o).release();
            }
        }
        up.flush();
        while ((o = up.readOutbound()) != null) {
            bh.consume(((ByteBuf) o).readableBytes());
            ((ByteBuf) o).release();
        }
        up.writeInbound((pooledDirect ? alloc.directBuffer(response.length) : alloc.heapBuffer(response.length))
            .writeBytes(response));
        while ((o = up.readInbound()) != null) {
            down.write(o);
            if (o instanceof HttpResponseHead) {
                ((HttpResponseHead) o).release();
            }
        }
        down.flush();
        while ((o = down.readOutbound()) != null) {
            bh.consume(((ByteBuf) o).readableBytes());
            ((ByteBuf) o).release();
        }
        down.runPendingTasks();
    }
}
