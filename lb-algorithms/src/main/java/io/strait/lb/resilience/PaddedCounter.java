package io.strait.lb.resilience;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A bounded counter written by every event loop. Thread-safe: one atomic add per operation, no lock.
 *
 * <p>The count sits alone between padding so that the three counters of one breaker (and any neighbour
 * object) never share a cache line.
 */
final class PaddedCounter extends CounterRhsPadding {

    /** A VarHandle, not an AtomicLongFieldUpdater: its getAndAdd is one LOCK XADD, not a CAS loop. */
    private static final VarHandle COUNT;

    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(CounterField.class, "count", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Volatile: a runtime override may change it while loops acquire (read-mostly, off the count's line). */
    private volatile long limit;

    PaddedCounter(final long limit) {
        this.limit = limit;
    }

    /** Takes one slot; false (and nothing taken) when the limit is already reached. */
    boolean tryAcquire() {
        final long before = (long) COUNT.getAndAdd(this, 1L);
        if (before >= limit) {
            COUNT.getAndAdd(this, -1L);
            return false;
        }
        return true;
    }

    /** Takes one slot against {@code max} instead of the fixed limit; false (and nothing taken) when it is reached. */
    boolean tryAcquire(final long max) {
        final long before = (long) COUNT.getAndAdd(this, 1L);
        if (before >= max) {
            COUNT.getAndAdd(this, -1L);
            return false;
        }
        return true;
    }

    /** Gives one slot back. */
    void release() {
        COUNT.getAndAdd(this, -1L);
    }

    /** The slots now taken (may briefly include a refused attempt that is about to back out). */
    long current() {
        return (long) COUNT.getVolatile(this);
    }

    long limit() {
        return limit;
    }

    /** Changes the limit; slots already taken stay taken. */
    void limit(final long newLimit) {
        this.limit = newLimit;
    }
}

/** Keeps {@link CounterField#count} off the cache line of the object header and earlier fields. */
abstract class CounterLhsPadding {
    long p01, p02, p03, p04, p05, p06, p07;
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/** The hot field. */
abstract class CounterField extends CounterLhsPadding {
    volatile long count;
}

/** Keeps {@link CounterField#count} off the cache line of later fields. */
abstract class CounterRhsPadding extends CounterField {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p30, p31, p32, p33, p34, p35, p36, p37;
}
