package io.strait.core.exchange;

import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.codec.http1.Http1ServerCodec;
import io.strait.core.time.NanoClock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.flow.ReadGate;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;
import io.strait.tls.PeerIdentity;
import io.strait.tls.handler.PeerIdentityHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One downstream HTTP/1.1 connection (Envoy's connection manager, for one codec): feeds the events its codec
 * decodes to the exchange of the request in progress and owns what belongs to the connection, not the request: the
 * idle timeout between requests, draining, and flush batching (writes from a read batch, downstream or upstream, are
 * flushed once at its end). The codec before it in the pipeline owns framing, persistence and the order of
 * pipelined requests: it hands over the next request only once this one's response is written, so one exchange at
 * a time is enough. That exchange comes with an {@link Http1Slot} taken from the loop's pool ({@link Http1Slots})
 * when a request arrives and given back when it ends: an idle keep-alive connection holds only this handler.
 *
 * <p>Confined to the connection's event loop.
 */
public final class DownstreamHttp1Handler extends ChannelDuplexHandler implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DownstreamHttp1Handler.class);

    /**
     * How long an idle connection stays open once draining starts. Closing it at once loses a request the client
     * sent before it could see the close (on the wire, in the socket buffer, or the first request of a connection
     * accepted a moment before the listener closed): the close then resets it, and the client cannot tell whether it
     * was processed. Given this long, such a request is read and answered with {@code Connection: close}; only a
     * client that stays idle for the whole grace can still race the close, as it can with any idle timeout. (Envoy,
     * likewise, answers with {@code Connection: close} during a drain and closes idle HTTP/1.1 connections only at
     * the end of its drain timeout.)
     */
    public static final long DRAIN_IDLE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The listener's runtime in the snapshot of {@link #loop}; replaced when a reload moves the connection on. */
    private ListenerRuntime listener;
    private final ServerContext server;
    /** This loop's state for the snapshot the connection's exchange runs on. */
    private LoopState loop;
    private ChannelHandlerContext ctx;
    private LoopStats<HttpStat> stats;
    private NanoClock clock;
    /** The loop's pool of per-request state for {@link #listener}. */
    private Http1Slots slots;
    /** The request in progress's slot (its exchange); null while the connection is idle. */
    private Http1Slot slot;
    /** The peer's address as text (shared by the loop's connections from one address) and its hash. */
    private AsciiString peerIp;
    private long peerHash;
    /** The codec before this handler: its timer keeps the idle deadline too (one timer task per connection). */
    private Http1ServerCodec codec;
    /** The idle deadline is armed on the codec's timer (which calls {@link #run}). */
    private boolean idleArmed;
    /** When the connection, with no request in flight, has been idle too long (0: not idle). */
    private long idleDeadline;
    private boolean draining;
    /** The connection went to another protocol's handler ({@link #handOver}). */
    private boolean handedOver;
    /** True between a channelRead and its channelReadComplete: flushes wait for the batch's end. */
    private boolean reading;
    /** True when something was written downstream since the last flush. */
    private boolean dirty;
    /** The verified client's identity, read from the channel on first use. */
    private PeerIdentity peer;
    private boolean peerKnown;

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
        this.codec = ctx.pipeline().get(Http1ServerCodec.class);
        if (codec == null) {
            throw new IllegalStateException("DownstreamHttp1Handler needs an Http1ServerCodec before it");
        }
    }

    /** Runs the connection's exchanges on {@code state} with {@code runtime} (the same snapshot's). */
    private void bind(final LoopState state, final ListenerRuntime runtime) {
        this.loop = state;
        this.listener = runtime;
        this.stats = runtime.stats().loop(state.index());
        this.slots = Http1Slots.of(runtime, state);
    }

    /**
     * A reload put a newer snapshot in force on this loop: the next request runs on it, with this listener's runtime
     * from it. A listener the new snapshot dropped keeps its old one (the reload drains its connections). Called
     * between requests, when no exchange is active; allocates nothing.
     */
    private void moveToLatest() {
        final LoopState latest = loop.latest();
        final ListenerRuntime runtime = latest.snapshot().listener(listener.name());
        if (runtime == null) {
            return;
        }
        bind(latest, runtime);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        stats.inc(HttpStat.DOWNSTREAM_CX_TOTAL);
        stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, 1);
        peer(ctx.channel().remoteAddress());
        armIdle(clock.nanoTime());
        if (server.isDraining()) {
            drain();   // accepted just before the listener closed: its request may be on the way
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        reading = true;
        final Http1Slot s = slot;
        if (msg instanceof ByteBuf) {
            if (s != null) {
                s.exchange.onRequestBody((ByteBuf) msg);
            } else {
                ((ByteBuf) msg).release();   // the codec fires a body only after its head: never here
            }
        } else if (msg instanceof HttpRequestHead) {
            idleDeadline = 0;
            takeSlot().onRequestHead((HttpRequestHead) msg);
        } else if (msg == HttpEnd.INSTANCE) {
            if (s != null) {
                s.exchange.onRequestEnd();
            }
        } else if (msg instanceof HttpTrailers) {
            if (s != null) {
                s.exchange.onRequestTrailers((HttpTrailers) msg);
            }
        } else if (msg instanceof HttpDecodeError) {
            (s != null ? s.exchange : takeSlot()).onDecodeError((HttpDecodeError) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    /** A request starts: takes a slot from the loop's pool (on the snapshot in force) for its exchange. */
    private Exchange takeSlot() {
        if (loop.superseded()) {
            moveToLatest();
        }
        final Http1Slot s = slots.take();
        s.bind(this, peerIp, peerHash);
        slot = s;
        return s.exchange;
    }

    /** The peer is known: its address's text and hash, for the forwarding headers and the access log. */
    private void peer(final SocketAddress remote) {
        peerIp = slots.peerText(remote);
        peerHash = slots.peerHash();
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        reading = false;
        final Http1Slot s = slot;
        if (s != null) {
            s.exchange.onReadBatchEnd();
        }
        flush();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) {
        final Http1Slot s = slot;
        if (s != null) {
            s.exchange.onDownstreamWritabilityChanged(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) {
        if (handedOver) {
            ctx.fireChannelInactive();
            return;
        }
        stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, -1);   // the codec's timer went with its channelInactive
        final Http1Slot s = slot;
        if (s != null) {
            slot = null;
            s.exchange.onDownstreamClosed();
            s.pool.give(s);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("downstream {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /**
     * The connection turned out to speak another protocol (a protocol selector found HTTP/2 before any request) and
     * this handler is about to leave the pipeline (the codec and its timer, the idle timeout's, leave too): gives back
     * the open-connection gauge. The accept stays counted; the next handler counts the connection as open again.
     */
    public void handOver() {
        stats.add(HttpStat.DOWNSTREAM_CX_ACTIVE, -1);
        handedOver = true;
    }

    /**
     * Starts draining: a busy connection closes after its response (which says {@code Connection: close}); an idle
     * one is served once more if a request comes within {@link #DRAIN_IDLE_GRACE_NANOS}, and closed then. Call on
     * the loop.
     */
    public void drain() {
        draining = true;
        if (slot == null) {
            armDrainGrace(clock.nanoTime());
        }
    }

    /** While draining, an idle connection closes at the earlier of its idle deadline and the drain grace. */
    private void armDrainGrace(final long now) {
        final long graceEnd = now + DRAIN_IDLE_GRACE_NANOS;
        if (idleDeadline == 0 || graceEnd - idleDeadline < 0) {
            idleDeadline = graceEnd;
        }
        idleArmed = true;
        codec.armConnectionDeadline(idleDeadline - now, this);   // the timer keeps the earlier of two
    }

    // ------------------------------------------------------------------ idle timeout

    private void armIdle(final long now) {
        final long idle = listener.idleTimeoutNanos();
        if (idle > 0) {
            idleDeadline = now + idle;
            if (!idleArmed) {   // else the armed (earlier) deadline comes first and arms this one (no work per request)
                idleArmed = true;
                codec.armConnectionDeadline(idle, this);
            }
        }
    }

    /** The connection timer reached the idle deadline armed (or an earlier one): closes the connection if idle. */
    @Override
    public void run() {
        idleArmed = false;
        if (!ctx.channel().isActive() || idleDeadline == 0) {
            return;   // busy: the exchange's end arms the idle deadline again
        }
        final long now = clock.nanoTime();
        if (now - idleDeadline >= 0) {
            idleDeadline = 0;
            if (!closing()) {
                stats.inc(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT);
            }
            ctx.close();
        } else {
            idleArmed = true;
            codec.armConnectionDeadline(idleDeadline - now, this);
        }
    }

    // ------------------------------------------------------------------ Downstream, for the slot's exchange

    void write(final Object msg) {
        ctx.write(msg, ctx.voidPromise());
        dirty = true;
    }

    void flush() {
        if (dirty) {
            dirty = false;
            ctx.flush();
        }
    }

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    void pauseReading(final int reason) {
        ReadGate.of(ctx.channel()).close(reason);
    }

    void resumeReading(final int reason) {
        ReadGate.open(ctx.channel(), reason);
    }

    boolean inReadBatch() {
        return reading;
    }

    void reset() {
        ctx.close();
    }

    boolean closing() {
        if (!draining && slot != null && loop.overload().disableKeepalive(loop.index())) {
            draining = true;   // overload: this response says close, once per connection (counted by the check)
        }
        return draining || server.isDraining();
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    PeerIdentity peerIdentity() {
        // Set by the TLS side once the handshake is done, before any request is read; fixed for the connection.
        if (!peerKnown) {
            peerKnown = true;
            final Channel ch = ctx.channel();
            peer = ch.hasAttr(PeerIdentityHandler.PEER_IDENTITY) ? ch.attr(PeerIdentityHandler.PEER_IDENTITY).get()
                : null;
        }
        return peer;
    }

    /** True while a request's exchange holds a slot from the loop's pool (tests). */
    boolean holdsExchange() {
        return slot != null;
    }

    /** The loop's pool this connection takes its slots from (tests). */
    Http1Slots slots() {
        return slots;
    }

    /** The exchange of {@code s} is over at {@code nowNanos}: the slot goes back to its pool; the connection idles. */
    void exchangeDone(final Http1Slot s, final long nowNanos) {
        if (slot == s) {
            slot = null;
            s.pool.give(s);
        }
        armIdle(nowNanos);
        if (closing()) {
            // A response that said Connection: close is closed by the codec once written. One that began before the
            // drain said keep-alive: the client may be sending its next request already, so the connection waits
            // for it like an idle one, and that request's response says close.
            armDrainGrace(nowNanos);
        }
    }
}
