package io.strait.tls.handler;

/**
 * Called on the connection's event loop, so an implementation may be a loop's own plain counters. Told how each TLS
 * handshake of a listener ended; exactly one of the failure methods, or {@link #handshake} (and perhaps
 * {@link #sessionReused} and {@link #noCertificate}), per connection that got as far as sending bytes.
 */
public interface TlsHandshakeListener {

    /** A handshake completed, {@code nanos} after the handler was added to the accepted connection's pipeline. */
    void handshake(long nanos);

    /** The completed handshake resumed an earlier session (ticket or session cache). */
    void sessionReused();

    /** The completed handshake had no client certificate (none asked for, or an optional one not sent). */
    void noCertificate();

    /** The handshake failed because a required client certificate was not sent. */
    void verifyNoCertificate();

    /** The handshake failed because the client's certificate did not verify against the client CA. */
    void verifyFailed();

    /** The handshake failed for another reason: not TLS, no shared protocol or cipher, timeout, reset... */
    void connectionError();
}
