package io.strait.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/**
 * A response's head, protocol-neutral: status, optional reason phrase, headers and what is known
 * of the body's length. Confined to one event loop.
 *
 * <p>A head with a 1xx status is a whole message: no body and no {@link HttpEnd} follow it. Any
 * other head is followed by zero or more {@link ByteBuf} body messages and then {@link HttpEnd#INSTANCE}.
 * A codec may reuse one head object per connection: a head is valid until it has been written on or
 * released, as the next response on that connection reuses it.
 * Holds a reference to {@link #raw()}, when it came off the wire: the last consumer calls {@link #release()}.
 */
public final class HttpResponseHead extends HttpHead {

    private int status;
    private AsciiString reason;
    private boolean close;

    /** A new head built from values (a local response such as a 404), with no body yet. */
    public static HttpResponseHead of(final int status) {
        final HttpResponseHead h = new HttpResponseHead();
        h.reset(null, status, VERSION_1_1);
        return h;
    }

    /** Resets this head; ownership of {@code raw} (may be null) passes to it. */
    public void reset(final ByteBuf raw, final int status, final int version) {
        resetHead(raw, version);
        this.status = status;
        this.reason = null;
        this.close = false;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** Sets the status code. */
    public void status(final int status) {
        this.status = status;
    }

    /** The reason phrase as received, or null for the standard one. */
    public AsciiString reason() {
        return reason;
    }

    /** Sets the reason phrase (null: the standard one for the status). */
    public void reason(final AsciiString reason) {
        this.reason = reason;
    }

    /**
     * True if the downstream connection must close once this response is written (set by the proxy
     * for error responses after which the connection's state is unknown).
     */
    public boolean close() {
        return close;
    }

    /** Asks the downstream codec to close the connection after this response. */
    public void close(final boolean close) {
        this.close = close;
    }

    /** True for 1xx statuses, which carry no body and no end marker. */
    public boolean isInformational() {
        return status >= 100 && status < 200;
    }

    @Override
    public String toString() {
        return status + " v" + version() + " body=" + bodyLength() + " " + headers();
    }
}
