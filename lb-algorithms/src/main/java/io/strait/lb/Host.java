package io.strait.lb;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One upstream endpoint of a cluster: its address, weight, health, the count of requests now
 * active on it and its request and connection counters ({@link #stats()}). Thread-safe: shared by every event loop.
 *
 * <p>The active-request count is the one field every loop writes on every request; it sits alone
 * between padding so that two hosts' counts never share a cache line.
 */
public final class Host extends HostRhsPadding {

    private static final AtomicInteger NEXT_ID = new AtomicInteger();
    /** A VarHandle, not an AtomicLongFieldUpdater: its getAndAdd is one LOCK XADD, not a CAS loop. */
    private static final VarHandle ACTIVE;

    static {
        try {
            ACTIVE = MethodHandles.lookup().findVarHandle(HostActiveField.class, "active", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int id;
    private final InetSocketAddress address;
    private final String label;
    private final int weight;
    private final HostStats stats;
    private volatile boolean healthy = true;

    /**
     * A host whose counters have slots for one event loop (load-balancing tests and tools; the proxy gives its loop
     * count, see {@link #Host(InetSocketAddress, int, int)}).
     *
     * @param address the resolved address to connect to
     * @param weight  the load-balancing weight, &gt;= 0 (0 means: never picked)
     */
    public Host(final InetSocketAddress address, final int weight) {
        this(address, weight, 1);
    }

    /**
     * A host.
     *
     * @param address the resolved address to connect to
     * @param weight  the load-balancing weight, &gt;= 0 (0 means: never picked)
     * @param loops   the number of event loops that count requests to it, &gt;= 1 (see {@link HostStats})
     */
    public Host(final InetSocketAddress address, final int weight, final int loops) {
        if (weight < 0) {
            throw new IllegalArgumentException("weight must be >= 0: " + weight);
        }
        this.id = NEXT_ID.getAndIncrement();
        this.address = address;
        this.weight = weight;
        this.stats = new HostStats(loops);
        this.label = address.getHostString() + ":" + address.getPort();
    }

    /** A process-wide unique small integer: lets per-loop tables index hosts by array slot. */
    public int id() {
        return id;
    }

    /** The address to connect to. */
    public InetSocketAddress address() {
        return address;
    }

    /** The weight (&gt;= 0). */
    public int weight() {
        return weight;
    }

    /** The host's request and connection counters, one slot per event loop, summed on read. */
    public HostStats stats() {
        return stats;
    }

    /** True unless health checking or outlier detection took the host out. */
    public boolean isHealthy() {
        return healthy;
    }

    /** Sets the health flag (written off the request path). */
    public void healthy(final boolean healthy) {
        this.healthy = healthy;
    }

    /** Requests now active on this host, summed over all loops. */
    public long activeRequests() {
        return (long) ACTIVE.getVolatile(this);
    }

    /**
     * One more request is active on the host. The call's types match the handle's exactly (receiver, result): an
     * inexact call goes through VarHandle's asType guard, which a profile showed out of line at 1.6% of the loop.
     */
    public void incrementActive() {
        final long before = (long) ACTIVE.getAndAdd((HostActiveField) this, 1L);
    }

    /** One request on the host finished (an exact call, as {@link #incrementActive}). */
    public void decrementActive() {
        final long before = (long) ACTIVE.getAndAdd((HostActiveField) this, -1L);
    }

    @Override
    public String toString() {
        return label;
    }
}

/** Keeps {@link HostActiveField#active} off the cache line of the object header and earlier fields. */
abstract class HostLhsPadding {
    long p01, p02, p03, p04, p05, p06, p07;
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The hot field. */
abstract class HostActiveField extends HostLhsPadding {
    volatile long active;
}

/** Keeps {@link HostActiveField#active} off the cache line of later fields. */
abstract class HostRhsPadding extends HostActiveField {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p30, p31, p32, p33, p34, p35, p36, p37;
}
