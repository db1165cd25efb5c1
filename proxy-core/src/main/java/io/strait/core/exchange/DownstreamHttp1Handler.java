package io.strait.core.exchange;

import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.time.LoopTimer;
import io.strait.core.time.NanoClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.flow.ReadGate;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;

/**
 * One downstream HTTP/1.1 connection (Envoy's connection manager, for one codec): feeds the events its codec
 * decodes to the connection's {@link Exchange} and owns what belongs to the connection, not the request: the idle
 * timeout between requests, draining, and flush batching (writes from a read batch, downstream or upstream, are
 * flushed once at its end). The codec before it in the pipeline owns framing, persistence and the order of
 * pipelined requests: it hands over the next request only once this one's response is written, so one exchange,
 * reused for every request, is enough.
 *
 * <p>Confined to the connection's event loop.
 */
public final class DownstreamHttp1Handler extends ChannelDuplexHandler implements Downstream, LoopTimer.Callback {

    private static final Logger LOG = LoggerFactory.getLogger(DownstreamHttp1Handler.class);

    /** The listener's runtime in the snapshot of {@link #loop}; replaced when a reload moves the connection on. */
    private ListenerRuntime listener;
    private final ServerContext server;
    /** This loop's state for the snapshot the connection's exchange runs on. */
    private LoopState loop;
    private ChannelHandlerContext ctx;
    private LoopStats<HttpStat> stats;
    private NanoClock clock;
    private ForwardingHeaders forwarding;
    private Exchange exchange;
    private LoopTimer idleTimer;
    /** When the connection, with no request in flight, has been idle too long (0: not idle). */
    private long idleDeadline;
    private boolean draining;
    /** True between a channelRead and its channelReadComplete: flushes wait for the batch's end. */
    private boolean reading;
    /** True when something was written downstream since the last flush. */
    private boolean dirty;

    /**
     * The handler of a connection accepted on {@code listener}; its exchanges run on the snapshot in force on the
     * loop (the listener's runtime is taken from it by name), and move to a newer one between requests.
     */
    public DownstreamHttp1Handler(final ListenerRuntime listener, final ServerContext server) {
        this.listener = listener;
        this.server = server;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx) {
        this.ctx = ctx;
        final LoopState state = server.loopState(ctx.channel().eventLoop());
        final ListenerRuntime current = state.snapshot().listener(listener.name());
        bind(state, current != null ? current : listener);
        this.clock = state.clock();
        this.idleTimer = new LoopTimer(state.loop(), clock, this);
    }

    /** Runs the connection's exchanges on {@code state} with {@code runtime} (the same snapshot's). */
    private void bind(final LoopState state, final ListenerRuntime runtime) {
        this.loop = state;
        this.listener = runtime;
        this.stats = runtime.stats().loop(state.index());
        this.forwarding = new ForwardingHeaders(runtime);
        this.exchange = new Exchange(runtime, state, this, stats, forwarding);
    }

    /**
     * A reload put a newer snapshot in force on this loop: the next request runs on it, with this listener's runtime
     * from it. A listener the new snapshot dropped keeps its old one (the reload drains its connections). Called
     * between requests, when no exchange is active; allocates once per reload and connection.
     */
    private void moveToLatest() {
        final LoopState latest = loop.latest();
        final ListenerRuntime runtime = latest.snapshot().listener(listener.name());
        if (runtime == null) {
            return;
        }
        bind(latest, runtime);
        final SocketAddress peer = ctx.channel().remoteAddress();
        if (peer != null) {
            forwarding.peer(peer);
        }
        exchange.peer();
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        stats.inc(HttpStat.DOWNSTREAM_CX_TOTAL);
        stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, 1);
        forwarding.peer(ctx.channel().remoteAddress());
        exchange.peer();
        armIdle(clock.nanoTime());
        if (server.isDraining()) {
            ctx.close();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        reading = true;
        if (msg instanceof ByteBuf) {
            exchange.onRequestBody((ByteBuf) msg);
        } else if (msg instanceof HttpRequestHead) {
            idleDeadline = 0;
            if (loop.superseded()) {
                moveToLatest();
            }
            exchange.onRequestHead((HttpRequestHead) msg);
        } else if (msg == HttpEnd.INSTANCE) {
            exchange.onRequestEnd();
        } else if (msg instanceof HttpDecodeError) {
            exchange.onDecodeError((HttpDecodeError) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        reading = false;
        exchange.onReadBatchEnd();
        flush();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        exchange.onDownstreamWritabilityChanged(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, -1);
        idleTimer.cancel();
        exchange.onDownstreamClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("downstream {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Starts draining: an idle connection closes now, a busy one after its response. Call on the loop. */
    public void drain() {
        draining = true;
        if (!exchange.active()) {
            closeAfterFlush();
        }
    }

    private void closeAfterFlush() {
        dirty = false;
        ctx.pipeline().firstContext().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    // ------------------------------------------------------------------ idle timeout

    private void armIdle(final long now) {
        final long idle = listener.idleTimeoutNanos();
        if (idle > 0) {
            idleDeadline = now + idle;
            idleTimer.arm(idleDeadline);
        }
    }

    @Override
    public void onTimer(final long now) {
        if (!ctx.channel().isActive() || idleDeadline == 0) {
            return;   // busy: the exchange's end arms the idle deadline again
        }
        if (now - idleDeadline >= 0) {
            idleDeadline = 0;
            stats.inc(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT);
            ctx.close();
        } else {
            idleTimer.arm(idleDeadline);
        }
    }

    // ------------------------------------------------------------------ Downstream, for the exchange

    @Override
    public void write(final Object msg) {
        ctx.write(msg, ctx.voidPromise());
        dirty = true;
    }

    @Override
    public void flush() {
        if (dirty) {
            dirty = false;
            ctx.flush();
        }
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void pauseReading(final int reason) {
        ReadGate.of(ctx.channel()).close(reason);
    }

    @Override
    public void resumeReading(final int reason) {
        ReadGate.of(ctx.channel()).open(reason);
    }

    @Override
    public boolean inReadBatch() {
        return reading;
    }

    @Override
    public void reset() {
        ctx.close();
    }

    @Override
    public boolean closing() {
        return draining || server.isDraining();
    }

    @Override
    public ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    @Override
    public void exchangeDone(final long nowNanos) {
        if (closing()) {
            closeAfterFlush();
            return;
        }
        armIdle(nowNanos);
    }
}
