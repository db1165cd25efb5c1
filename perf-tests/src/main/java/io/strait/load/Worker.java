package io.strait.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.SingleWriterRecorder;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Confined to its event loop, except {@link #counters()}, {@link #corrected()} and {@link #uncorrected()}, which
 * the coordinator reads from its own thread (single-writer counters with release stores; HdrHistogram's wait-free
 * {@link SingleWriterRecorder}). One worker owns its connections, a copy of the pre-encoded request, its recorders and
 * counters; nothing on the request path is shared with another worker.
 */
final class Worker {

    /** Highest latency the histograms track, in microseconds (one hour); longer ones are clamped. */
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final EventLoop loop;
    private final LoadOptions options;
    private final InetSocketAddress address;
    private final ByteBuf request;
    private final boolean openLoop;
    private final boolean churn;
    private final boolean headRequests;
    private final int pipeline;
    private final long totalSlots;
    private final double nanosPerRequest;
    private final long timeoutNanos;
    private final SingleWriterRecorder corrected = new SingleWriterRecorder(1, HIGHEST_MICROS, 3);
    private final SingleWriterRecorder uncorrected = new SingleWriterRecorder(1, HIGHEST_MICROS, 3);
    private final AtomicLongArray counters = new AtomicLongArray(LoadCounter.values().length);
    private final List<LoadSlot> connections = new ArrayList<>();
    private final List<Channel> idle = new ArrayList<>();
    private final IdleHandler idleHandler = new IdleHandler();
    private final Bootstrap bootstrap;
    private final Bootstrap idleBootstrap;
    private final int idleCount;
    private final TlsClient tls;

    private boolean running;
    private boolean stopped;
    private long t0;
    private long endNanos;
    private int pendingConnects;
    private CountDownLatch connectLatch;
    private ScheduledFuture<?> sweeper;

    Worker(final EventLoop loop, final Class<? extends Channel> channelClass, final LoadOptions options,
           final InetSocketAddress address, final byte[] encodedRequest, final long firstSlot, final int slots,
           final int idleCount, final TlsClient tls) {
        this.loop = loop;
        this.options = options;
        this.address = address;
        // Each worker its own copy: the reference count of a shared buffer would bounce between cores.
        this.request = Unpooled.directBuffer(encodedRequest.length).writeBytes(encodedRequest);
        this.openLoop = options.openLoop();
        this.churn = options.newConnectionPerRequest();
        this.headRequests = "HEAD".equals(options.method());
        this.pipeline = options.pipeline();
        this.totalSlots = options.connections();
        this.nanosPerRequest = openLoop ? 1e9 / options.rate() : 0;
        this.timeoutNanos = options.timeout().toNanos();
        this.idleCount = idleCount;
        this.tls = tls;
        final int connectTimeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.timeout().toMillis()));
        this.bootstrap = new Bootstrap()
            .group(loop)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis);
        this.idleBootstrap = bootstrap.clone().handler(tls == null ? idleHandler : new ChannelInitializer<>() {
            @Override
            protected void initChannel(final Channel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc()), idleHandler);
            }
        });
        final H2Request h2 = options.h2() ? new H2Request(options) : null;   // shared by this worker's slots
        for (int i = 0; i < slots; i++) {
            final long slot = firstSlot + i * (long) options.threads();
            connections.add(h2 != null ? new H2LoadConnection(this, bootstrap, slot, h2, options.streams())
                : new LoadConnection(this, bootstrap, slot));
        }
    }

    // ------------------------------------------------------------------------------------ coordinator side

    /** Thread-safe: opens the connections (unless churn) and the idle ones; counts the latch down when all tried. */
    void preconnect(final CountDownLatch latch) {
        loop.execute(() -> {
            connectLatch = latch;
            pendingConnects = (churn ? 0 : connections.size()) + idleCount;
            if (pendingConnects == 0) {
                latch.countDown();
                return;
            }
            if (!churn) {
                for (final LoadSlot c : connections) {
                    c.preconnect();
                }
            }
            for (int i = 0; i < idleCount; i++) {
                final ChannelFuture f = idleBootstrap.connect(address);
                idle.add(f.channel());
                f.addListener(idleHandler);
            }
        });
    }

    /**
     * Thread-safe: starts the load at {@code startNanos} ({@link System#nanoTime()} time base); the open loop sends
     * nothing intended at or after {@code endNanos}.
     */
    void start(final long startNanos, final long endNanos) {
        loop.execute(() -> {
            t0 = startNanos;
            this.endNanos = endNanos;
            running = true;
            for (final LoadSlot c : connections) {
                c.start(startNanos);
            }
            final long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1),
                Math.min(TimeUnit.MILLISECONDS.toNanos(100), timeoutNanos / 10));
            sweeper = loop.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
        });
    }

    /** Thread-safe: stops sending, closes every connection and releases the request; counts {@code done} down. */
    void stop(final CountDownLatch done) {
        loop.execute(() -> {
            if (!stopped) {
                stopped = true;
                running = false;
                if (sweeper != null) {
                    sweeper.cancel(false);
                }
                for (final LoadSlot c : connections) {
                    c.stop();
                }
                for (final Channel ch : idle) {
                    ch.close();
                }
                request.release();
            }
            done.countDown();
        });
    }

    AtomicLongArray counters() {
        return counters;
    }

    SingleWriterRecorder corrected() {
        return corrected;
    }

    SingleWriterRecorder uncorrected() {
        return uncorrected;
    }

    // ------------------------------------------------------------------------------------ loop side

    EventLoop loop() {
        return loop;
    }

    InetSocketAddress address() {
        return address;
    }

    ByteBuf request() {
        return request;
    }

    boolean running() {
        return running;
    }

    boolean openLoop() {
        return openLoop;
    }

    boolean churn() {
        return churn;
    }

    /** Returns the run's TLS client, or null for plain TCP. */
    TlsClient tls() {
        return tls;
    }

    boolean headRequests() {
        return headRequests;
    }

    int pipeline() {
        return pipeline;
    }

    long totalSlots() {
        return totalSlots;
    }

    double nanosPerRequest() {
        return nanosPerRequest;
    }

    long t0() {
        return t0;
    }

    /** Returns the end of the run's schedule: no request intended at or after it is sent. */
    long endNanos() {
        return endNanos;
    }

    /** Adds to a counter (single writer: a plain read and a release store). */
    void count(final LoadCounter c, final long delta) {
        if (delta != 0) {
            final int i = c.ordinal();
            counters.lazySet(i, counters.get(i) + delta);
        }
    }

    /** Records one response: latencies in nanoseconds (from intended and from actual send) and its status. */
    void record(final long correctedNanos, final long uncorrectedNanos, final int status) {
        corrected.recordValue(clamp(correctedNanos));
        uncorrected.recordValue(clamp(uncorrectedNanos));
        final LoadCounter c = switch (status / 100) {
            case 1 -> LoadCounter.STATUS_1XX;
            case 2 -> LoadCounter.STATUS_2XX;
            case 3 -> LoadCounter.STATUS_3XX;
            case 4 -> LoadCounter.STATUS_4XX;
            default -> LoadCounter.STATUS_5XX;
        };
        count(c, 1);
    }

    private static long clamp(final long nanos) {
        final long micros = nanos / 1000;
        return micros < 0 ? 0 : Math.min(micros, HIGHEST_MICROS);
    }

    /** Called when a connection attempt of the preconnect phase ended (success or not). */
    void connectDone() {
        if (pendingConnects > 0 && --pendingConnects == 0 && connectLatch != null) {
            connectLatch.countDown();
        }
    }

    private void sweep() {
        final long now = System.nanoTime();
        for (final LoadSlot c : connections) {
            c.checkTimeout(now, timeoutNanos);
        }
    }

    /** Confined to the loop: the handler and connect listener of all idle connections; discards what they read. */
    @ChannelHandler.Sharable
    private final class IdleHandler extends ChannelInboundHandlerAdapter implements ChannelFutureListener {
        @Override
        public void operationComplete(final ChannelFuture future) {
            if (future.isSuccess()) {
                count(LoadCounter.CONNECTIONS_OPENED, 1);
            } else {
                count(LoadCounter.CONNECT_ERRORS, 1);
                count(LoadCounter.IDLE_LOST, 1);
            }
            connectDone();
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            if (!stopped) {
                count(LoadCounter.IDLE_LOST, 1);
            }
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            ctx.close();
        }
    }
}
