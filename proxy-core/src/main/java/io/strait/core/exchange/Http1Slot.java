package io.strait.core.exchange;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AsciiString;
import io.strait.tls.PeerIdentity;

/**
 * The per-request half of a downstream HTTP/1.1 connection: its {@link Exchange} (with the exchange's upstream
 * attempt, retries, deadlines, timer and access-log entry) and {@link ForwardingHeaders}, as the exchange's
 * {@link Downstream}. Pooled per event loop and listener ({@link Http1Slots}): a connection takes one when a request
 * arrives and gives it back when the exchange is over, so an idle keep-alive connection holds none, and a busy loop
 * reuses the same few without allocating. Every {@link Downstream} call goes to the connection that holds the slot.
 *
 * <p>Confined to its event loop.
 */
final class Http1Slot implements Downstream {

    /** The pool the slot belongs to (and goes back to). */
    final Http1Slots pool;
    final ForwardingHeaders forwarding;
    final Exchange exchange;
    /** The connection that holds the slot (the last one, once given back). */
    private DownstreamHttp1Handler connection;

    Http1Slot(final Http1Slots pool) {
        this.pool = pool;
        this.forwarding = new ForwardingHeaders(pool.runtime());
        this.exchange = new Exchange(pool.runtime(), pool.loop(), this, pool.stats(), forwarding);
    }

    /** {@code c} takes the slot: its exchanges answer {@code c}, whose peer is {@code ip} (hashed {@code hash}). */
    void bind(final DownstreamHttp1Handler c, final AsciiString ip, final long hash) {
        connection = c;
        forwarding.peer(ip, hash);
        exchange.peer();
    }

    // ------------------------------------------------------------------ Downstream: the holding connection's

    @Override
    public void write(final Object msg) {
        connection.write(msg);
    }

    @Override
    public void flush() {
        connection.flush();
    }

    @Override
    public boolean isWritable() {
        return connection.isWritable();
    }

    @Override
    public void pauseReading(final int reason) {
        connection.pauseReading(reason);
    }

    @Override
    public void resumeReading(final int reason) {
        connection.resumeReading(reason);
    }

    @Override
    public boolean inReadBatch() {
        return connection.inReadBatch();
    }

    @Override
    public void reset() {
        connection.reset();
    }

    @Override
    public boolean closing() {
        return connection.closing();
    }

    @Override
    public ByteBufAllocator alloc() {
        return connection.alloc();
    }

    @Override
    public PeerIdentity peerIdentity() {
        return connection.peerIdentity();
    }

    @Override
    public void exchangeDone(final long nowNanos) {
        connection.exchangeDone(this, nowNanos);
    }
}
