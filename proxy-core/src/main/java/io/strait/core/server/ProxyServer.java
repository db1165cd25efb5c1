package io.strait.core.server;

import io.strait.core.exchange.DownstreamHttp1Handler;
import io.strait.core.exchange.ServerContext;
import io.strait.core.listener.AcceptErrorHandler;
import io.strait.core.listener.ConnectionLimit;
import io.strait.core.listener.HttpListenerInitializer;
import io.strait.core.listener.ListenerTls;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.snapshot.ProxySnapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.strait.core.accesslog.AccessLogs;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.DnsRefresher;
import io.strait.core.cluster.EndpointResolver;
import io.strait.core.cluster.HealthManager;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.ListenerTlsConfig;
import io.strait.core.config.RuntimeConfig;
import io.strait.core.config.StraitConfig;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import io.strait.core.transport.TransportFactory;
import io.strait.core.transport.TransportFactory.SelectedTransport;
import io.strait.lb.HostSet;
import io.strait.tls.TlsConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The running data plane: N event loops on the chosen transport, each listener bound once per loop
 * with SO_REUSEPORT (or once in all on NIO), and the per-loop state every connection uses.
 * Start with {@link #start}; stop with {@link #drainAndClose} (graceful) or {@link #close}.
 *
 * <p>Thread-safe: its methods are called from the launcher's thread; the loops read only final
 * fields and the volatile draining flag.
 */
public final class ProxyServer implements AutoCloseable, ServerContext {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    /** The first resolution of strict_dns names may hold up the start this long; later answers fill in. */
    private static final long DNS_START_TIMEOUT_MILLIS = 10_000;

    private final SelectedTransport transport;
    private final MultiThreadIoEventLoopGroup group;
    private final StatsRegistry stats;
    private final ProxySnapshot snapshot;
    private final Map<EventLoop, LoopState> loops;
    private final AccessLogs accessLogs;
    private HealthManager health;
    /** Re-resolves strict_dns clusters; never null after start. */
    private DnsRefresher dns;
    /** TLS listeners by name; written at start only. */
    private final Map<String, ListenerTls> tls = new LinkedHashMap<>();
    /** Polls certificate files; null when no listener reloads them. */
    private ScheduledExecutorService tlsScheduler;
    private final ChannelGroup downstream = new DefaultChannelGroup("downstream", GlobalEventExecutor.INSTANCE);
    private final List<Channel> serverChannels = new ArrayList<>();
    private final Map<String, InetSocketAddress> boundAddresses = new LinkedHashMap<>();
    private final int eventLoops;
    /** All listeners' open downstream connections and {@code runtime.max_connections}. */
    private final ConnectionLimit globalLimit;
    /** Each listener's open downstream connections and its {@code max_connections}, by name. */
    private final Map<String, ConnectionLimit> listenerLimits = new LinkedHashMap<>();
    private volatile boolean draining;
    private boolean closed;

    /**
     * The pooled allocator, chosen over Netty 4.2's default adaptive one: the proxy forwards bodies and heads as
     * retained slices, which the pooled allocator recycles and the adaptive one allocates (a sliced buffer plus
     * a DirectByteBuffer view each); measured with async-profiler's alloc mode under wrk, that was nearly all
     * of the proxy's allocation per request.
     */
    static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;

    private ProxyServer(final StraitConfig config, final AccessLogs.Options accessLogOptions) {
        this.transport = TransportFactory.select(config.runtime().transport());
        final int n = config.runtime().eventLoops() > 0
            ? config.runtime().eventLoops() : Runtime.getRuntime().availableProcessors();
        this.eventLoops = n;
        this.globalLimit = new ConnectionLimit(globalMaxConnections(config.runtime().maxConnections()));
        this.stats = StatsRegistry.open(n, config.runtime().statsFilePath());
        this.accessLogs = AccessLogs.open(config.listeners(), stats, accessLogOptions);
        this.snapshot = ProxySnapshot.compile(config, stats, accessLogs);
        this.group = new MultiThreadIoEventLoopGroup(n, transport.ioHandler());
        final Map<EventLoop, LoopState> map = new IdentityHashMap<>();
        int i = 0;
        final long seed = ThreadLocalRandom.current().nextLong();
        for (final EventExecutor e : group) {
            final EventLoop loop = (EventLoop) e;
            map.put(loop, new LoopState(i, loop, snapshot, transport.socketChannel(), ALLOCATOR,
                seed + i * 0x9E3779B97F4A7C15L));
            i++;
        }
        this.loops = map;
    }

    /**
     * The global cap on downstream connections: the configured one, or for {@code auto} half the process's
     * file-descriptor limit (HAProxy's automatic maxconn takes half too), so that upstream connections, health checks
     * and files always have descriptors left; unlimited where the limit cannot be read.
     */
    static int globalMaxConnections(final int configured) {
        if (configured != RuntimeConfig.AUTO_MAX_CONNECTIONS) {
            return configured;
        }
        final long fdLimit = FileDescriptors.limit();
        final int max = fdLimit <= 0 ? ConnectionLimit.UNLIMITED : (int) Math.max(1, Math.min(Integer.MAX_VALUE,
            fdLimit / 2));
        LOG.info("runtime.max_connections: auto = {} (file descriptor limit {})",
            max == ConnectionLimit.UNLIMITED ? "unlimited" : max, fdLimit <= 0 ? "unknown" : fdLimit);
        return max;
    }

    /**
     * Starts the data plane on a validated configuration and binds every listener.
     *
     * @throws Exception if a listener cannot be bound (everything started is closed again)
     */
    public static ProxyServer start(final StraitConfig config) throws Exception {
        return start(config, AccessLogs.Options.DEFAULT);
    }

    /** {@link #start(StraitConfig)} with access logs built as {@code accessLogOptions} say (tests, tuning). */
    public static ProxyServer start(final StraitConfig config, final AccessLogs.Options accessLogOptions)
        throws Exception {
        return start(config, accessLogOptions, EndpointResolver.SYSTEM);
    }

    /** {@link #start(StraitConfig, AccessLogs.Options)} with endpoint names resolved by {@code resolver} (tests). */
    public static ProxyServer start(final StraitConfig config, final AccessLogs.Options accessLogOptions,
                                    final EndpointResolver resolver) throws Exception {
        final ProxyServer server = new ProxyServer(config, accessLogOptions);
        try {
            server.startDns(resolver);
            server.startHealth();
            server.startTls();
            server.bindAll();
        } catch (final Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Resolves every strict_dns cluster's names once (on the DNS thread, waiting for it) and schedules the refreshes;
     * the first host sets reach each loop as tasks queued before any listener is bound.
     */
    private void startDns(final EndpointResolver resolver) throws InterruptedException {
        final List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < snapshot.clusterCount(); i++) {
            clusters.add(snapshot.cluster(i));
        }
        dns = DnsRefresher.start(clusters, resolver, this::publish, DNS_START_TIMEOUT_MILLIS);
    }

    /** The strict_dns refresher (tests). */
    DnsRefresher dns() {
        return dns;
    }

    /** Starts host health (active checks, outlier detection) before any listener accepts a request. */
    private void startHealth() {
        final List<Cluster> clusters = new ArrayList<>();
        for (int i = 0; i < snapshot.clusterCount(); i++) {
            clusters.add(snapshot.cluster(i));
        }
        health = HealthManager.start(clusters, transport.ioHandler(), transport.socketChannel(), ALLOCATOR,
            this::publish);
    }

    /** Hands a cluster's new host set to every loop, which rebuilds its own balancer from it (health or DNS thread). */
    private void publish(final Cluster cluster, final HostSet set) {
        final int index = cluster.index();
        for (final LoopState s : loops.values()) {
            s.loop().execute(() -> s.rebuild(index, set));
        }
    }

    /**
     * Builds every TLS listener's contexts (once per listener) and, when a listener reloads certificates, starts the
     * one daemon thread that polls their files.
     */
    private void startTls() throws TlsConfigException {
        boolean reloads = false;
        for (final ListenerRuntime l : snapshot.listeners()) {
            final ListenerTlsConfig t = l.config().tls();
            reloads |= t != null && !t.reloadInterval().isZero();
        }
        if (reloads) {
            tlsScheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("strait-tls-reload",
                true));
        }
        for (final ListenerRuntime l : snapshot.listeners()) {
            if (l.config().tls() != null) {
                tls.put(l.name(), ListenerTls.start(l.config(),
                    stats.scope("listener." + l.name() + ".", ListenerStat.class), eventLoops, tlsScheduler));
            }
        }
    }

    /** The TLS side of a listener, or null for a plain one (tests). */
    ListenerTls listenerTls(final String listener) {
        return tls.get(listener);
    }

    private void bindAll() throws InterruptedException {
        for (final ListenerRuntime l : snapshot.listeners()) {
            final ListenerConfig lc = l.config();
            final StatsScope<ListenerStat> listenerStats = stats.scope("listener." + l.name() + ".",
                ListenerStat.class);
            final int max = lc.maxConnections();
            final ConnectionLimit limit = new ConnectionLimit(
                max == ListenerConfig.UNLIMITED_CONNECTIONS ? ConnectionLimit.UNLIMITED : max);
            listenerLimits.put(l.name(), limit);
            final AcceptErrorHandler.LogLimiter acceptLog = new AcceptErrorHandler.LogLimiter(l.name());
            final HttpListenerInitializer init = new HttpListenerInitializer(l, this, tls.get(l.name()), limit,
                globalLimit, listenerStats);
            InetSocketAddress address = lc.address().toSocketAddress();
            if (transport.reusePort()) {
                // One listening socket per loop; the kernel spreads connections, and each connection
                // stays on the loop that accepted it.
                for (final EventLoop loop : loops.keySet()) {
                    final Channel ch = serverBootstrap(loop, loop, init)
                        .handler(new AcceptErrorHandler(listenerStats.loop(loops.get(loop).index()), acceptLog))
                        .option(UnixChannelOption.SO_REUSEPORT, true)
                        .bind(address).sync().channel();
                    serverChannels.add(ch);
                    // Port 0: bind every other loop's socket to the port the kernel picked for the first.
                    address = (InetSocketAddress) ch.localAddress();
                }
            } else {
                final EventLoop acceptor = group.next();
                final Channel ch = serverBootstrap(acceptor, group, init)
                    .handler(new AcceptErrorHandler(listenerStats.loop(loops.get(acceptor).index()), acceptLog))
                    .bind(address).sync().channel();
                serverChannels.add(ch);
                address = (InetSocketAddress) ch.localAddress();
            }
            boundAddresses.put(l.name(), address);
        }
    }

    private ServerBootstrap serverBootstrap(final EventLoop acceptor, final io.netty.channel.EventLoopGroup children,
                                           final HttpListenerInitializer init) {
        return new ServerBootstrap()
            .group(acceptor, children)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, ALLOCATOR)
            .childHandler(init);
    }

    @Override
    public LoopState loopState(final EventLoop loop) {
        return loops.get(loop);
    }

    /** A listener's connection count and cap (tests). */
    ConnectionLimit connectionLimit(final String listener) {
        return listenerLimits.get(listener);
    }

    /** The count and cap over all listeners (tests). */
    ConnectionLimit globalConnectionLimit() {
        return globalLimit;
    }

    @Override
    public void track(final Channel ch) {
        downstream.add(ch);
    }

    @Override
    public boolean isDraining() {
        return draining;
    }

    /** The transport in use and why it was chosen. */
    public SelectedTransport transport() {
        return transport;
    }

    /** Number of event loops. */
    public int eventLoops() {
        return eventLoops;
    }

    /** True if each listener has one SO_REUSEPORT socket per loop. */
    public boolean reusePort() {
        return transport.reusePort();
    }

    /** The address each listener is bound to (the real port when the config said 0), by listener name. */
    public Map<String, InetSocketAddress> boundAddresses() {
        return Map.copyOf(boundAddresses);
    }

    /** The bound address of one listener. */
    public InetSocketAddress boundAddress(final String listener) {
        return boundAddresses.get(listener);
    }

    /** The stats registry. */
    public StatsRegistry stats() {
        return stats;
    }

    /** The worker event loops (tests look at their scheduled tasks). */
    java.util.Collection<EventLoop> workerLoops() {
        return java.util.List.copyOf(loops.keySet());
    }

    /** The access logs (reopen them after a log rotation signal). */
    public AccessLogs accessLogs() {
        return accessLogs;
    }

    /** The configuration snapshot in force. */
    public ProxySnapshot snapshot() {
        return snapshot;
    }

    /**
     * Graceful stop: stops accepting, lets requests in flight finish (idle keep-alive connections are
     * closed at once, busy ones after their response), then closes whatever is left once
     * {@code timeout} has passed. Blocks until done.
     */
    public synchronized void drainAndClose(final Duration timeout) throws InterruptedException {
        if (closed) {
            return;
        }
        draining = true;
        for (final Channel ch : serverChannels) {
            ch.close().await(1, TimeUnit.SECONDS);
        }
        for (final Channel ch : downstream) {
            ch.eventLoop().execute(() -> {
                final DownstreamHttp1Handler h = ch.pipeline().get(DownstreamHttp1Handler.class);
                if (h != null) {
                    h.drain();
                }
            });
        }
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!downstream.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        if (!downstream.isEmpty()) {
            LOG.warn("drain timeout {} passed with {} connection(s) still open; closing them", timeout,
                downstream.size());
        }
        close();
    }

    /** Closes every listener and connection at once and stops the loops. Blocks until done. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        draining = true;
        if (dns != null) {
            dns.close();
        }
        if (health != null) {
            health.close();
        }
        for (final Channel ch : serverChannels) {
            ch.close();
        }
        downstream.close().await(5, TimeUnit.SECONDS);
        for (final LoopState s : loops.values()) {
            s.loop().execute(s::closePools);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        // The loops are stopped: nothing offers any more. Write what is queued and close the files.
        accessLogs.close();
        stats.close();
        if (tlsScheduler != null) {
            tlsScheduler.shutdownNow();
            tlsScheduler.awaitTermination(5, TimeUnit.SECONDS);
        }
        for (final ListenerTls t : tls.values()) {
            t.close();
        }
    }
}
