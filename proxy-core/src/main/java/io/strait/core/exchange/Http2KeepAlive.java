package io.strait.core.exchange;

import io.netty.channel.EventLoop;
import io.strait.core.time.LoopTimer;
import io.strait.core.time.NanoClock;

/**
 * Keep-alive PINGs of one HTTP/2 connection (Envoy's {@code connection_keepalive}): a PING every interval, one out at
 * a time; when one is not acknowledged within the timeout the connection is closed, so a client (or a middlebox)
 * that vanished without a FIN does not hold its streams and buffers until the idle timeout. Confined to the
 * connection's event loop.
 */
final class Http2KeepAlive implements LoopTimer.Callback {

    private final DownstreamHttp2Handler connection;
    private final LoopTimer timer;
    private final long intervalNanos;
    private final long timeoutNanos;
    /** The payload of the PING awaiting its ACK (its send time, never 0), or 0. */
    private long sent;

    Http2KeepAlive(final DownstreamHttp2Handler connection, final EventLoop loop, final NanoClock clock,
                   final long intervalNanos, final long timeoutNanos) {
        this.connection = connection;
        this.timer = new LoopTimer(loop, clock, this);
        this.intervalNanos = intervalNanos;
        this.timeoutNanos = timeoutNanos;
    }

    void start(final long now) {
        timer.arm(now + intervalNanos);
    }

    void stop() {
        timer.cancel();
    }

    /** A PING ACK with {@code data} arrived: the next PING goes an interval from now. */
    void onAck(final long data, final long now) {
        if (sent != 0 && data == sent) {
            sent = 0;
            timer.arm(now + intervalNanos);
        }
    }

    @Override
    public void onTimer(final long now) {
        if (sent != 0) {
            connection.keepAliveTimedOut();
            return;
        }
        final long data = now == 0 ? 1 : now;
        if (connection.ping(data)) {
            sent = data;
            timer.arm(now + timeoutNanos);
        }
    }
}
