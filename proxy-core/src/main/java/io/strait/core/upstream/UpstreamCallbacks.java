package io.strait.core.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;

/**
 * What an upstream connection tells the try it carries: the response events its codec decodes, its writability
 * and its end. The narrow interface between {@link UpstreamHttpHandler} and {@link UpstreamAttempt} (Envoy's
 * router filter interface), so the connection knows nothing of exchanges, retries or the downstream.
 *
 * <p>Called on the connection's event loop only, which is the exchange's loop. {@code up} names the connection the
 * event came from, so a try can ignore a connection it has already let go.
 */
interface UpstreamCallbacks {

    /** A response head (informational or final); the callee owns it and releases it. */
    void onUpstreamHead(UpstreamStream up, HttpResponseHead head);

    /** A chunk of the response body; the callee owns it. */
    void onUpstreamBody(UpstreamStream up, ByteBuf buf);

    /** The response's trailer fields, right before its end; the callee owns them. */
    void onUpstreamTrailers(UpstreamStream up, HttpTrailers trailers);

    /** The response is complete. */
    void onUpstreamEnd(UpstreamStream up);

    /** The response could not be decoded (or the connection closed in the middle of its head). */
    void onUpstreamError(UpstreamStream up, HttpDecodeError error);

    /** The connection closed while it carried this try. */
    void onUpstreamClosed(UpstreamStream up);

    /**
     * The upstream reset the stream (HTTP/2 RST_STREAM) before the response was complete. {@code unprocessed}: the
     * upstream says it never processed the request (REFUSED_STREAM, or a GOAWAY whose last stream id is below this
     * stream's), so sending it again elsewhere is safe whatever its method.
     */
    void onUpstreamReset(UpstreamStream up, boolean unprocessed);

    /** The connection's outbound buffer crossed a water mark. */
    void onUpstreamWritabilityChanged(UpstreamStream up, boolean writable);

    /** The connection's read batch ended: what it produced downstream can be flushed. */
    void onUpstreamReadComplete(UpstreamStream up);

    /**
     * Hands one decoded response event from {@code from} to {@code to}: the one dispatch both connection kinds (an
     * HTTP/1.1 connection, an HTTP/2 stream) share. Anything that is not a response event is released.
     */
    static void dispatch(final UpstreamCallbacks to, final UpstreamStream from, final Object msg) {
        if (msg instanceof ByteBuf) {
            to.onUpstreamBody(from, (ByteBuf) msg);
        } else if (msg instanceof HttpResponseHead) {
            to.onUpstreamHead(from, (HttpResponseHead) msg);
        } else if (msg == HttpEnd.INSTANCE) {
            to.onUpstreamEnd(from);
        } else if (msg instanceof HttpTrailers) {
            to.onUpstreamTrailers(from, (HttpTrailers) msg);
        } else if (msg instanceof HttpDecodeError) {
            to.onUpstreamError(from, (HttpDecodeError) msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }
}
