package io.strait.core.upstream;

/**
 * A try that took a stream of an HTTP/2 connection still connecting, and waits for its outcome. Implemented by
 * {@link UpstreamAttempt}; called on the connection's event loop, which is the try's.
 */
interface Http2StreamWaiter {

    /** The connection is open: the waiter opens its stream now ({@link UpstreamHttp2Connection#openStream}). */
    void onConnectionReady(UpstreamHttp2Connection connection);

    /** The connection could not be made; its reserved stream is already given back. */
    void onConnectionFailed(UpstreamHttp2Connection connection, boolean timedOut);
}
