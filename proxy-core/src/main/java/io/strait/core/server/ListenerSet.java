package io.strait.core.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.UnixChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.strait.core.config.ListenerConfig;
import io.strait.core.exchange.ServerContext;
import io.strait.core.listener.AcceptErrorHandler;
import io.strait.core.listener.ConnectionLimit;
import io.strait.core.listener.DownstreamConnections;
import io.strait.core.listener.HttpListenerInitializer;
import io.strait.core.listener.ListenerTls;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import io.strait.core.transport.TransportFactory.SelectedTransport;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server's bound listeners: for each, its listening sockets (one per loop with {@code SO_REUSEPORT}, one in all
 * on NIO), its initializer, its connection cap and its open connections. Binds, updates (a reload that keeps the
 * address) and unbinds them.
 *
 * <p>Not thread-safe: used by the server's thread under the server's lock.
 */
final class ListenerSet {

    /** One bound listener. */
    private static final class Bound {
        final HttpListenerInitializer init;
        final List<Channel> sockets;
        final InetSocketAddress address;
        final ConnectionLimit limit;

        Bound(final HttpListenerInitializer init, final List<Channel> sockets, final InetSocketAddress address,
              final ConnectionLimit limit) {
            this.init = init;
            this.sockets = sockets;
            this.address = address;
            this.limit = limit;
        }
    }

    private final SelectedTransport transport;
    private final EventLoopGroup group;
    /** The worker loops and their indexes, in order. */
    private final Map<EventLoop, Integer> loops;
    private final ServerContext server;
    private final ConnectionLimit globalLimit;
    private final StatsRegistry stats;
    /** Every listener's open connections. */
    private final DownstreamConnections connections;
    private final Map<String, Bound> bound = new LinkedHashMap<>();

    ListenerSet(final SelectedTransport transport, final EventLoopGroup group, final Map<EventLoop, Integer> loops,
                final ServerContext server, final ConnectionLimit globalLimit, final StatsRegistry stats,
                final DownstreamConnections connections) {
        this.transport = transport;
        this.connections = connections;
        this.group = group;
        this.loops = loops;
        this.server = server;
        this.globalLimit = globalLimit;
        this.stats = stats;
    }

    /** Binds {@code listener} (its address from its configuration; port 0 takes a free one). */
    void bind(final ListenerRuntime listener, final ListenerTls tls) throws InterruptedException {
        bind(listener, tls, InheritedSockets.none());
    }

    /**
     * Binds {@code listener}, serving on the sockets of {@code inherited} bound to its address (hot restart) instead
     * of binding new ones where there are any.
     */
    void bind(final ListenerRuntime listener, final ListenerTls tls, final InheritedSockets inherited)
        throws InterruptedException {
        final ListenerConfig lc = listener.config();
        final StatsScope<ListenerStat> listenerStats = stats.scope("listener." + listener.name() + ".",
            ListenerStat.class);
        final ConnectionLimit limit = new ConnectionLimit(capOf(lc));
        final AcceptErrorHandler.LogLimiter acceptLog = new AcceptErrorHandler.LogLimiter(listener.name());
        final HttpListenerInitializer init = new HttpListenerInitializer(listener, server, tls, limit, globalLimit,
            listenerStats, connections, loops.size());
        final List<Channel> sockets = new ArrayList<>();
        InetSocketAddress address = lc.address().toSocketAddress();
        try {
            if (transport.reusePort()) {
                // One listening socket per loop; the kernel spreads connections, and each connection stays on the
                // loop that accepted it. Sockets inherited from the process taken over are served as they are (all
                // of them, even more than there are loops: connections queue on each), and loops left without one
                // bind a new socket into the same SO_REUSEPORT group.
                final List<ListeningSocket> adopted = inherited.take(address);
                final List<Map.Entry<EventLoop, Integer>> loopList = List.copyOf(loops.entrySet());
                for (int i = 0; i < Math.max(adopted.size(), loopList.size()); i++) {
                    final Map.Entry<EventLoop, Integer> e = loopList.get(i % loopList.size());
                    final ServerBootstrap b = bootstrap(e.getKey(), e.getKey(), init)
                        .handler(new AcceptErrorHandler(listenerStats.loop(e.getValue()), acceptLog))
                        .option(UnixChannelOption.SO_REUSEPORT, true);
                    final Channel ch;
                    if (i < adopted.size()) {
                        final ListeningSocket inheritedSocket = adopted.get(i);
                        // The socket is listening already: registering it would start accepting before the
                        // bootstrap's acceptor is in the pipeline (added by a task queued during registration),
                        // so reads start only in a task queued after that one.
                        ch = b.channelFactory(() -> InheritedSockets.adopt(inheritedSocket))
                            .option(ChannelOption.AUTO_READ, false).register().sync().channel();
                        ch.eventLoop().execute(() -> ch.config().setAutoRead(true));
                    } else {
                        ch = b.channel(transport.serverChannel()).bind(address).sync().channel();
                    }
                    sockets.add(ch);
                    // Port 0: bind every other loop's socket to the port the kernel picked for the first.
                    address = (InetSocketAddress) ch.localAddress();
                }
            } else {
                final EventLoop acceptor = group.next();
                final Channel ch = bootstrap(acceptor, group, init)
                    .channel(transport.serverChannel())
                    .handler(new AcceptErrorHandler(listenerStats.loop(loops.get(acceptor)), acceptLog))
                    .bind(address).sync().channel();
                sockets.add(ch);
                address = (InetSocketAddress) ch.localAddress();
            }
        } catch (final InterruptedException | RuntimeException e) {
            for (final Channel ch : sockets) {
                ch.close();
            }
            throw e;
        }
        bound.put(listener.name(), new Bound(init, sockets, address, limit));
    }

    private ServerBootstrap bootstrap(final EventLoop acceptor, final EventLoopGroup children,
                                      final HttpListenerInitializer init) {
        return new ServerBootstrap()
            .group(acceptor, children)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            // no childOption TCP_NODELAY: every transport's socket config turns it on when made (a second setsockopt
            // per accept otherwise; SharedAddressesIntegrationTest checks it)
            .childOption(ChannelOption.ALLOCATOR, ProxyServer.ALLOCATOR)
            .childHandler(init);
    }

    private static int capOf(final ListenerConfig lc) {
        final int max = lc.maxConnections();
        return max == ListenerConfig.UNLIMITED_CONNECTIONS ? ConnectionLimit.UNLIMITED : max;
    }

    /**
     * A reload kept the listener's name and address: new connections get {@code listener}'s settings and
     * {@code tls}, and its cap changes in place.
     */
    void update(final ListenerRuntime listener, final ListenerTls tls) {
        final Bound b = bound.get(listener.name());
        b.init.update(listener, tls);
        b.limit.setMax(capOf(listener.config()));
    }

    /**
     * Stops accepting on {@code name}'s sockets and forgets the listener; returns its open connections for the
     * caller to drain (null if there was no such listener).
     */
    List<Channel> unbind(final String name) {
        final Bound b = bound.remove(name);
        if (b == null) {
            return null;
        }
        for (final Channel ch : b.sockets) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        return connections.acceptedOn(b.sockets);
    }

    /** True if {@code name} is bound. */
    boolean has(final String name) {
        return bound.containsKey(name);
    }

    /**
     * The address {@code name} was configured with matches its bound one: the configured address, or port 0 (any
     * port: the bound one stands) on the same host.
     */
    boolean sameAddress(final String name, final ListenerConfig next) {
        final Bound b = bound.get(name);
        final InetSocketAddress want = next.address().toSocketAddress();
        return b != null && want.getAddress().equals(b.address.getAddress())
            && (want.getPort() == 0 || want.getPort() == b.address.getPort());
    }

    /** The names of the bound listeners, in binding order. */
    List<String> names() {
        return List.copyOf(bound.keySet());
    }

    /** The bound address of each listener, by name. */
    Map<String, InetSocketAddress> addresses() {
        final Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        for (final Map.Entry<String, Bound> e : bound.entrySet()) {
            out.put(e.getKey(), e.getValue().address);
        }
        return out;
    }

    /** The bound address of one listener, or null. */
    InetSocketAddress address(final String name) {
        final Bound b = bound.get(name);
        return b == null ? null : b.address;
    }

    /** A listener's connection count and cap, or null. */
    ConnectionLimit limit(final String name) {
        final Bound b = bound.get(name);
        return b == null ? null : b.limit;
    }

    /** Every listener's listening sockets with their descriptors, in binding and loop order (hot restart). */
    List<ListeningSocket> listeningSockets() {
        final List<ListeningSocket> out = new ArrayList<>();
        for (final Map.Entry<String, Bound> e : bound.entrySet()) {
            int index = 0;
            for (final Channel ch : e.getValue().sockets) {
                if (ch.isOpen() && ch instanceof UnixChannel unix) {
                    out.add(new ListeningSocket(e.getKey(), index, (InetSocketAddress) ch.localAddress(),
                        unix.fd().intValue()));
                }
                index++;
            }
        }
        return out;
    }

    /** Stops accepting on every listener (drain, close). */
    void closeSockets() {
        for (final Bound b : bound.values()) {
            for (final Channel ch : b.sockets) {
                ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
        }
    }
}
