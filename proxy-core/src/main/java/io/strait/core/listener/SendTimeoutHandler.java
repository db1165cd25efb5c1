package io.strait.core.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.strait.core.codec.http1.Http1ServerCodec;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.LoopStats;

import java.util.concurrent.TimeUnit;

/**
 * The listener's {@code timeouts.send} (nginx's {@code send_timeout}, HAProxy's {@code timeout client} while
 * sending): resets a downstream connection whose client stopped reading. While the connection is writable this does
 * nothing at all. When its outbound buffer passes the high water mark ({@code limits.connection_buffer}) and the
 * channel turns unwritable, one timer is armed; when the buffer drains to the low mark (writable again) the timer is
 * cancelled. If the timer fires with the channel still unwritable, the client may still have made progress: on epoll,
 * the kernel sent it new data less than a timeout ago ({@link ClientProgress}); elsewhere, the outbound buffer shrank
 * since the timer was armed. Then the timer is armed again (a client that reads slowly but steadily keeps its
 * connection, even when half a buffer takes longer than the timeout to drain). Otherwise the connection
 * is reset (SO_LINGER 0, then close: a plain close would queue the FIN behind the bytes the client never reads, see
 * {@code BufferedConnections}) and counted in {@code listener.<name>.downstream_cx_send_timeout}; the exchanges it
 * carried end as downstream aborts.
 *
 * <p>On an HTTP/2 connection it sits first in the pipeline, before TLS and the codec. An HTTP/1.1 connection's codec
 * tells it of writability changes instead ({@link Http1ServerCodec.ConnectionWatch}): a pipeline entry of its own
 * would cost every idle connection a handler context (64 bytes). One instance serves all the connections of a
 * listener on one event loop (shared, stateless): a connection's timer state ({@link SendTimer}) is made the first
 * time it turns unwritable and kept in a channel attribute, so the idle connections a proxy mostly holds carry
 * nothing of it. Used on that loop only.
 */
@ChannelHandler.Sharable
public final class SendTimeoutHandler extends ChannelInboundHandlerAdapter
    implements Http1ServerCodec.ConnectionWatch {

    /** The handler's name in the pipeline. */
    public static final String NAME = "send-timeout";

    /** A connection's timer, once it was unwritable. */
    private static final AttributeKey<SendTimer> TIMER = AttributeKey.valueOf(SendTimeoutHandler.class, "timer");

    private final long timeoutMillis;
    private final LoopStats<ListenerStat> stats;

    /** A handler that resets a connection after {@code timeoutMillis} (&gt; 0) unwritable, counting in stats. */
    public SendTimeoutHandler(final long timeoutMillis, final LoopStats<ListenerStat> stats) {
        this.timeoutMillis = timeoutMillis;
        this.stats = stats;
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext context) throws Exception {
        writabilityChanged(context.channel());
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void writabilityChanged(final Channel ch) {
        if (ch.isWritable()) {
            cancel(ch);
        } else if (ch.isActive()) {
            final Attribute<SendTimer> attr = ch.attr(TIMER);
            SendTimer t = attr.get();
            if (t == null) {
                t = new SendTimer(ch, this);
                attr.set(t);
            }
            t.armIfIdle();
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext context) throws Exception {
        cancel(context.channel());
        context.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext context) {
        cancel(context.channel());
    }

    @Override
    public void closed(final Channel ch) {
        cancel(ch);
    }

    private static void cancel(final Channel ch) {
        if (ch.hasAttr(TIMER)) {
            final SendTimer t = ch.attr(TIMER).get();
            if (t != null) {
                t.cancel();
            }
        }
    }

    /** The timer of one connection that has been unwritable; confined to its event loop. */
    private static final class SendTimer implements Runnable {

        private final Channel ch;
        private final SendTimeoutHandler config;
        private final ClientProgress progress = new ClientProgress();
        /** The armed timer, or null while writable (or after the close). */
        private ScheduledFuture<?> timer;
        /** The bytes queued for the client when the timer was last armed. */
        private long pendingAtArm;

        SendTimer(final Channel ch, final SendTimeoutHandler config) {
            this.ch = ch;
            this.config = config;
        }

        /** Arms the timer for a whole timeout, unless it runs already. */
        void armIfIdle() {
            if (timer == null) {
                arm(config.timeoutMillis);
            }
        }

        /** The timer: the connection stayed unwritable for the whole timeout. */
        @Override
        public void run() {
            timer = null;
            if (!ch.isActive() || ch.isWritable()) {
                return;
            }
            final long timeoutMillis = config.timeoutMillis;
            final long idleMillis = progress.millisSinceLastTaken(ch);
            if (idleMillis >= 0 ? idleMillis < timeoutMillis : pending(ch) < pendingAtArm) {
                // the client took some bytes: slow, not stalled; on epoll the next check is a timeout after them
                arm(idleMillis >= 0 ? timeoutMillis - idleMillis : timeoutMillis);
                return;
            }
            config.stats.inc(ListenerStat.DOWNSTREAM_CX_SEND_TIMEOUT);
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (final RuntimeException e) {
                // the socket is already gone: the close below is all there is to do
            }
            ch.close();
        }

        private void arm(final long delayMillis) {
            pendingAtArm = pending(ch);
            timer = ch.eventLoop().schedule(this, delayMillis, TimeUnit.MILLISECONDS);
        }

        void cancel() {
            final ScheduledFuture<?> t = timer;
            if (t != null) {
                timer = null;
                t.cancel(false);
            }
        }
    }

    /** Bytes queued on {@code ch} for its client; 0 once it is closed. */
    private static long pending(final Channel ch) {
        final ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }
}
