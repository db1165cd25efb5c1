package io.strait.core.http;

/**
 * A codec could not decode what its peer sent, or the peer broke a limit or a timeout. Fired
 * inbound in place of further messages; the codec decodes nothing more on that connection.
 *
 * <p>On the downstream side {@link #status()} is what the client should get (400, 408, 413, 431);
 * on the upstream side it is 502. {@link #reason()} is a short token such as
 * {@code invalid_chunk_size}, for the {@code x-strait-error} header and the stats.
 */
public final class HttpDecodeError {

    private final int status;
    private final String reason;

    /** An error with the status the peer should be answered with and a short reason token. */
    public HttpDecodeError(final int status, final String reason) {
        this.status = status;
        this.reason = reason;
    }

    /** The status to answer with. */
    public int status() {
        return status;
    }

    /** A short reason token, e.g. {@code header_too_large}. */
    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "HttpDecodeError(" + status + ", " + reason + ")";
    }
}
