package io.strait.core.accesslog;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.stats.AccessLogStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import io.strait.lb.Host;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Confined to JMH's benchmark thread (one state per thread). The event loop's side of the access log, {@link
 * AccessLog#offer} of one typical proxied request (copying method, path, user-agent, authority, the forwarded
 * x-request-id and x-forwarded-for from a pooled direct head buffer into the ring), and the writer's side, formatting
 * one record into a line ({@code format}: text or JSON). Mirrors {@code AccessLogRecordTest}; run with
 * {@code -prof gc}: {@code gc.alloc.rate.norm} should be 0 for both.
 *
 * <p>The ring never fills: the benchmark thread drains it itself every {@link #DRAIN_EVERY} offers with a handler
 * that does nothing (no second thread competing for the machine's cores), so an offer's figure includes its share of
 * the ring's consumption (the consumer zeroes the bytes it read), not the formatting.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AccessLogBenchmark {

    /** Offers between two drains: a 1 MiB ring holds several thousand such records. */
    static final int DRAIN_EVERY = 1024;

    private static final String HEAD = "GET /api/v1/users/12345?expand=profile HTTP/1.1\r\n"
        + "Host: api.example.com\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
        + "Accept: application/json\r\n"
        + "\r\n";
    private static final MessageHandler DISCARD = (type, buffer, index, length) -> { };

    @Param({"TEXT", "JSON"})
    public String format;

    private AccessLog log;
    private ManyToOneRingBuffer ring;
    private LoopStats<AccessLogStat> loopStats;
    private ByteBuf raw;
    private final HttpRequestHead head = new HttpRequestHead();
    private final AccessLogEntry entry = new AccessLogEntry();
    private int offers;
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[AccessLogRecord.MAX_LENGTH]);
    private int recordLength;
    private int type;
    private final byte[] line = new byte[AccessLogFormatter.MAX_LINE];

    @Setup
    public void setUp() {
        final StatsScope<AccessLogStat> stats = new StatsRegistry(1).scope("access_log.", AccessLogStat.class);
        loopStats = stats.loop(0);
        log = new AccessLog("/dev/null", AccessLog.DEFAULT_RING_BYTES, stats, "bench-access-log");
        ring = log.ring();
        type = "JSON".equals(format) ? AccessLogRecord.JSON : AccessLogRecord.TEXT;

        final byte[] bytes = HEAD.getBytes(StandardCharsets.US_ASCII);
        raw = PooledByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        head.reset(raw, HttpMethods.GET, HttpRequestHead.VERSION_1_1);
        head.pathOffsets(4, HEAD.indexOf(" HTTP/1.1"));
        int line = HEAD.indexOf("\r\n") + 2;
        while (!HEAD.startsWith("\r\n", line)) {
            final int end = HEAD.indexOf("\r\n", line);
            final int colon = HEAD.indexOf(':', line);
            final int i = head.headers().addWire(line, colon, colon + 2, end);
            if (HEAD.startsWith("Host:", line)) {
                head.hostIndex(i);
            }
            line = end + 2;
        }
        head.headers().add(AsciiString.cached("x-forwarded-for"), AsciiString.cached("192.0.2.10"));
        head.headers().add(AsciiString.cached("x-request-id"),
            AsciiString.cached("3f2b8c1e-9d4a-4b7e-8c2f-1a2b3c4d5e6f"));

        entry.begin(head, System.nanoTime());
        entry.clientIp = AsciiString.cached("192.0.2.10");
        entry.forwarded = true;
        entry.status = 200;
        entry.bytesSent = 1024;
        entry.upstreamServiceNanos = 1_500_000;
        entry.host = new Host(new InetSocketAddress("10.0.0.7", 8080), 1);

        // One encoded record, copied out, for the formatting benchmark.
        log.offer(entry, type, System.nanoTime(), loopStats);
        ring.read((t, buffer, index, length) -> {
            record.putBytes(0, buffer, index, length);
            recordLength = length;
        });
    }

    @TearDown
    public void tearDown() {
        log.close();
        head.release();
    }

    /** One record offered from the event loop's side (with 1/{@value #DRAIN_EVERY} of a drain). */
    @Benchmark
    public boolean offer() {
        if (++offers == DRAIN_EVERY) {
            offers = 0;
            ring.read(DISCARD, Integer.MAX_VALUE);
        }
        return log.offer(entry, type, System.nanoTime(), loopStats);
    }

    /** One record formatted into a line on the writer's side. */
    @Benchmark
    public int format() {
        return AccessLogFormatter.format(record, 0, recordLength, type, line, 0);
    }
}
