package io.strait.core.upstream;

import java.util.ArrayDeque;

/**
 * The request body kept for a replay (a retry, or the same try on a fresh connection after a stale pooled one):
 * the exchange's retry controller keeps it; an {@link UpstreamAttempt} queues it for its next connection.
 *
 * <p>Confined to the exchange's event loop.
 */
@FunctionalInterface
public interface RequestReplay {

    /** Adds a retained duplicate of each kept body chunk to {@code out}, in order, then the kept trailers, if any. */
    void replayInto(ArrayDeque<Object> out);
}
