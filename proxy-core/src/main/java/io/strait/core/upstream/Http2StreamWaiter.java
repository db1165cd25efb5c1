package io.strait.core.upstream;

/**
 * A try that took a stream of an HTTP/2 connection still connecting, and waits for its outcome. Implemented by
 * {@link UpstreamAttempt}; called on the connection's event loop, which is the try's.
 */
interface Http2StreamWaiter {

    /** The connection is open: the waiter opens its stream now ({@link UpstreamHttp2Connection#openStream}). */
    void onConnectionReady(UpstreamHttp2Connection connection);

    /**
     * The connection opened, but the upstream takes fewer streams than tries waited on it: this one's reservation is
     * given back, and the try looks for a stream again as if the upstream had refused it unprocessed.
     */
    void onConnectionRefused(UpstreamHttp2Connection connection);

    /** The connection could not be made; its reserved stream is already given back. */
    void onConnectionFailed(UpstreamHttp2Connection connection, boolean timedOut);
}
