package io.strait.core.cluster;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The per-loop, per-host idle connection pool. Every call runs on the pool's loop, as in the proxy. */
class UpstreamPoolTest {

    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private <T> T onLoop(final Callable<T> c) throws Exception {
        return loop.submit(c).get(5, TimeUnit.SECONDS);
    }

    @Test
    void reusesTheMostRecentlyReleasedConnectionAndCapsIdleOnes() throws Exception {
        final UpstreamPool<Conn> pool = new UpstreamPool<>(loop, 2, 0);
        final Conn a = new Conn();
        final Conn b = new Conn();
        final Conn c = new Conn();
        onLoop(() -> {
            pool.release(a, System.nanoTime());
            pool.release(b, System.nanoTime());
            pool.release(c, System.nanoTime());
            return null;
        });
        assertThat(c.closed).as("over max_idle: closed, not kept").isTrue();
        assertThat(onLoop(pool::idleCount)).isEqualTo(2);
        assertThat(onLoop(pool::acquire)).isSameAs(b);
        assertThat(onLoop(pool::acquire)).isSameAs(a);
        assertThat(onLoop(pool::acquire)).isNull();
    }

    @Test
    void skipsAndClosesConnectionsThatDiedWhileIdle() throws Exception {
        final UpstreamPool<Conn> pool = new UpstreamPool<>(loop, 8, 0);
        final Conn a = new Conn();
        final Conn b = new Conn();
        onLoop(() -> {
            pool.release(a, System.nanoTime());
            pool.release(b, System.nanoTime());
            return null;
        });
        b.open = false;
        assertThat(onLoop(pool::acquire)).isSameAs(a);
        assertThat(b.closed).isTrue();
    }

    @Test
    void neverPoolsAConnectionThatIsNotReusable() throws Exception {
        final UpstreamPool<Conn> pool = new UpstreamPool<>(loop, 8, 0);
        final Conn a = new Conn();
        a.open = false;
        onLoop(() -> {
            pool.release(a, System.nanoTime());
            return null;
        });
        assertThat(a.closed).isTrue();
        assertThat(onLoop(pool::idleCount)).isZero();
    }

    @Test
    void closesConnectionsIdleLongerThanTheTimeout() throws Exception {
        final java.util.concurrent.atomic.AtomicInteger timedOut = new java.util.concurrent.atomic.AtomicInteger();
        final UpstreamPool<Conn> pool = new UpstreamPool<>(loop, 8, TimeUnit.MILLISECONDS.toNanos(100),
            timedOut::incrementAndGet);
        final Conn a = new Conn();
        onLoop(() -> {
            pool.release(a, System.nanoTime());
            return null;
        });
        assertThat(a.closed).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> a.closed);
        assertThat(onLoop(pool::idleCount)).isZero();
        assertThat(timedOut.get()).isEqualTo(1);   // counted once, as upstream_cx_idle_timeout
    }

    /** A fake connection. Written on the loop, read by the test thread after a hand-off through the loop. */
    @Test
    void aRetiredPoolClosesWhatItHoldsAndWhatIsReleasedUntilReinstated() throws Exception {
        final UpstreamPool<Conn> pool = new UpstreamPool<>(loop, 8, 0);
        final Conn idle = new Conn();
        final Conn inFlight = new Conn();
        final Conn later = new Conn();
        onLoop(() -> {
            pool.release(idle, System.nanoTime());
            pool.retire();
            pool.release(inFlight, System.nanoTime());   // an exchange that picked the host before it left
            return null;
        });
        assertThat(idle.closed).as("idle connections closed when the host leaves").isTrue();
        assertThat(inFlight.closed).as("released after: closed, not kept").isTrue();
        assertThat(onLoop(pool::acquire)).isNull();
        onLoop(() -> {
            pool.reinstate();
            pool.release(later, System.nanoTime());
            return null;
        });
        assertThat(later.closed).isFalse();
        assertThat(onLoop(pool::acquire)).isSameAs(later);
    }

    private static final class Conn implements UpstreamPool.Pooled {
        volatile boolean open = true;
        volatile boolean closed;
        private long idleSince;

        @Override
        public boolean isReusable() {
            return open && !closed;
        }

        @Override
        public void closeConnection() {
            closed = true;
        }

        @Override
        public long idleSinceNanos() {
            return idleSince;
        }

        @Override
        public void idleSinceNanos(final long nanos) {
            idleSince = nanos;
        }
    }
}
