package io.strait.core.transport;

import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Lets an accepted connection share its address objects with the connections accepted before it on the same loop:
 * the local address (the same for all of a listener's connections, but made anew by Netty's native transports for
 * each one, ~96 bytes) and the remote IP (most connections of a sidecar come from one or a few peers; ~56 bytes of
 * the remote address). Netty keeps both in private fields of its epoll and io_uring channels, set when the channel is
 * made; this swaps each for an equal object seen before, so the one a connection was given becomes garbage at once.
 * The values do not change, only which object holds them. NIO channels (and a Netty whose fields are not found) are
 * left as they are.
 *
 * <p>One {@link Cache} per event loop (per listener), confined to that loop; the field handles are thread-safe.
 */
public final class SharedAddresses {

    private static final String EPOLL = "io.netty.channel.epoll.AbstractEpollChannel";
    private static final String URING = "io.netty.channel.uring.AbstractIoUringChannel";
    private static final VarHandle EPOLL_LOCAL = field(EPOLL, "local");
    private static final VarHandle EPOLL_REMOTE = field(EPOLL, "remote");
    private static final VarHandle URING_LOCAL = field(URING, "local");
    private static final VarHandle URING_REMOTE = field(URING, "remote");

    private SharedAddresses() {
    }

    /** True if connections of {@code ch}'s kind can share their addresses (tests). */
    static boolean supported(final Channel ch) {
        return localHandle(ch) != null && remoteHandle(ch) != null;
    }

    /** The handle of a (package-private) Netty channel class's address field, or null. */
    private static VarHandle field(final String className, final String name) {
        try {
            final Class<?> owner = Class.forName(className, false, SharedAddresses.class.getClassLoader());
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
                .findVarHandle(owner, name, SocketAddress.class);
        } catch (final ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;   // another Netty: connections keep their own address objects
        }
    }

    private static VarHandle localHandle(final Channel ch) {
        if (ch instanceof EpollSocketChannel) {
            return EPOLL_LOCAL;
        }
        return ch instanceof IoUringSocketChannel ? URING_LOCAL : null;
    }

    private static VarHandle remoteHandle(final Channel ch) {
        if (ch instanceof EpollSocketChannel) {
            return EPOLL_REMOTE;
        }
        return ch instanceof IoUringSocketChannel ? URING_REMOTE : null;
    }

    /** The addresses last seen on one loop; confined to it. */
    public static final class Cache {

        private InetSocketAddress local;
        private InetAddress remoteIp;

        /**
         * Makes {@code ch} (just accepted, on this cache's loop, before anything asked for its addresses) hold the
         * address objects seen before where its own are equal, and remembers its own where they are not.
         */
        public void share(final Channel ch) {
            final VarHandle l = localHandle(ch);
            final VarHandle r = remoteHandle(ch);
            if (l == null || r == null) {
                return;
            }
            if (l.getVolatile(ch) instanceof InetSocketAddress a) {
                if (a.equals(local)) {
                    l.setVolatile(ch, local);
                } else {
                    local = a;
                }
            }
            if (r.getVolatile(ch) instanceof InetSocketAddress a && !a.isUnresolved()) {
                final InetAddress ip = a.getAddress();
                if (!ip.equals(remoteIp)) {
                    remoteIp = ip;
                } else if (ip != remoteIp) {
                    r.setVolatile(ch, new InetSocketAddress(remoteIp, a.getPort()));
                }
            }
        }
    }
}
