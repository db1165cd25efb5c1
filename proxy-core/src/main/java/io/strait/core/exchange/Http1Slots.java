package io.strait.core.exchange;

import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.LoopStats;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One event loop's pool of {@link Http1Slot}s for one listener runtime (a slot's exchange is built for the
 * listener's routes, limits and log, and for the snapshot's state on the loop): the per-request state of the
 * loop's HTTP/1.1 connections, taken when a request arrives and given back when its exchange is over. At most
 * {@link #MAX_POOLED} idle slots are kept; more (after a burst of concurrent requests) are dropped to the GC, their
 * timers cancelled. A pool of a superseded snapshot keeps nothing: its slots are dropped as their exchanges end.
 *
 * <p>The loop's pools are found through a per-thread registry ({@link #of}), once per connection and reload. Confined
 * to the loop: no locks.
 */
final class Http1Slots {

    /** Idle slots kept per loop and listener, at most (~1 KB each, their buffers not counted: they hold none). */
    static final int MAX_POOLED = 256;
    /**
     * Pools a loop's registry remembers (one per listener in force, plus those of a reload's old snapshot until found
     * superseded); the oldest is forgotten beyond, its connections keeping it (tests build many runtimes on a thread).
     */
    private static final int MAX_POOLS = 64;

    private static final FastThreadLocal<Http1Slots[]> LOOP = new FastThreadLocal<>() {
        @Override
        protected Http1Slots[] initialValue() {
            return new Http1Slots[MAX_POOLS];
        }
    };

    private final ListenerRuntime runtime;
    private final LoopState loop;
    private final LoopStats<HttpStat> stats;
    private final Http1Slot[] idle = new Http1Slot[MAX_POOLED];
    private int size;
    /** Slots made because the pool was empty (tests). */
    private long created;

    // The last peer address seen on this loop: connections from one client share its text and hash.
    private InetAddress lastAddress;
    private AsciiString lastText;
    private long lastHash;

    private Http1Slots(final ListenerRuntime runtime, final LoopState loop) {
        this.runtime = runtime;
        this.loop = loop;
        this.stats = runtime.stats().loop(loop.index());
    }

    /** The pool of {@code runtime} on {@code loop}; call on that loop. */
    static Http1Slots of(final ListenerRuntime runtime, final LoopState loop) {
        final Http1Slots[] pools = LOOP.get();
        int free = -1;
        for (int i = 0; i < pools.length; i++) {
            final Http1Slots p = pools[i];
            if (p == null) {
                if (free < 0) {
                    free = i;
                }
            } else if (p.runtime == runtime && p.loop == loop) {
                return p;
            } else if (p.loop.superseded()) {
                pools[i] = null;   // its connections moved on, or drop its slots as they end
                p.clear();
                if (free < 0) {
                    free = i;
                }
            }
        }
        final Http1Slots p = new Http1Slots(runtime, loop);
        if (free < 0) {
            System.arraycopy(pools, 1, pools, 0, pools.length - 1);   // forget the oldest
            free = pools.length - 1;
        }
        pools[free] = p;
        return p;
    }

    ListenerRuntime runtime() {
        return runtime;
    }

    LoopState loop() {
        return loop;
    }

    LoopStats<HttpStat> stats() {
        return stats;
    }

    /** An idle slot: a pooled one, or a new one when none is left. */
    Http1Slot take() {
        final int n = size;
        if (n == 0) {
            created++;
            return new Http1Slot(this);
        }
        final Http1Slot s = idle[n - 1];
        idle[n - 1] = null;
        size = n - 1;
        return s;
    }

    /** Takes back {@code s}, whose exchange is over; dropped (its timer cancelled) when full or superseded. */
    void give(final Http1Slot s) {
        final int n = size;
        if (n < MAX_POOLED && !loop.superseded()) {
            idle[n] = s;
            size = n + 1;
        } else {
            s.exchange.discard();
        }
    }

    /** Drops every idle slot. */
    private void clear() {
        for (int i = 0; i < size; i++) {
            idle[i].exchange.discard();
            idle[i] = null;
        }
        size = 0;
    }

    /** Idle slots in the pool. */
    int size() {
        return size;
    }

    /** Slots made so far because the pool was empty. */
    long created() {
        return created;
    }

    /**
     * The text of a connection's peer address (shared with the previous connection from the same address); its hash
     * follows from {@link #peerHash} right after.
     */
    AsciiString peerText(final SocketAddress remote) {
        if (remote instanceof InetSocketAddress) {
            final InetAddress a = ((InetSocketAddress) remote).getAddress();
            if (a != null && a.equals(lastAddress)) {
                return lastText;
            }
            lastAddress = a;
            lastText = ForwardingHeaders.addressText(remote);
            lastHash = ForwardingHeaders.addressHash(remote, lastText);
            return lastText;
        }
        final AsciiString t = ForwardingHeaders.addressText(remote);
        lastAddress = null;
        lastText = t;
        lastHash = ForwardingHeaders.addressHash(remote, t);
        return t;
    }

    /** The hash of the address {@link #peerText} was last asked for. */
    long peerHash() {
        return lastHash;
    }
}
