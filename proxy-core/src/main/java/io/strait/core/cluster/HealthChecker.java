package io.strait.core.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.strait.core.config.HealthCheckConfig;
import io.strait.lb.Host;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Confined to the health event loop: never touches the request path. The active health check of one host: every
 * {@code interval} (plus a random jitter) it connects and, for an HTTP check, sends {@code GET path HTTP/1.1} with
 * {@code Connection: close} and reads only the status line. One result per attempt: passed, or failed (connect
 * failure, {@code timeout}, unexpected status, connection closed first). On a cluster with {@code tls} the check
 * connects over TLS, verified as the cluster's own connections are (a host that fails verification fails its check).
 */
final class HealthChecker {

    /** The status line must come within this many bytes. */
    private static final int MAX_STATUS_LINE = 1024;

    private final ClusterHealth owner;
    private final int hostIndex;
    private final Host host;
    private final HealthCheckConfig config;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    /** The cluster's upstream TLS (checks go over TLS, verified as requests' connections are), or null. */
    private final UpstreamTls tls;
    private final byte[] request;
    private final long intervalNanos;
    private final long jitterNanos;
    private final long timeoutNanos;
    private ScheduledFuture<?> next;
    private Attempt current;
    private boolean stopped;

    HealthChecker(final ClusterHealth owner, final int hostIndex, final Host host, final HealthCheckConfig config,
                  final EventLoop loop, final Bootstrap bootstrap, final UpstreamTls tls) {
        this.owner = owner;
        this.tls = tls;
        this.hostIndex = hostIndex;
        this.host = host;
        this.config = config;
        this.loop = loop;
        this.bootstrap = bootstrap;
        this.intervalNanos = config.interval().toNanos();
        this.jitterNanos = config.intervalJitter().toNanos();
        this.timeoutNanos = config.timeout().toNanos();
        this.request = config.type() == HealthCheckConfig.Type.HTTP
            ? ("GET " + config.path() + " HTTP/1.1\r\nHost: " + config.host()
                + "\r\nUser-Agent: strait-health-check\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)
            : null;
    }

    /** Schedules the first check within the first jitter (at most one interval), so hosts do not check in step. */
    void start() {
        schedule(jitterNanos > 0 ? ThreadLocalRandom.current().nextLong(jitterNanos + 1) : 0);
    }

    /** No more checks; an attempt in progress is abandoned. On the health loop. */
    void stop() {
        stopped = true;
        if (next != null) {
            next.cancel(false);
        }
        final Attempt a = current;
        if (a != null) {
            a.finish(false, true);
        }
    }

    private void schedule(final long delayNanos) {
        if (!stopped) {
            next = loop.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        if (stopped) {
            return;
        }
        owner.attempt();
        final Attempt a = new Attempt();
        current = a;
        a.timer = loop.schedule(() -> a.finish(false, false), timeoutNanos, TimeUnit.NANOSECONDS);
        final ChannelFuture connect;
        if (tls == null) {
            connect = bootstrap.clone().handler(a).connect(host.address());
        } else {
            // Over TLS the check's request goes once the handshake verified the host (not counted in ssl.*).
            final TlsConnection c = new TlsConnection(tls.newHandler(ByteBufAllocator.DEFAULT, host.address()), a,
                null);
            final ChannelFuture tcp = bootstrap.clone().handler(c).connect(host.address());
            connect = tcp.isDone() && !tcp.isSuccess() && !tcp.channel().isRegistered() ? tcp : c.start(tcp);
        }
        a.channel = connect.channel();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                a.finish(false, false);
            } else if (request == null) {
                a.finish(true, false);
            } else {
                a.channel.writeAndFlush(a.channel.alloc().buffer(request.length).writeBytes(request));
            }
        });
    }

    /** One check: reads the status line and reports once. */
    private final class Attempt extends ChannelInboundHandlerAdapter {
        private Channel channel;
        private ScheduledFuture<?> timer;
        private final StringBuilder line = new StringBuilder();
        private boolean done;

        void finish(final boolean passed, final boolean abandoned) {
            if (done) {
                return;
            }
            done = true;
            if (timer != null) {
                timer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            if (current == this) {
                current = null;
            }
            if (!abandoned) {
                owner.checked(hostIndex, passed);
                schedule(intervalNanos + (jitterNanos > 0 ? ThreadLocalRandom.current().nextLong(jitterNanos + 1)
                    : 0));
            }
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            try {
                while (!done && buf.isReadable()) {
                    final char c = (char) (buf.readByte() & 0xff);
                    if (c == '\n') {
                        finish(passed(line), false);
                    } else if (line.length() >= MAX_STATUS_LINE) {
                        finish(false, false);
                    } else {
                        line.append(c);
                    }
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx) {
            finish(false, false);
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
            finish(false, false);
        }
    }

    /** True if {@code statusLine} is {@code HTTP/1.x SSS ...} with an expected status. */
    private boolean passed(final CharSequence statusLine) {
        final String s = statusLine.toString();
        if (!s.startsWith("HTTP/1.") || s.length() < 12 || s.charAt(8) != ' ') {
            return false;
        }
        int status = 0;
        for (int i = 9; i < 12; i++) {
            final char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            status = status * 10 + (c - '0');
        }
        return (s.length() == 12 || s.charAt(12) == ' ' || s.charAt(12) == '\r') && config.expects(status);
    }
}
