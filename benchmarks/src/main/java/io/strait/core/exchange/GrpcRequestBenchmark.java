package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strait.core.http.HttpHeaderBlock;
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

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What every request pays for gRPC: {@link GrpcRequest#read} (is it gRPC, its grpc-timeout) and the timeout choice,
 * over headers recorded as the HTTP/1.1 codec records them (offsets into the head's bytes). Mirrors
 * {@code GrpcRequestTest}. Run with {@code -prof gc}: it allocates nothing. Confined to the benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GrpcRequestBenchmark {

    /** A browser-like request's header lines (no content type: the common case). */
    static final String BROWSER = "Host: www.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
        + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        + "Accept-Language: en-US,en;q=0.5\r\n"
        + "Accept-Encoding: gzip, deflate, br\r\n"
        + "Referer: https://www.example.com/index.html\r\n"
        + "Cookie: session=4f2a9c1e8b7d6a5f; theme=dark\r\n"
        + "Upgrade-Insecure-Requests: 1\r\n"
        + "Cache-Control: max-age=0\r\n";

    /** A JSON API call: a content type that is not gRPC. */
    static final String JSON = "Host: api.example.com\r\n"
        + "User-Agent: okhttp/4.12.0\r\n"
        + "Content-Type: application/json\r\n"
        + "Content-Length: 42\r\n"
        + "Accept: application/json\r\n";

    /** grpc-java's unary call with a deadline. */
    static final String GRPC = "Host: greeter.example.com:50051\r\n"
        + "content-type: application/grpc\r\n"
        + "user-agent: grpc-java-netty/1.68.1\r\n"
        + "te: trailers\r\n"
        + "grpc-accept-encoding: gzip\r\n"
        + "grpc-timeout: 999927u\r\n";

    @Param({"browser", "json", "grpc"})
    public String head;

    private ByteBuf bytes;
    private final HttpHeaderBlock headers = new HttpHeaderBlock();
    private final GrpcRequest grpc = new GrpcRequest();

    @Setup(Level.Trial)
    public void setUp() {
        final String text = switch (head) {
            case "browser" -> BROWSER;
            case "json" -> JSON;
            default -> GRPC;
        };
        bytes = Unpooled.directBuffer(text.length()).writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        headers.reset(bytes);
        int lineStart = 0;
        while (lineStart < text.length()) {
            final int colon = text.indexOf(':', lineStart);
            final int end = text.indexOf("\r\n", lineStart);
            headers.addWire(lineStart, colon, colon + 2, end);
            lineStart = end + 2;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        bytes.release();
    }

    @Benchmark
    public long read() {
        grpc.read(headers);
        return grpc.timeoutNanos(15_000, -1) + (grpc.isGrpc() ? 1 : 0);
    }
}
