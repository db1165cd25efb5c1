package io.strait.core.cluster;

import io.netty.channel.EventLoop;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Idle keep-alive connections to one host, owned by one event loop. Confined to that loop: no
 * locks, no atomics. Connections are reused most-recently-released first (so the rest can age out);
 * connections idle past the cluster's idle timeout are closed by one sweep task per pool.
 *
 * @param <C> the pooled connection type
 */
public final class UpstreamPool<C extends UpstreamPool.Pooled> {

    /** What the pool needs of a connection. */
    public interface Pooled {
        /** True while the connection is open and may carry a request. */
        boolean isReusable();

        /** Closes the connection. */
        void closeConnection();

        /** The time it was last released, in System.nanoTime() terms. */
        long idleSinceNanos();

        /** Records the time it was released. */
        void idleSinceNanos(long nanos);
    }

    private final EventLoop loop;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final ArrayDeque<C> idle = new ArrayDeque<>();
    private final Runnable sweep = this::sweep;
    private boolean sweepScheduled;
    /** True while the host is out of its cluster (service discovery dropped it): nothing is kept. */
    private boolean retired;
    private final Runnable onIdleTimeout;

    /**
     * A pool.
     *
     * @param loop             the owning loop
     * @param maxIdle          idle connections kept at most
     * @param idleTimeoutNanos idle connections older than this are closed (0: never)
     */
    public UpstreamPool(final EventLoop loop, final int maxIdle, final long idleTimeoutNanos) {
        this(loop, maxIdle, idleTimeoutNanos, () -> { });
    }

    /**
     * A pool that reports each connection its idle timeout closes.
     *
     * @param loop             the owning loop
     * @param maxIdle          idle connections kept at most
     * @param idleTimeoutNanos idle connections older than this are closed (0: never)
     * @param onIdleTimeout    run on the loop once per connection closed by the idle timeout (a stats counter)
     */
    public UpstreamPool(final EventLoop loop, final int maxIdle, final long idleTimeoutNanos,
                        final Runnable onIdleTimeout) {
        this.loop = loop;
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.onIdleTimeout = onIdleTimeout;
    }

    /** An idle open connection, or null when none is left. */
    public C acquire() {
        C c;
        while ((c = idle.pollFirst()) != null) {
            if (c.isReusable()) {
                return c;
            }
            c.closeConnection();
        }
        return null;
    }

    /**
     * Returns a connection after a complete exchange; closes it when the pool is full or it is not reusable.
     *
     * @param nowNanos the current System.nanoTime(), which the caller has already read
     */
    public void release(final C c, final long nowNanos) {
        if (retired || !c.isReusable() || idle.size() >= maxIdle) {
            c.closeConnection();
            return;
        }
        c.idleSinceNanos(nowNanos);
        idle.addFirst(c);
        if (!sweepScheduled && idleTimeoutNanos > 0) {
            sweepScheduled = true;
            loop.schedule(sweep, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Forgets a connection that closed while idle. */
    public void remove(final C c) {
        idle.remove(c);
    }

    /** Idle connections now held. */
    public int idleCount() {
        return idle.size();
    }

    /**
     * The host left its cluster: closes the idle connections, and connections released from now on are closed
     * instead of kept (exchanges that picked the host before it left still finish on it).
     */
    public void retire() {
        retired = true;
        closeAll();
    }

    /** The host is back in its cluster (the same address resolved again): connections are kept again. */
    public void reinstate() {
        retired = false;
    }

    /** True while retired. */
    public boolean retired() {
        return retired;
    }

    /** Closes every idle connection (shutdown). */
    public void closeAll() {
        C c;
        while ((c = idle.pollFirst()) != null) {
            c.closeConnection();
        }
    }

    private void sweep() {
        sweepScheduled = false;
        final long now = System.nanoTime();
        C oldest;
        while ((oldest = idle.peekLast()) != null && now - oldest.idleSinceNanos() >= idleTimeoutNanos) {
            idle.pollLast();
            oldest.closeConnection();
            onIdleTimeout.run();
        }
        if (oldest != null) {
            sweepScheduled = true;
            final long delay = idleTimeoutNanos - (now - oldest.idleSinceNanos());
            loop.schedule(sweep, Math.max(delay, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        }
    }
}
