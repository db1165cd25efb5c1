package io.strait.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Confined to its worker's event loop. One request slot: a logical connection that keeps (or, in churn mode,
 * reopens) a channel to the target and sends requests on it, closed loop or on the open-loop schedule.
 *
 * <p>The slot is its channels' connect listener, its {@link Handler} their handler (sharable, stale channels are
 * ignored) and its {@link SlotSchedule} its timer task, so no listener or lambda is allocated per request. Per
 * request it allocates only what Netty needs: the retained duplicate of the worker's pre-encoded request.
 *
 * <p>Open loop: the k-th request of slot c (of C) is due at {@code t0 + (c + k*C) / rate}; its latency counts from
 * that intended time, so a request delayed by a slow earlier one (the connection was busy) carries the wait
 * (coordinated omission correction). The service time, from the actual write, goes to the uncorrected histogram.
 *
 * <p>TLS: each channel's pipeline is the worker's {@link TlsClient}'s {@link SslHandler}, then this slot. The slot
 * counts as connected (and sends) only once the handshake completed; a failed or timed-out handshake is a connect
 * error. In churn mode a request's latency counts from the connect, so it includes the handshake.
 */
final class LoadConnection extends AbstractLoadSlot implements ChannelFutureListener {

    private final Handler handler = new Handler();
    private final Bootstrap bootstrap;
    private final TlsClient tls;
    private final ResponseParser parser;
    private final int pipeline;
    private final long[] intendedRing;
    private final long[] actualRing;
    private int head;
    private int outstanding;
    private int sentOnChannel;

    private boolean connected;
    private long connectStartNanos;
    private boolean failed;

    LoadConnection(final Worker worker, final Bootstrap bootstrap, final long slot) {
        super(worker, slot);
        this.tls = worker.tls();
        this.bootstrap = bootstrap.clone().handler(tls == null ? handler : new ChannelInitializer<>() {
            @Override
            protected void initChannel(final Channel ch) {
                ch.pipeline().addLast(tls.newHandler(ch.alloc()), handler);
            }
        });
        this.parser = new ResponseParser(worker.headRequests());
        this.pipeline = worker.pipeline();
        this.intendedRing = new long[pipeline];
        this.actualRing = new long[pipeline];
    }

    @Override
    int dropOutstanding() {
        final int n = outstanding;
        outstanding = 0;
        return n;
    }

    /** Times out the oldest outstanding request if it is older than {@code timeoutNanos}. */
    @Override
    public void checkTimeout(final long now, final long timeoutNanos) {
        if (outstanding > 0 && now - actualRing[head] > timeoutNanos) {
            worker.count(LoadCounter.TIMEOUT_ERRORS, outstanding);
            outstanding = 0;
            head = 0;
            closeChannel();
            pump();
        }
    }

    @Override
    void pump() {
        if (!worker.running()) {
            return;
        }
        final long now = System.nanoTime();
        final boolean open = worker.openLoop();
        if (connecting(now)) {
            return;
        }
        final Channel ch = channel;
        if (!connected) {
            return;   // the connect listener pumps
        }
        final boolean churn = worker.churn();
        final ByteBuf request = worker.request();
        boolean wrote = false;
        while (outstanding < pipeline && !(churn && sentOnChannel > 0)) {
            final long intended = open ? schedule.takeDue(now) : churn ? connectStartNanos : now;
            if (intended == SlotSchedule.NONE) {
                break;
            }
            final long actual = churn ? connectStartNanos : now;
            final int tail = (head + outstanding) % pipeline;
            intendedRing[tail] = intended;
            actualRing[tail] = actual;
            outstanding++;
            sentOnChannel++;
            ch.write(request.retainedDuplicate(), ch.voidPromise());
            worker.count(LoadCounter.SENT, 1);
            worker.count(LoadCounter.BYTES_WRITTEN, request.readableBytes());
            wrote = true;
        }
        if (wrote) {
            ch.flush();
        }
    }

    @Override
    void connect(final long now) {
        connectStartNanos = now;
        connected = false;
        sentOnChannel = 0;
        parser.reset();
        final ChannelFuture f = bootstrap.connect(worker.address());
        channel = f.channel();
        f.addListener(this);
    }

    /** Connect listener. */
    @Override
    public void operationComplete(final ChannelFuture future) {
        if (future.channel() != channel) {
            return;
        }
        if (!future.isSuccess()) {
            connectFailed();
            return;
        }
        if (tls == null) {
            established();
        }
        // TLS: the handshake's completion event (userEventTriggered) goes on.
    }

    private void established() {
        connected = true;
        worker.count(LoadCounter.CONNECTIONS_OPENED, 1);
        worker.connectDone();
        pump();
    }

    /** The channel's handshake failed (alert, timeout, closed or reset during it): a connect error, then retry. */
    private void handshakeFailed(final Channel ch) {
        worker.count(LoadCounter.CONNECT_ERRORS, 1);
        worker.count(LoadCounter.TLS_HANDSHAKE_ERRORS, 1);
        worker.connectDone();
        channel = null;
        failed = false;
        parser.reset();
        ch.close();
        notBeforeNanos = System.nanoTime() + SlotSchedule.RECONNECT_DELAY_NANOS;
        pump();
    }

    /**
     * Records one response.
     *
     * @return false when the channel was closed (no keep-alive, churn)
     */
    private boolean complete(final long now, final int status, final boolean keepAlive) {
        final int h = head;
        worker.record(now - intendedRing[h], now - actualRing[h], status);
        head = h + 1 == pipeline ? 0 : h + 1;
        outstanding--;
        if (!keepAlive || worker.churn()) {
            if (outstanding > 0) {
                worker.count(LoadCounter.RESET_ERRORS, outstanding);
                outstanding = 0;
                head = 0;
            }
            closeChannel();
            pump();
            return false;
        }
        return true;
    }

    private void closeChannel() {
        final Channel ch = channel;
        channel = null;
        connected = false;
        parser.reset();
        if (ch != null) {
            ch.close();
        }
    }

    private void failChannel() {
        outstanding = 0;
        head = 0;
        closeChannel();
        notBeforeNanos = System.nanoTime() + SlotSchedule.RECONNECT_DELAY_NANOS;
        pump();
    }

    /** Confined to the loop: the handler of all the slot's channels; a stale channel's events are ignored. */
    @ChannelHandler.Sharable
    private final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) {
            if (evt instanceof SslHandshakeCompletionEvent e) {
                final Channel ch = ctx.channel();
                if (ch != channel || connected) {
                    return;
                }
                if (e.isSuccess()) {
                    worker.count(LoadCounter.TLS_HANDSHAKES, 1);
                    if (tls.resumed(ch.pipeline().get(SslHandler.class))) {
                        worker.count(LoadCounter.TLS_RESUMED, 1);
                    }
                    established();
                } else {
                    handshakeFailed(ch);
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            final ByteBuf buf = (ByteBuf) msg;
            try {
                final Channel ch = ctx.channel();
                if (ch != channel) {
                    return;
                }
                worker.count(LoadCounter.BYTES_READ, buf.readableBytes());
                long now = 0;
                while (buf.isReadable()) {
                    final int r = parser.parse(buf);
                    if (r == ResponseParser.NEED_MORE) {
                        break;
                    }
                    if (r == ResponseParser.ERROR || outstanding == 0) {
                        // A response nobody asked for costs no request: a connection error. An unparsable one costs
                        // its request, and the requests pipelined behind it are lost with the channel.
                        if (outstanding == 0) {
                            worker.count(LoadCounter.CONNECTION_ERRORS, 1);
                        } else {
                            worker.count(LoadCounter.PARSE_ERRORS, 1);
                            worker.count(LoadCounter.RESET_ERRORS, outstanding - 1);
                        }
                        failChannel();
                        return;
                    }
                    if (now == 0) {
                        now = System.nanoTime();
                    }
                    if (!complete(now, parser.status(), parser.keepAlive())) {
                        return;
                    }
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelReadComplete(final ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                pump();
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            if (ctx.channel() != channel) {
                return;
            }
            if (tls != null && !connected) {
                handshakeFailed(ctx.channel());   // closed before the handshake's completion event said why
                return;
            }
            if (parser.readsUntilClose() && outstanding > 0) {
                complete(System.nanoTime(), parser.status(), false);
                return;
            }
            final boolean lost = outstanding > 0 || failed;
            if (outstanding > 0) {
                worker.count(LoadCounter.RESET_ERRORS, outstanding);
            } else if (failed) {
                worker.count(LoadCounter.CONNECTION_ERRORS, 1);   // an I/O error that cost no request
            }
            failed = false;
            outstanding = 0;
            head = 0;
            channel = null;
            connected = false;
            parser.reset();
            if (lost) {
                notBeforeNanos = System.nanoTime() + SlotSchedule.RECONNECT_DELAY_NANOS;
            }
            pump();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            if (ctx.channel() == channel) {
                failed = true;
            }
            ctx.close();
        }
    }
}
