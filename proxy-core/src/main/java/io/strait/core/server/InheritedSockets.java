package io.strait.core.server;

import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Listening sockets received from the process being taken over (hot restart), which {@link ProxyServer} serves on
 * instead of binding: a listener takes every received socket bound to its address ({@link #take}); what no listener
 * takes is closed ({@link #close}), which drops only this process's reference (the old process still holds it until
 * it stops accepting).
 *
 * <p>Only epoll can serve on a socket it did not create: Netty 4.2's {@code EpollServerSocketChannel(int fd)} adopts
 * one, while io_uring's and NIO's server channels have no such constructor.
 *
 * <p>Not thread-safe: made and consumed on the launcher's thread before the server starts.
 */
public final class InheritedSockets implements AutoCloseable {

    private static final int SOL_SOCKET = 1;
    private static final int SO_ACCEPTCONN = 30;

    private final List<ListeningSocket> remaining;

    private InheritedSockets(final List<ListeningSocket> sockets) {
        this.remaining = new ArrayList<>(sockets);
    }

    /** No inherited sockets: every listener binds its own. */
    public static InheritedSockets none() {
        return new InheritedSockets(List.of());
    }

    /**
     * Received sockets, each checked against what the old process said it was: a listening TCP socket bound to
     * {@code address}.
     *
     * @throws IOException when a descriptor is not that socket (all of them are closed then)
     */
    public static InheritedSockets of(final List<ListeningSocket> sockets) throws IOException {
        final InheritedSockets inherited = new InheritedSockets(sockets);
        try {
            if (!sockets.isEmpty()) {
                Epoll.ensureAvailability();
            }
            for (final ListeningSocket s : sockets) {
                check(s);
            }
        } catch (final IOException | RuntimeException | Error e) {
            inherited.close();
            throw e;
        }
        return inherited;
    }

    private static void check(final ListeningSocket s) throws IOException {
        final Socket socket = new Socket(s.fd());
        if (socket.getIntOpt(SOL_SOCKET, SO_ACCEPTCONN) == 0) {
            throw new IOException("descriptor " + s.fd() + " for listener " + s.listener() + " is not a listening "
                + "socket");
        }
        final InetSocketAddress local = socket.localAddress();
        if (local == null || !sameAddress(local, s.address())) {
            throw new IOException("descriptor " + s.fd() + " for listener " + s.listener() + " is bound to " + local
                + ", not " + s.address());
        }
    }

    /** True when nothing was inherited. */
    public boolean isEmpty() {
        return remaining.isEmpty();
    }

    /** How many sockets no listener has taken yet. */
    public int size() {
        return remaining.size();
    }

    /**
     * Removes and returns the sockets bound to {@code address}, in the old process's order; empty for port 0 (a
     * listener on an ephemeral port always binds a new one).
     */
    public List<ListeningSocket> take(final InetSocketAddress address) {
        final List<ListeningSocket> taken = new ArrayList<>();
        if (address.getPort() == 0) {
            return taken;
        }
        for (final Iterator<ListeningSocket> it = remaining.iterator(); it.hasNext(); ) {
            final ListeningSocket s = it.next();
            if (sameAddress(s.address(), address)) {
                taken.add(s);
                it.remove();
            }
        }
        return taken;
    }

    /** The sockets no listener has taken (to log them before {@link #close}). */
    public List<ListeningSocket> remaining() {
        return List.copyOf(remaining);
    }

    /** An epoll server channel serving on {@code socket}'s descriptor, not yet registered; it owns the descriptor. */
    static ServerChannel adopt(final ListeningSocket socket) {
        return new EpollServerSocketChannel(socket.fd());
    }

    /** Closes every socket no listener took. */
    @Override
    public void close() {
        for (final ListeningSocket s : remaining) {
            try {
                new FileDescriptor(s.fd()).close();
            } catch (final IOException ignored) {
                // already closed: nothing held
            }
        }
        remaining.clear();
    }

    /**
     * Same port and same IP, an IPv4-mapped IPv6 address (a dual-stack socket's view of an IPv4 bind) counting as
     * its IPv4 address.
     */
    static boolean sameAddress(final InetSocketAddress a, final InetSocketAddress b) {
        return a.getPort() == b.getPort() && a.getAddress() != null && b.getAddress() != null
            && unmapped(a.getAddress()).equals(unmapped(b.getAddress()));
    }

    private static InetAddress unmapped(final InetAddress a) {
        final byte[] b = a.getAddress();
        if (b.length != 16) {
            return a;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return a;
            }
        }
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return a;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (final UnknownHostException e) {
            return a;
        }
    }
}
