package io.strait.core.upstream;

/**
 * The flow control an {@link UpstreamAttempt} needs of the downstream it relays for: pause and resume its reads,
 * see whether it can take more, and flush it. The exchange's downstream implements it.
 *
 * <p>Called on the downstream's event loop only.
 */
public interface DownstreamFlow {

    /** Flushes what was written since the last flush, if anything. */
    void flush();

    /** True while the downstream's outbound buffer is below its high water mark. */
    boolean isWritable();

    /** Stops reading the request for {@code reason} (a {@link io.strait.core.flow.ReadGate} bit). */
    void pauseReading(int reason);

    /** Lifts {@code reason}; reading resumes once no reason holds. */
    void resumeReading(int reason);

    /** True inside a downstream read batch: upstream flushes may wait for its end. */
    boolean inReadBatch();
}
