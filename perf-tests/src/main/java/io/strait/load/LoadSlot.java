package io.strait.load;

/**
 * Confined to its worker's event loop: one logical connection of a {@link Worker}, HTTP/1.1 ({@link LoadConnection})
 * or HTTP/2 ({@link H2LoadConnection}). The worker only opens, starts, stops and sweeps its slots.
 */
interface LoadSlot {

    /** Opens the channel ahead of the run (when the protocol keeps connections). */
    void preconnect();

    /** Starts sending; {@code t0} is the run's start. */
    void start(long t0);

    /**
     * Closes the channel at the end of the run, counting the requests still outstanding as abandoned and, in the
     * open loop, those due that were never sent as unsent.
     */
    void stop();

    /** Times out requests outstanding for longer than {@code timeoutNanos}. */
    void checkTimeout(long now, long timeoutNanos);
}
