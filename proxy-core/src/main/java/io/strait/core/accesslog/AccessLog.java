package io.strait.core.accesslog;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strait.core.stats.AccessLogStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.stats.StatsScope;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * One access-log file (or standard stream): a many-to-one ring that the event loops offer records to, and the one
 * writer thread that drains it. Thread-safe: {@link #offer} from any event loop, the rest from the thread that owns
 * the server.
 *
 * <p>{@link #offer} never waits and never allocates: it claims exactly the record's length in the ring and copies
 * the fields into it (see {@link AccessLogRecord}); a full ring drops the record and counts
 * {@code access_log.dropped}. The writer idles with a backoff (spin, yield, then park up to
 * {@link #MAX_PARK_NANOS}), so an idle log costs a wake-up every few milliseconds and a busy one no syscall but its
 * writes.
 */
public final class AccessLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    /** Default ring capacity: 1 MiB, some 3,000 to 8,000 typical records. */
    public static final int DEFAULT_RING_BYTES = 1 << 20;
    /** The longest the writer sleeps when idle. */
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final String path;
    private final ManyToOneRingBuffer ring;
    private final ByteBuf view;
    private final StatsScope<AccessLogStat> stats;
    private final AccessLogWriter writer;
    private final String threadName;
    private AgentRunner runner;
    private boolean closed;

    /**
     * An access log at {@code path} (opened now) whose writer is not started yet (see {@link #start}).
     *
     * @param ringBytes  the ring's capacity, a power of two (at least twice {@link AccessLogRecord#MAX_LENGTH})
     * @param threadName the writer thread's name
     */
    public AccessLog(final String path, final int ringBytes, final StatsScope<AccessLogStat> stats,
                     final String threadName) {
        if (Integer.bitCount(ringBytes) != 1 || ringBytes < 2 * (AccessLogRecord.MAX_LENGTH + 8)) {
            throw new IllegalArgumentException("ring capacity must be a power of two >= "
                + 2 * (AccessLogRecord.MAX_LENGTH + 8) + ": " + ringBytes);
        }
        this.path = path;
        this.stats = stats;
        this.threadName = threadName;
        final ByteBuffer memory = ByteBuffer.allocateDirect(ringBytes + RingBufferDescriptor.TRAILER_LENGTH);
        this.ring = new ManyToOneRingBuffer(new UnsafeBuffer(memory));
        // The same memory as a Netty buffer: copies from request heads (pooled direct or heap) become one
        // memory copy each. Only absolute-index writes are made through it, so threads share it safely.
        this.view = Unpooled.wrappedBuffer(memory);
        this.writer = new AccessLogWriter(path, ring, stats);
    }

    /** The path as configured. */
    public String path() {
        return path;
    }

    /** The stats every access log counts into ({@code access_log.}). */
    public StatsScope<AccessLogStat> stats() {
        return stats;
    }

    /**
     * Offers one record (any event loop). Returns false, and counts {@code access_log.dropped} in {@code loopStats},
     * when the ring is full.
     *
     * @param format {@link AccessLogRecord#TEXT} or {@link AccessLogRecord#JSON}
     */
    public boolean offer(final AccessLogEntry entry, final int format, final long nowNanos,
                         final LoopStats<AccessLogStat> loopStats) {
        if (AccessLogRecord.encode(ring, view, entry, format, nowNanos, System.currentTimeMillis())) {
            return true;
        }
        loopStats.inc(AccessLogStat.DROPPED);
        return false;
    }

    /** The ring (benchmarks drain it themselves). */
    ManyToOneRingBuffer ring() {
        return ring;
    }

    /** Starts the writer thread (daemon). Idempotent. */
    public synchronized void start() {
        if (runner != null || closed) {
            return;
        }
        final AgentRunner r = new AgentRunner(new BackoffIdleStrategy(64, 16, TimeUnit.MICROSECONDS.toNanos(50),
            MAX_PARK_NANOS), e -> LOG.warn("access log {} writer: {}", path, e.toString(), e), null, writer);
        runner = r;
        AgentRunner.startOnThread(r, task -> {
            final Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Asks the writer to reopen the file (after the file was rotated; on SIGHUP-like signals). Any thread. */
    public void reopen() {
        writer.requestReopen();
    }

    /**
     * Stops the writer after it has written every record still in the ring, and closes the file. Call once the event
     * loops stopped offering. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        final AgentRunner r = runner;
        if (r != null) {
            r.close(10_000, t -> LOG.warn("access log {} writer did not stop within 10 s", path));
        } else {
            writer.onClose();   // never started: drain here
        }
    }
}
