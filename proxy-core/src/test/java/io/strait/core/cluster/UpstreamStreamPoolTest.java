package io.strait.core.cluster;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The per-loop, per-host pool of multiplexed (HTTP/2) connections. Every call runs on the pool's loop. */
class UpstreamStreamPoolTest {

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private <T> T onLoop(final Callable<T> c) throws Exception {
        return loop.submit(c).get(5, TimeUnit.SECONDS);
    }

    @Test
    void handsOutTheOldestConnectionWithAFreeStream() throws Exception {
        final UpstreamStreamPool<Conn> pool = new UpstreamStreamPool<>(loop, 8, 0, () -> { });
        final Conn a = new Conn(2);
        final Conn b = new Conn(2);
        onLoop(() -> {
            pool.add(a);
            pool.add(b);
            return null;
        });
        assertThat(onLoop(pool::acquire)).isSameAs(a);
        a.streams = 2;   // full: the next stream goes to b
        assertThat(onLoop(pool::acquire)).isSameAs(b);
        b.streams = 2;
        assertThat(onLoop(pool::acquire)).as("none has room: the caller opens a new connection").isNull();
        a.streams = 1;
        assertThat(onLoop(pool::acquire)).isSameAs(a);
    }

    @Test
    void aConnectionThatStopsTakingStreamsLeavesThePool() throws Exception {
        final UpstreamStreamPool<Conn> pool = new UpstreamStreamPool<>(loop, 8, 0, () -> { });
        final Conn a = new Conn(100);
        onLoop(() -> {
            pool.add(a);
            pool.remove(a);   // GOAWAY, request limit
            return null;
        });
        assertThat(onLoop(pool::acquire)).isNull();
        assertThat(onLoop(pool::size)).isZero();
    }

    @Test
    void idleConnectionsBeyondMaxIdleAreClosedAtOnce() throws Exception {
        final UpstreamStreamPool<Conn> pool = new UpstreamStreamPool<>(loop, 1, 0, () -> { });
        final Conn a = new Conn(100);
        final Conn b = new Conn(100);
        b.streams = 1;
        onLoop(() -> {
            pool.add(a);
            pool.add(b);
            pool.idle(a);
            b.streams = 0;
            pool.idle(b);
            return null;
        });
        assertThat(a.closed).isFalse();
        assertThat(b.closed).as("a second idle connection over max_idle 1").isTrue();
        assertThat(onLoop(pool::size)).isEqualTo(1);
    }

    @Test
    void closesConnectionsIdleLongerThanTheTimeout() throws Exception {
        final AtomicInteger timedOut = new AtomicInteger();
        final UpstreamStreamPool<Conn> pool = new UpstreamStreamPool<>(loop, 8,
            TimeUnit.MILLISECONDS.toNanos(100), timedOut::incrementAndGet);
        final Conn idle = new Conn(100);
        final Conn busy = new Conn(100);
        busy.streams = 3;
        onLoop(() -> {
            pool.add(idle);
            pool.add(busy);
            idle.idleSince = System.nanoTime();
            pool.idle(idle);
            return null;
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> idle.closed);
        assertThat(busy.closed).as("a connection carrying streams is never idle").isFalse();
        assertThat(timedOut.get()).isEqualTo(1);
        assertThat(onLoop(pool::size)).isEqualTo(1);
    }

    @Test
    void retiringClosesEveryConnectionAndKeepsNoneAfter() throws Exception {
        final UpstreamStreamPool<Conn> pool = new UpstreamStreamPool<>(loop, 8, 0, () -> { });
        final Conn a = new Conn(100);
        final Conn b = new Conn(100);
        onLoop(() -> {
            pool.add(a);
            pool.retire();
            pool.add(b);
            pool.idle(b);
            return null;
        });
        assertThat(a.closed).isTrue();
        assertThat(b.closed).as("idle while retired: closed").isTrue();
        assertThat(onLoop(pool::size)).isZero();
        onLoop(() -> {
            pool.reinstate();
            return null;
        });
        assertThat(onLoop(pool::retired)).isFalse();
    }

    /** A connection with a stream limit; the test sets its open streams. */
    private static final class Conn implements UpstreamStreamPool.Multiplexed {
        private final int max;
        private volatile int streams;
        private volatile long idleSince;
        private volatile boolean closed;

        Conn(final int max) {
            this.max = max;
        }

        @Override
        public boolean hasCapacity() {
            return !closed && streams < max;
        }

        @Override
        public boolean isIdle() {
            return streams == 0;
        }

        @Override
        public long idleSinceNanos() {
            return idleSince;
        }

        @Override
        public void closeConnection() {
            closed = true;
        }
    }
}
