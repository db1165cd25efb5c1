package io.strait.core.listener;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;

/**
 * How long ago a connection's client last took bytes, as the kernel knows it: on epoll, TCP_INFO's
 * {@code tcpi_last_data_sent} (the kernel sends new data only into the window the client's reads open; the
 * zero-window probes it sends to a client that does not read carry none). The proxy's own outbound buffer cannot tell
 * this: it drains only when a third or so of the kernel's send buffer (megabytes, autotuned) is free again, so a
 * client reading slowly but steadily can leave it unchanged for seconds. Other transports have no TCP_INFO here:
 * {@link #UNKNOWN}.
 *
 * <p>One per connection (it keeps the TCP_INFO holder to fill again), confined to the connection's event loop; asked
 * only when the send timer fires, never per write.
 */
final class ClientProgress {

    /** The transport does not tell. */
    static final long UNKNOWN = -1;

    private EpollTcpInfo info;

    /** Milliseconds since the kernel last sent {@code ch}'s client new data, or {@link #UNKNOWN}. */
    long millisSinceLastTaken(final Channel ch) {
        if (!(ch instanceof EpollSocketChannel epoll)) {
            return UNKNOWN;
        }
        if (info == null) {
            info = new EpollTcpInfo();
        }
        try {
            return epoll.tcpInfo(info).lastDataSent();
        } catch (final RuntimeException e) {
            return UNKNOWN;   // the socket went away under us: the caller falls back to the buffer
        }
    }
}
