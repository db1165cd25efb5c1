package io.strait.core.upstream;

/** Where a try of an {@link UpstreamAttempt} stands. */
enum AttemptPhase {
    /** No try in progress. */
    IDLE,
    /** A retry waits for its backoff: request events queue. */
    WAITING,
    /** A new connection is being made (or, on HTTP/2, a stream waits for one): request events queue. */
    CONNECTING,
    /** The request goes to a connection (HTTP/1.1) or a stream (HTTP/2). */
    BOUND
}
