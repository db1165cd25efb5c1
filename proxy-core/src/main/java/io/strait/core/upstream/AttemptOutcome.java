package io.strait.core.upstream;

/** What a try of an {@link UpstreamAttempt} is charged to its host when it ends (Envoy's host rq_success, rq_error). */
enum AttemptOutcome {
    /** Nothing yet, or nothing that is the host's doing (the client left, a breaker refused): neither. */
    NONE,
    /** A final response head that is not a 5xx. */
    SUCCESS,
    /** A 5xx head, or a failure before any final head: connect, close, reset, protocol error, timeout. */
    ERROR
}
