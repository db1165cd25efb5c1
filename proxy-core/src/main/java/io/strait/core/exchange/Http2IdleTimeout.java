package io.strait.core.exchange;

import io.netty.channel.EventLoop;
import io.strait.core.time.LoopTimer;
import io.strait.core.time.NanoClock;

/**
 * The idle timeout of one HTTP/2 connection: it runs only while the connection has no stream open (the last stream's
 * close starts it, a new stream stops it), and when it expires the connection is told to go away. The timer is armed
 * lazily: a stream that opens and closes within the deadline moves the deadline, not the timer.
 *
 * <p>Confined to the connection's event loop.
 */
final class Http2IdleTimeout implements LoopTimer.Callback {

    private final DownstreamHttp2Handler connection;
    private final LoopTimer timer;
    /** When the connection times out if still idle, or 0 while a stream is open. */
    private long deadline;

    Http2IdleTimeout(final DownstreamHttp2Handler connection, final EventLoop loop, final NanoClock clock) {
        this.connection = connection;
        this.timer = new LoopTimer(loop, clock, this);
    }

    /** The connection has no stream open since {@code now}; it may stay so for {@code idleNanos} (0: forever). */
    void start(final long now, final long idleNanos) {
        if (idleNanos > 0) {
            deadline = now + idleNanos;
            timer.arm(deadline);
        }
    }

    /** A stream opened: the connection is busy. */
    void busy() {
        deadline = 0;
    }

    void stop() {
        deadline = 0;
        timer.cancel();
    }

    @Override
    public void onTimer(final long now) {
        if (deadline == 0 || !connection.isIdle()) {
            return;   // busy: the last stream's close starts the clock again
        }
        if (now - deadline >= 0) {
            deadline = 0;
            connection.idleTimedOut();
        } else {
            timer.arm(deadline);
        }
    }
}
