package io.strait.core.cluster;

import io.netty.channel.EventLoop;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The multiplexed (HTTP/2) connections to one host, owned by one event loop: each carries many streams at once, so
 * the pool hands out a connection with a free stream, not an idle connection. Confined to that loop: no locks, no
 * atomics.
 *
 * <p>A connection is in the pool from the moment its connect starts (tries that come meanwhile wait for it instead of
 * opening their own) until it stops taking streams: closed, drained by the upstream's GOAWAY, at its request limit,
 * or closed for idling. {@link #acquire} returns the first connection, in the order they were added, with a free
 * stream: streams pack onto the oldest connections, and the ones opened for a burst fall idle and time out. A
 * connection that has no stream left is idle; one sweep task per pool closes those idle past the cluster's idle
 * timeout, and a connection falling idle beyond {@code maxIdle} idle ones is closed at once.
 *
 * @param <C> the connection type
 */
public final class UpstreamStreamPool<C extends UpstreamStreamPool.Multiplexed> {

    /** What the pool needs of a multiplexed connection. */
    public interface Multiplexed {
        /** True while the connection can take one more stream (connecting or open, not draining, below its limits). */
        boolean hasCapacity();

        /** True while the connection carries no stream. */
        boolean isIdle();

        /** When the connection last fell idle, in System.nanoTime() terms. */
        long idleSinceNanos();

        /** Closes the connection (gracefully: streams it still carries may finish). */
        void closeConnection();
    }

    private final EventLoop loop;
    private final int maxIdle;
    private final long idleTimeoutNanos;
    private final Runnable onIdleTimeout;
    private final ArrayList<C> connections = new ArrayList<>(4);
    private final Runnable sweep = this::sweep;
    private boolean sweepScheduled;
    /** True while the host is out of its cluster: no connection is kept once idle. */
    private boolean retired;
    /** The streams the host's last SETTINGS allowed per connection: what a new connection expects before its own. */
    private long peerMaxStreams = Long.MAX_VALUE;
    /**
     * Protocol auto over TLS: true once the host's last handshake picked h2 by ALPN, so new tries look here first
     * (false: unknown yet, or http/1.1; tries then open an HTTP/1.1 connection, which becomes HTTP/2 if ALPN says so).
     */
    private boolean alpnH2;

    /**
     * A pool.
     *
     * @param loop             the owning loop
     * @param maxIdle          idle connections kept at most
     * @param idleTimeoutNanos idle connections older than this are closed (0: never)
     * @param onIdleTimeout    run on the loop once per connection closed by the idle timeout (a stats counter)
     */
    public UpstreamStreamPool(final EventLoop loop, final int maxIdle, final long idleTimeoutNanos,
                              final Runnable onIdleTimeout) {
        this.loop = loop;
        this.maxIdle = maxIdle;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.onIdleTimeout = onIdleTimeout;
    }

    /** True once the host's last TLS handshake picked h2 ({@code protocol: auto}). */
    public boolean alpnH2() {
        return alpnH2;
    }

    /** What the host's last TLS handshake picked by ALPN: h2 ({@code true}) or http/1.1. */
    public void alpnH2(final boolean h2) {
        this.alpnH2 = h2;
    }

    /** The first connection with a free stream, or null when none has one (the caller may open a new one). */
    public C acquire() {
        final ArrayList<C> list = connections;
        for (int i = 0, n = list.size(); i < n; i++) {
            final C c = list.get(i);
            if (c.hasCapacity()) {
                return c;
            }
        }
        return null;
    }

    /** A new connection (its connect just started) joins the pool. */
    public void add(final C c) {
        connections.add(c);
    }

    /** A connection stops taking streams (closed, draining, at its request limit): it leaves the pool. */
    public void remove(final C c) {
        connections.remove(c);
    }

    /** True if {@code c} is in the pool. */
    public boolean contains(final C c) {
        return connections.contains(c);
    }

    /**
     * The streams per connection the host allowed in its latest SETTINGS ({@code Long.MAX_VALUE} until one came): a
     * connection still connecting expects as many, so a burst spreads over enough connections at once.
     */
    public long peerMaxStreams() {
        return peerMaxStreams;
    }

    /** Records the host's SETTINGS_MAX_CONCURRENT_STREAMS from a connection's SETTINGS. */
    public void peerMaxStreams(final long max) {
        this.peerMaxStreams = max;
    }

    /** Connections in the pool. */
    public int size() {
        return connections.size();
    }

    /**
     * {@code c} just carried its last stream: kept for the idle timeout, or closed when the host is retired or
     * {@code maxIdle} idle connections are already kept.
     */
    public void idle(final C c) {
        if (retired || idleCount() > maxIdle) {
            connections.remove(c);
            c.closeConnection();
            return;
        }
        if (!sweepScheduled && idleTimeoutNanos > 0) {
            sweepScheduled = true;
            loop.schedule(sweep, idleTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Connections in the pool that carry no stream. */
    public int idleCount() {
        int n = 0;
        for (int i = 0, size = connections.size(); i < size; i++) {
            if (connections.get(i).isIdle()) {
                n++;
            }
        }
        return n;
    }

    /**
     * The host left its cluster: idle connections are closed and the rest leave the pool (they close once their
     * streams end); new tries to the host open new connections only if they still pick it.
     */
    public void retire() {
        retired = true;
        closeAll();
    }

    /** The host is back in its cluster: connections are kept again. */
    public void reinstate() {
        retired = false;
    }

    /** True while retired. */
    public boolean retired() {
        return retired;
    }

    /** Closes every connection of the pool (gracefully) and empties it (shutdown, retirement). */
    public void closeAll() {
        for (int i = connections.size() - 1; i >= 0; i--) {
            connections.remove(i).closeConnection();
        }
    }

    private void sweep() {
        sweepScheduled = false;
        final long now = System.nanoTime();
        long oldest = Long.MAX_VALUE;
        for (int i = connections.size() - 1; i >= 0; i--) {
            final C c = connections.get(i);
            if (!c.isIdle()) {
                continue;
            }
            if (now - c.idleSinceNanos() >= idleTimeoutNanos) {
                connections.remove(i);
                c.closeConnection();
                onIdleTimeout.run();
            } else {
                oldest = Math.min(oldest, c.idleSinceNanos());
            }
        }
        if (oldest != Long.MAX_VALUE) {
            sweepScheduled = true;
            final long delay = idleTimeoutNanos - (now - oldest);
            loop.schedule(sweep, Math.max(delay, TimeUnit.MILLISECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        }
    }
}
