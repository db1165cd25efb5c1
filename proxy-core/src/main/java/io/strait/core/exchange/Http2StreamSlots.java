package io.strait.core.exchange;

import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;

import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * The stream slots one HTTP/2 connection keeps for reuse ({@link Http2StreamDownstream}: an exchange with its request
 * head and forwarding headers), so a connection serving stream after stream allocates no exchange per request. A busy
 * connection keeps up to its max_concurrent_streams (capped), an idle one fewer; slots of an older snapshot are
 * dropped, never reused. A dropped slot has its exchange discarded (its timer cancelled), so nothing it holds stays
 * reachable from the loop.
 *
 * <p>Confined to the connection's event loop.
 */
final class Http2StreamSlots {

    /** Slots kept for reuse while the connection has no stream open. */
    static final int MAX_POOLED_IDLE = 32;
    /** Slots kept for reuse at most while streams are open: a burst above it gets new slots, left to the GC. */
    static final int MAX_POOLED = 256;

    private final ArrayDeque<Http2StreamDownstream> pool = new ArrayDeque<>();
    /** Slots kept while busy: up to the connection's max_concurrent_streams within the bounds above. */
    private final int maxPooled;

    Http2StreamSlots(final int maxConcurrentStreams) {
        this.maxPooled = Math.max(MAX_POOLED_IDLE, Math.min(MAX_POOLED, maxConcurrentStreams));
    }

    /** A pooled slot, or a new one for {@code runtime} on {@code loop} (told the client's address once). */
    Http2StreamDownstream take(final DownstreamHttp2Handler connection, final ListenerRuntime runtime,
                               final LoopState loop, final SocketAddress peer) {
        final Http2StreamDownstream pooled = pool.pollFirst();
        if (pooled != null) {
            return pooled;
        }
        final Http2StreamDownstream s = new Http2StreamDownstream(connection, runtime, loop);
        if (peer != null) {
            s.forwarding.peer(peer);
            s.exchange.peer();
        }
        return s;
    }

    /**
     * Takes {@code s} back when it is {@code reusable} and the pool has room ({@code idle}: the connection has no
     * stream open); otherwise its exchange is discarded.
     */
    void give(final Http2StreamDownstream s, final boolean reusable, final boolean idle) {
        if (reusable && pool.size() < (idle ? MAX_POOLED_IDLE : maxPooled)) {
            pool.addFirst(s);
        } else {
            s.exchange.discard();
        }
    }

    /** The connection went idle: keeps what an idle connection may keep. */
    void trimToIdle() {
        while (pool.size() > MAX_POOLED_IDLE) {
            pool.pollLast().exchange.discard();
        }
    }

    /** Drops every pooled slot (the connection closed, or a reload made them stale). */
    void clear() {
        Http2StreamDownstream s;
        while ((s = pool.pollFirst()) != null) {
            s.exchange.discard();
        }
    }
}
