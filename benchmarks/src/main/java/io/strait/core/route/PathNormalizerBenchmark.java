package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strait.core.config.PathNormalizationConfig;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

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

/**
 * {@link PathNormalizer#normalize} per request with the default settings; mirrors {@code PathNormalizerTest}. Run with
 * {@code -prof gc}: an already normal path ({@code normal}) should report 0 B/op; a path that changes ({@code dots})
 * allocates the new path. Confined to one benchmark thread ({@code Scope.Thread}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PathNormalizerBenchmark {

    /** The request path. */
    @Param({"/api/v1/users/42/orders?page=2&sort=desc", "/api/v1/../v2/./users//42%7E?q=1"})
    public String path;

    private final PathNormalizer normalizer = new PathNormalizer(PathNormalizationConfig.DEFAULT);
    private HttpRequestHead head;
    private ByteBuf raw;
    private int pathStart;
    private int pathEnd;

    /** Builds the request head. */
    @Setup(Level.Trial)
    public void setUp() {
        final String text = "GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n";
        raw = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII));
        head = new HttpRequestHead();
        head.reset(raw.retain(), HttpMethods.GET, HttpRequestHead.VERSION_1_1);
        pathStart = 4;
        pathEnd = 4 + path.length();
    }

    /** Releases the head's buffer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        head.release();
        raw.release();
    }

    /** One normalisation of the path as the client sent it (the head's path is reset to the wire bytes first). */
    @Benchmark
    public int normalize() {
        head.pathOffsets(pathStart, pathEnd);
        return normalizer.normalize(head);
    }
}
