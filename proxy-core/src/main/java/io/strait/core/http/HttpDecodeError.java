package io.strait.core.http;

import io.netty.util.AsciiString;

/**
 * A codec could not decode what its peer sent, or the peer broke a limit or a timeout. Fired
 * inbound in place of further messages; the codec decodes nothing more on that connection.
 *
 * <p>On the downstream side {@link #status()} is what the client should get (400, 408, 413, 431);
 * on the upstream side it is 502. {@link #reason()} is a short token such as
 * {@code invalid_chunk_size}, for the {@code x-strait-error} header and the stats. When the request line was read
 * before the error, {@link #method()}, {@link #target()} and {@link #version()} tell it (for the access log).
 */
public final class HttpDecodeError {

    private final int status;
    private final String reason;
    private final AsciiString method;
    private final AsciiString target;
    private final int version;

    /** An error with the status the peer should be answered with and a short reason token. */
    public HttpDecodeError(final int status, final String reason) {
        this(status, reason, null, null, 0);
    }

    /**
     * An error in a request whose request line was read: its method, target (a copy) and version
     * ({@link HttpRequestHead#VERSION_1_1} etc.).
     */
    public HttpDecodeError(final int status, final String reason, final AsciiString method, final AsciiString target,
                           final int version) {
        this.status = status;
        this.reason = reason;
        this.method = method;
        this.target = target;
        this.version = version;
    }

    /** The request's method, or null when no request line was read. */
    public AsciiString method() {
        return method;
    }

    /** The request's target as sent, or null when no request line was read. */
    public AsciiString target() {
        return target;
    }

    /** The request's version, or 0 when no request line was read. */
    public int version() {
        return version;
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
