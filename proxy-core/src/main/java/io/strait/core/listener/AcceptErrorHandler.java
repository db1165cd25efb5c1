package io.strait.core.listener;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.LoopStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Confined to the event loop of its listening socket (one instance per listening socket); the log limiter it shares
 * with the listener's other sockets is thread-safe. Sits on a listening socket's pipeline, in front of Netty's
 * acceptor, and handles a failed accept: out of file descriptors (EMFILE, ENFILE) the kernel keeps the connection in
 * the backlog and, epoll being level-triggered, every loop turn would retry and fail again.
 *
 * <p>Netty's own handling ({@code ServerBootstrapAcceptor.exceptionCaught}) pauses accepting for 1 s and passes the
 * exception on, so the pipeline's tail logs a warning with a stack trace each time: one per loop per second for as
 * long as descriptors stay exhausted. Here the exception stops: it is counted ({@code downstream_cx_accept_error}),
 * accepting pauses for {@link #BACKOFF_MILLIS} (descriptors come back as connections close, and established
 * connections keep being served meanwhile), and one line is logged per {@link #LOG_INTERVAL_NANOS} per listener with
 * the number of failures since the last line.
 */
public final class AcceptErrorHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AcceptErrorHandler.class);

    /** How long accepting pauses after a failed accept. */
    static final long BACKOFF_MILLIS = 100;
    /** At most one log line per listener this often. */
    static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final LoopStats<ListenerStat> stats;
    private final LogLimiter log;
    private final Runnable resume;
    private ChannelConfig config;

    public AcceptErrorHandler(final LoopStats<ListenerStat> stats, final LogLimiter log) {
        this.stats = stats;
        this.log = log;
        this.resume = () -> {
            if (config != null) {
                config.setAutoRead(true);
            }
        };
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.config = ctx.channel().config();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (!(cause instanceof IOException)) {
            ctx.fireExceptionCaught(cause);
            return;
        }
        stats.inc(ListenerStat.DOWNSTREAM_CX_ACCEPT_ERROR);
        if (config.isAutoRead() && ctx.channel().isOpen()) {
            config.setAutoRead(false);
            ctx.channel().eventLoop().schedule(resume, BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        }
        log.failed(cause);
    }

    /**
     * Thread-safe (lock-free): one per listener, shared by its listening sockets. Logs the first failure, then at most
     * one line per interval with how many failures it did not log.
     */
    public static final class LogLimiter {
        private final String listener;
        private final LongSupplier clock;
        private final long intervalNanos;
        private final AtomicLong nextLogNanos;
        private final AtomicLong suppressed = new AtomicLong();
        private final AtomicLong lines = new AtomicLong();

        public LogLimiter(final String listener) {
            this(listener, System::nanoTime, LOG_INTERVAL_NANOS);
        }

        LogLimiter(final String listener, final LongSupplier clock, final long intervalNanos) {
            this.listener = listener;
            this.clock = clock;
            this.intervalNanos = intervalNanos;
            this.nextLogNanos = new AtomicLong(clock.getAsLong());
        }

        void failed(final Throwable cause) {
            final long now = clock.getAsLong();
            final long next = nextLogNanos.get();
            if (now - next < 0 || !nextLogNanos.compareAndSet(next, now + intervalNanos)) {
                suppressed.incrementAndGet();
                return;
            }
            final long more = suppressed.getAndSet(0);
            lines.incrementAndGet();
            LOG.warn("listener {}: accept failed: {}{}; pausing accepts for {} ms each time (at most one such line "
                + "per {} s)", listener, cause.getMessage(), more == 0 ? "" : " (and " + more + " more since the last "
                + "line)", BACKOFF_MILLIS, TimeUnit.NANOSECONDS.toSeconds(intervalNanos));
        }

        /** Lines logged so far (tests). */
        long lines() {
            return lines.get();
        }

        /** Failures not logged since the last line (tests). */
        long suppressed() {
            return suppressed.get();
        }
    }
}
