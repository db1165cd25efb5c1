package io.strait.core.upstream;

import io.netty.buffer.ByteBuf;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;

/**
 * What an {@link UpstreamAttempt} tells the exchange it works for: the connection is bound or could not be made,
 * and the response events of the connection it holds. Implemented by the exchange, so this package knows nothing of
 * routes, retries or the downstream protocol.
 *
 * <p>Called on the exchange's event loop only.
 */
public interface AttemptListener {

    /** A connection is bound and the request (head, then what was queued) written to it. */
    void onBound();

    /** The new connection could not be made; {@code timedOut} when the connect timeout ended it. */
    void onConnectFailure(boolean timedOut);

    /** A response head (informational or final); the callee owns it and releases it. */
    void onUpstreamHead(HttpResponseHead head);

    /** A chunk of the response body; the callee owns it. */
    void onUpstreamBody(ByteBuf buf);

    /** The response's trailer fields, right before its end; the callee owns them. */
    void onUpstreamTrailers(HttpTrailers trailers);

    /** The response is complete on {@code up}; the callee lets the attempt {@link UpstreamAttempt#complete} it. */
    void onUpstreamEnd(UpstreamStream up);

    /** The response could not be decoded; the connection is already aborted and the failure counted. */
    void onUpstreamError(HttpDecodeError error);

    /** The bound connection closed before the response was complete. */
    void onUpstreamClosed();
}
