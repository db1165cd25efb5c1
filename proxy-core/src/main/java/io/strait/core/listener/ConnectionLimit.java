package io.strait.core.listener;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Thread-safe, lock-free: every event loop of a listener (or of the process, for the global cap) takes and gives back
 * slots. The open downstream connections of one listener or of all listeners, and their cap. A slot is taken when a
 * connection is accepted and given back when it closes: one atomic add each, never per request.
 *
 * <p>The count sits alone between padding, as {@code Host}'s active-request count does: every loop writes it.
 */
public final class ConnectionLimit extends ConnectionLimitRhsPadding {

    /** No cap: {@link #tryAcquire} always succeeds (the count is still kept). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    /** One LOCK XADD per add, not a CAS loop. */
    private static final VarHandle ACTIVE;

    static {
        try {
            ACTIVE = MethodHandles.lookup().findVarHandle(ConnectionLimitActiveField.class, "active", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Volatile: a reload may change it while loops admit connections. */
    private volatile int max;

    /** A limit of {@code max} open connections ({@link #UNLIMITED}: none), {@code max} &gt;= 1. */
    public ConnectionLimit(final int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1: " + max);
        }
        this.max = max;
    }

    /**
     * Changes the cap (a reload): connections already counted stay, new ones are admitted while below it.
     *
     * @param max &gt;= 1, or {@link #UNLIMITED}
     */
    public void setMax(final int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1: " + max);
        }
        this.max = max;
    }

    /** The cap ({@link #UNLIMITED}: none). */
    public int max() {
        return max;
    }

    /**
     * Takes a slot: true if the count was below the cap. A refusal takes nothing (it adds and at once takes back,
     * so a concurrent acquire may be refused for a slot that was free a moment later: the cap is never exceeded).
     */
    public boolean tryAcquire() {
        final long now = (long) ACTIVE.getAndAdd(this, 1L) + 1;
        if (now > max) {
            ACTIVE.getAndAdd(this, -1L);
            return false;
        }
        return true;
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    public void release() {
        ACTIVE.getAndAdd(this, -1L);
    }

    /** Connections now counted. */
    public long active() {
        return (long) ACTIVE.getVolatile(this);
    }
}

/** Keeps {@link ConnectionLimitActiveField#active} off the cache line of the object header. */
abstract class ConnectionLimitLhsPadding {
    long p01, p02, p03, p04, p05, p06, p07;
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The hot field. */
abstract class ConnectionLimitActiveField extends ConnectionLimitLhsPadding {
    volatile long active;
}

/** Keeps {@link ConnectionLimitActiveField#active} off the cache line of later fields. */
abstract class ConnectionLimitRhsPadding extends ConnectionLimitActiveField {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p30, p31, p32, p33, p34, p35, p36, p37;
}
