package io.strait.core.exchange;

import io.strait.core.upstream.DownstreamFlow;

import io.netty.buffer.ByteBufAllocator;
import io.strait.tls.PeerIdentity;

/**
 * What an {@link Exchange} needs of the downstream it answers: today an HTTP/1.1 connection, one exchange at a
 * time; an HTTP/2 stream will implement it too. Writes never flush by themselves: the downstream batches them and
 * flushes at the end of a read batch or on {@link #flush}.
 *
 * <p>Called on the downstream's event loop only.
 */
interface Downstream extends DownstreamFlow {

    /** Writes a response event (head, body chunk, end marker) without flushing. */
    void write(Object msg);

    /** Ends the downstream abruptly (a response that cannot be completed must not look complete). */
    void reset();

    /** True when the downstream should close after this response (draining). */
    boolean closing();

    /** The allocator for buffers the exchange makes (local replies, copies of small body chunks). */
    ByteBufAllocator alloc();

    /** The verified client certificate's identity on this downstream's connection, or null (none, or plain). */
    PeerIdentity peerIdentity();

    /** The exchange is over at {@code nowNanos}: the downstream may take the next request, drain or idle. */
    void exchangeDone(long nowNanos);
}
