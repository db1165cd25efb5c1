package io.strait.core.config;

/**
 * Key {@code profile} of runtime: a set of defaults for the settings a config leaves out. {@link #SIDECAR} is for a
 * proxy beside one application (a service mesh's sidecar), judged by its memory more than by its peak throughput: one
 * event loop, fewer idle upstream connections per host, smaller per-connection buffers. Explicit settings win. The
 * JVM-level half (heap, allocator arenas, JIT threads) is the launcher's: {@code bin/strait} reads the same line.
 */
public enum RuntimeProfile {
    /** Today's defaults: an event loop per processor, 1024 idle connections per host, 1 MiB connection buffers. */
    DEFAULT("default", 0, CircuitBreakersConfig.DEFAULT_LIMIT, LimitsConfig.DEFAULT_CONNECTION_BUFFER),
    /**
     * One event loop, 64 idle upstream connections per host (the requests a sidecar's one application keeps in flight;
     * more concurrency than the pool keeps costs a connect per request), 256 KiB connection buffers.
     */
    SIDECAR("sidecar", 1, 64, 256 * 1024);

    private final String key;
    private final int eventLoops;
    private final int poolMaxIdle;
    private final int connectionBuffer;

    RuntimeProfile(final String key, final int eventLoops, final int poolMaxIdle, final int connectionBuffer) {
        this.key = key;
        this.eventLoops = eventLoops;
        this.poolMaxIdle = poolMaxIdle;
        this.connectionBuffer = connectionBuffer;
    }

    /** The name in config. */
    public String key() {
        return key;
    }

    /** The default of {@code runtime.event_loops}; 0: one per available processor. */
    public int eventLoops() {
        return eventLoops;
    }

    /** The default of a cluster's {@code pool.max_idle}. */
    public int poolMaxIdle() {
        return poolMaxIdle;
    }

    /** The default of a listener's {@code limits.connection_buffer}, in bytes. */
    public int connectionBuffer() {
        return connectionBuffer;
    }
}
