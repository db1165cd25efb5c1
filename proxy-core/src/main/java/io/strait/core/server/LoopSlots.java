package io.strait.core.server;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.strait.core.cluster.Cluster;
import io.strait.core.overload.OverloadState;
import io.strait.core.snapshot.LoopState;
import io.strait.core.snapshot.ProxySnapshot;
import io.strait.lb.HostSet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which {@link LoopState} each event loop has in force: set at start, switched by a reload, and the target of host-set
 * changes. Each loop's slot is written on that loop (tasks posted by {@link #switchTo} and {@link #publish}) and read
 * on it by new connections ({@link #stateOf}): no synchronization on the request path.
 *
 * <p>Thread-safe: {@link #switchTo} and {@link #closePools} are called from the server's thread, {@link #publish} from
 * the health or DNS thread; both only post tasks to the loops.
 */
final class LoopSlots {

    /** One event loop's state in force; {@code current} is written and read on that loop only (after start). */
    private static final class Slot {
        final EventLoop loop;
        LoopState current;

        Slot(final EventLoop loop, final LoopState current) {
            this.loop = loop;
            this.current = current;
        }
    }

    private final Map<EventLoop, Slot> slots;
    /** The loops and their indexes, in order. */
    private final Map<EventLoop, Integer> indexes;

    /**
     * A state of {@code snapshot} for every loop of {@code group}, each with its own random source seeded from
     * {@code seed}, all reading the server's {@code overload} state.
     */
    LoopSlots(final EventExecutorGroup group, final ProxySnapshot snapshot,
              final Class<? extends Channel> socketChannel, final ByteBufAllocator allocator, final long seed,
              final OverloadState overload) {
        final Map<EventLoop, Slot> map = new IdentityHashMap<>();
        final Map<EventLoop, Integer> order = new LinkedHashMap<>();
        int i = 0;
        for (final EventExecutor e : group) {
            final EventLoop loop = (EventLoop) e;
            map.put(loop, new Slot(loop, new LoopState(i, loop, snapshot, socketChannel, allocator,
                seed + i * 0x9E3779B97F4A7C15L, overload)));
            order.put(loop, i);
            i++;
        }
        this.slots = map;
        this.indexes = order;
    }

    /** The state in force on {@code loop}. Call on that loop. */
    LoopState stateOf(final EventLoop loop) {
        return slots.get(loop).current;
    }

    /** The loops and their indexes, in order. */
    Map<EventLoop, Integer> indexes() {
        return indexes;
    }

    /** The event loops. */
    Collection<EventLoop> loops() {
        return List.copyOf(indexes.keySet());
    }

    /**
     * Hands a cluster's new host set to every loop, which rebuilds its own balancer from it. The task finds the cluster
     * in the snapshot in force on the loop when it runs; a cluster a reload dropped is skipped.
     */
    void publish(final Cluster cluster, final HostSet set) {
        for (final Slot slot : slots.values()) {
            slot.loop.execute(() -> {
                final LoopState s = slot.current;
                final int index = s.snapshot().indexOf(cluster);
                if (index >= 0) {
                    s.rebuild(index, set);
                }
            });
        }
    }

    /** Every loop builds its state for {@code fresh} from its current one and puts it in force; waits for all. */
    void switchTo(final ProxySnapshot fresh) {
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Future<?>> done = new ArrayList<>();
        for (final Slot slot : slots.values()) {
            done.add(slot.loop.submit(() -> {
                try {
                    slot.current = slot.current.supersede(fresh);
                } catch (final RuntimeException e) {
                    failure.set(e);
                }
            }));
        }
        for (final Future<?> f : done) {
            f.syncUninterruptibly();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a loop could not switch to the new configuration", failure.get());
        }
    }

    /** Asks every loop to close its idle pooled connections (shutdown). */
    void closePools() {
        for (final Slot s : slots.values()) {
            s.loop.execute(() -> s.current.closePools());
        }
    }
}
