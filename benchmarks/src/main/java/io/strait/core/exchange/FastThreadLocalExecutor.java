package io.strait.core.exchange;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A JMH executor whose worker threads are Netty {@code FastThreadLocalThread}s, as event loop threads are. Netty's
 * {@code Recycler} pools objects (outbound buffer entries, pooled buffer and slice wrappers) only on such threads; on
 * JMH's plain threads every {@code Recycler.get()} allocates, which the proxy never pays on its loops. Selected in the
 * forked JVM with the system properties {@code jmh.executor=CUSTOM} and
 * {@code jmh.executor.class=io.strait.core.exchange.FastThreadLocalExecutor} (see the benchmarks README).
 */
public final class FastThreadLocalExecutor extends ThreadPoolExecutor {

    /**
     * The constructor JMH's {@code CUSTOM} executor type calls: a fixed pool (the same threads, hence the same
     * Recycler pools, iteration after iteration), queueing a task submitted while a worker is still finishing one.
     */
    public FastThreadLocalExecutor(final int maxThreads, final String prefix) {
        super(maxThreads, maxThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            new DefaultThreadFactory(prefix, true));
    }
}
