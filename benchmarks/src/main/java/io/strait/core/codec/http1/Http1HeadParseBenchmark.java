package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
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
 * One head parsed by {@link Http1HeadScanner} and {@link Http1HeaderSemantics} alone (scan, then header semantics)
 * from a pooled direct buffer, with no channel around it: the parser's own cost per request or response head.
 * Mirrors {@code Http1HeadScannerTest}. Run with {@code -prof gc}; the parse allocates nothing. Confined to the
 * benchmark thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Http1HeadParseBenchmark {

    /** wrk's request. */
    static final String WRK = "GET / HTTP/1.1\r\nHost: 127.0.0.1:28081\r\n\r\n";

    /** A browser-like request with ten headers. */
    static final String BROWSER = "GET /static/app/main.3f9a1c.js?v=20240611 HTTP/1.1\r\n"
        + "Host: www.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
        + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
        + "Accept-Language: en-US,en;q=0.5\r\n"
        + "Accept-Encoding: gzip, deflate, br\r\n"
        + "Referer: https://www.example.com/index.html\r\n"
        + "Cookie: session=4f2a9c1e8b7d6a5f; theme=dark; _ga=GA1.2.123456789.1700000000\r\n"
        + "Connection: keep-alive\r\n"
        + "Upgrade-Insecure-Requests: 1\r\n"
        + "Cache-Control: max-age=0\r\n"
        + "\r\n";

    /** nginx's response head for a 1 KiB body. */
    static final String NGINX = "HTTP/1.1 200 OK\r\n"
        + "Server: nginx/1.22.1\r\n"
        + "Date: Wed, 25 Nov 2026 13:55:10 GMT\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Length: 1024\r\n"
        + "Last-Modified: Tue, 24 Nov 2026 09:12:44 GMT\r\n"
        + "Connection: keep-alive\r\n"
        + "ETag: \"6743ef3c-400\"\r\n"
        + "Accept-Ranges: bytes\r\n"
        + "\r\n";

    @Param({"wrk", "browser", "nginx"})
    public String head;

    private Http1HeadScanner parser;
    private Http1HeaderSemantics semantics;
    private ByteBuf buf;
    private HttpHeaderBlock headers;

    @Setup(Level.Trial)
    public void setUp() {
        final boolean request = !"nginx".equals(head);
        final String text = "wrk".equals(head) ? WRK : "browser".equals(head) ? BROWSER : NGINX;
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        buf = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        parser = request ? new Http1HeadScanner(true, 8192, 65536, 100)
            : new Http1HeadScanner(false, 65536, 65536, 256);
        semantics = new Http1HeaderSemantics();
        headers = new HttpHeaderBlock();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public long parse() {
        final Http1HeadScanner p = parser;
        final ByteBuf b = buf;
        b.readerIndex(0);
        p.reset();
        if (p.scan(b) != Http1HeadStates.DONE) {
            throw new IllegalStateException(p.errorReason());
        }
        final HttpHeaderBlock h = headers;
        h.reset(b);
        final Http1HeaderSemantics s = semantics;
        if (!s.addHeaders(p, h, b)) {
            throw new IllegalStateException(s.errorReason());
        }
        return p.headLength() + s.contentLength() + h.liveCount();
    }
}
