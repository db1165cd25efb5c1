package io.strait.core.http;

/**
 * A message's trailer fields (HTTP/1.1 chunked trailers, an HTTP/2 HEADERS frame after DATA; gRPC's
 * {@code grpc-status} and {@code grpc-message}). Sent, when a message has them, after its last body chunk and right
 * before {@link HttpEnd#INSTANCE}, which still ends the message: a consumer that cannot carry trailers drops this
 * event and loses nothing else.
 *
 * <p>The fields are values ({@link HttpHeaderBlock#add(io.netty.util.AsciiString, io.netty.util.AsciiString)}), not
 * offsets into a buffer, so a trailers object holds no reference count. A producer hands over a new object per
 * message (trailers are rare): a consumer may keep it, as a retry keeps a request's trailers for its replay.
 * Confined to the event loop of the connection it belongs to.
 */
public final class HttpTrailers {

    private final HttpHeaderBlock headers = new HttpHeaderBlock();

    /** Empty trailers, ready to be filled. */
    public HttpTrailers() {
        headers.reset(null);
    }

    /** The trailer fields. */
    public HttpHeaderBlock headers() {
        return headers;
    }

    @Override
    public String toString() {
        return "HttpTrailers " + headers;
    }
}
