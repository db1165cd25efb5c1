package io.strait.core.upstream;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.strait.lb.Host;

/**
 * Opens a new upstream connection for a try: the seam between the request path and Netty's {@code Bootstrap}, so
 * tests can hand the exchange connections of their own (embedded channels, channels that cannot be made).
 *
 * <p>Called on one event loop; the connection must belong to that loop.
 */
@FunctionalInterface
public interface UpstreamConnector {

    /**
     * Starts connecting to {@code host} of cluster {@code cluster} with {@code handler} as the connection's
     * handler; the future completes when the connection is established or has failed.
     */
    ChannelFuture connect(int cluster, Host host, ChannelHandler handler);
}
