package io.strait.core.server;

import io.strait.core.exchange.DownstreamHttp1Handler;
import io.strait.core.exchange.DownstreamHttp2Handler;
import io.strait.core.exchange.ServerContext;
import io.strait.core.listener.ConnectionLimit;
import io.strait.core.listener.DownstreamConnections;
import io.strait.core.listener.ListenerTls;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.snapshot.ProxySnapshot;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.strait.core.accesslog.AccessLogs;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.DnsRefresher;
import io.strait.core.cluster.EndpointResolver;
import io.strait.core.cluster.HealthManager;
import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.RuntimeConfig;
import io.strait.core.config.StraitConfig;
import io.strait.core.config.yaml.Durations;
import io.strait.core.overload.OverloadManager;
import io.strait.core.overload.OverloadState;
import io.strait.core.stats.OverloadStat;
import io.strait.core.stats.ServerStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;
import io.strait.core.transport.BatchingIoHandler;
import io.strait.core.transport.TransportFactory;
import io.strait.core.transport.TransportFactory.SelectedTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The running data plane: N event loops on the chosen transport, each listener bound once per loop
 * with SO_REUSEPORT (or once in all on NIO), and the per-loop state every connection uses.
 * Start with {@link #start}; change the configuration with {@link #reload}; stop with {@link #drainAndClose}
 * (graceful) or {@link #close}.
 *
 * <p>Thread-safe: its methods are called from the launcher's and the admin's threads, serialized on this object;
 * the loops read their own slot of {@link LoopSlots}, the volatile snapshot and the volatile draining flag.
 */
public final class ProxyServer implements AutoCloseable, ServerContext {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    /** The first resolution of strict_dns names may hold up the start this long; later answers fill in. */
    private static final long DNS_START_TIMEOUT_MILLIS = 10_000;

    private final SelectedTransport transport;
    private final MultiThreadIoEventLoopGroup group;
    private final StatsRegistry stats;
    /** The snapshot in force; replaced by {@link #reload} once every loop has switched. */
    private volatile ProxySnapshot snapshot;
    private final LoopSlots loops;
    private final AccessLogs accessLogs;
    private HealthManager health;
    /** Re-resolves strict_dns clusters; never null after start. */
    private DnsRefresher dns;
    /** The TLS side of each TLS listener. */
    private final TlsSides tls;
    private final DownstreamConnections downstream = new DownstreamConnections();
    private final ListenerSet listeners;
    private final int eventLoops;
    /** All listeners' open downstream connections and {@code runtime.max_connections}. */
    private final ConnectionLimit globalLimit;
    /** {@code runtime.max_connections} as configured (resolved when auto); a runtime override may replace it. */
    private int configuredGlobalMax;
    /** The admin's runtime overrides; guarded by this. */
    private final RuntimeOverrides runtime = new RuntimeOverrides();
    /** Reload counters; written through the control slot under this object's lock. */
    private final StatsScope<ServerStat> serverStats;
    /** Samples heap, direct memory, connections and descriptors off the loops and sets what the loops refuse. */
    private final OverloadManager overload;
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
        final int n = loopCount(config);
        this.eventLoops = n;
        this.configuredGlobalMax = globalMaxConnections(config.runtime().maxConnections());
        this.globalLimit = new ConnectionLimit(configuredGlobalMax);
        this.stats = StatsRegistry.open(n, config.runtime().statsFilePath());
        this.serverStats = stats.scope("server.", ServerStat.class);
        this.tls = new TlsSides(stats, n);
        this.accessLogs = AccessLogs.open(config.listeners(), stats, accessLogOptions);
        this.snapshot = ProxySnapshot.compile(config, stats, accessLogs);
        this.group = new MultiThreadIoEventLoopGroup(n, BatchingIoHandler.factory(transport.ioHandler(),
            config.runtime().batchWait().toNanos()));
        PoolCacheTrimmer.start(group, ALLOCATOR);
        final StatsScope<OverloadStat> overloadStats = stats.scope("overload.", OverloadStat.class);
        final OverloadState overloadState = new OverloadState(overloadStats, n);
        this.overload = new OverloadManager(config.overload(), overloadState, overloadStats,
            OverloadManager.systemMonitors(ALLOCATOR instanceof PooledByteBufAllocator p ? p : null,
                globalLimit::active, globalLimit::max),
            downstream);
        this.loops = new LoopSlots(group, snapshot, transport.socketChannel(), ALLOCATOR,
            ThreadLocalRandom.current().nextLong(), overloadState);
        this.listeners = new ListenerSet(transport, group, loops.indexes(), this, globalLimit, stats, downstream);
    }

    private static int loopCount(final StraitConfig config) {
        return config.runtime().eventLoops() > 0
            ? config.runtime().eventLoops() : Runtime.getRuntime().availableProcessors();
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
        return start(config, accessLogOptions, resolver, InheritedSockets.none());
    }

    /**
     * {@link #start(StraitConfig)} serving on the listening sockets received from the process it takes over (hot
     * restart) wherever a listener's address matches one, instead of binding; the sockets it does not use stay in
     * {@code inherited} for the caller to close.
     *
     * @throws IllegalStateException when sockets were inherited and the transport is not epoll
     */
    public static ProxyServer start(final StraitConfig config, final InheritedSockets inherited) throws Exception {
        return start(config, AccessLogs.Options.DEFAULT, EndpointResolver.SYSTEM, inherited);
    }

    private static ProxyServer start(final StraitConfig config, final AccessLogs.Options accessLogOptions,
                                     final EndpointResolver resolver, final InheritedSockets inherited)
        throws Exception {
        final ProxyServer server = new ProxyServer(config, accessLogOptions);
        try {
            if (!inherited.isEmpty() && !"epoll".equals(server.transport.name())) {
                throw new IllegalStateException("transport " + server.transport.name() + " cannot serve on "
                    + "inherited listening sockets; hot restart needs epoll");
            }
            server.startDns(resolver);
            server.startHealth();
            server.tls.start(config);
            server.overload.start();
            server.bindAll(inherited);
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
        dns = DnsRefresher.start(snapshot.clusters(), resolver, loops::publish, DNS_START_TIMEOUT_MILLIS);
    }

    /** The strict_dns refresher (tests). */
    DnsRefresher dns() {
        return dns;
    }

    /** Starts host health (active checks, outlier detection) before any listener accepts a request. */
    private void startHealth() {
        health = HealthManager.start(snapshot.clusters(), transport.ioHandler(), transport.socketChannel(), ALLOCATOR,
            loops::publish);
    }

    /** The TLS side of a listener, or null for a plain one (tests). */
    ListenerTls listenerTls(final String listener) {
        return tls.get(listener);
    }

    private void bindAll(final InheritedSockets inherited) throws InterruptedException {
        for (final ListenerRuntime l : snapshot.listeners()) {
            listeners.bind(l, tls.get(l.name()), inherited);
        }
    }

    /**
     * Puts {@code next} in force without a restart: validation is the caller's ({@code ConfigLoader}); what is
     * checked here is what a running server cannot change ({@code runtime.event_loops}, {@code runtime.transport},
     * {@code runtime.batch_wait}),
     * and what fails while applying (a listener address that cannot be bound, a TLS file that cannot be read).
     * On any error nothing changes and every error is returned.
     *
     * <p>On success: a new snapshot is compiled off the loops, keeping every cluster whose configuration is unchanged
     * (hosts, health, breakers and counters go on) and making the others anew; host health and DNS follow; each loop
     * then switches to it in a task of its own, so that exchanges that start after this returns run on the new
     * routes and clusters while exchanges in flight finish on the old ones (each connection moves at its next
     * request); idle pooled connections of hosts that left are closed. Listeners: same name and address are updated
     * in place (new limits, TLS, cap for new connections), new ones are bound, removed ones (and those whose address
     * changed) stop accepting and their connections drain. Stats of removed clusters and listeners are dropped.
     */
    public synchronized ReloadResult reload(final StraitConfig next) {
        final ReloadResult r = apply(next);
        serverStats.control().inc(r.applied() ? ServerStat.RELOAD_SUCCESS : ServerStat.RELOAD_FAILURE);
        if (r.applied()) {
            LOG.info("configuration reloaded: {} listener(s), {} cluster(s){}", listeners.names().size(),
                snapshot.clusterCount(), r.errors().isEmpty() ? "" : "; not applied: " + r.errors());
        } else {
            LOG.warn("configuration reload refused, the running configuration stays: {}", r.errors());
        }
        return r;
    }

    /**
     * Reads, validates and puts in force the configuration in {@code file} ({@link #reload(StraitConfig)}); a file
     * that does not parse or validate changes nothing, and every error (with its line) is in the result. Off the
     * loops: the caller's thread reads the file.
     */
    public ReloadResult reload(final Path file) {
        final ConfigResult parsed = ConfigLoader.load(file);
        if (!parsed.ok()) {
            final List<String> errors = new ArrayList<>();
            for (final ConfigError e : parsed.errors()) {
                errors.add(e.format());
            }
            synchronized (this) {
                serverStats.control().inc(ServerStat.RELOAD_FAILURE);
            }
            LOG.warn("configuration reload refused, {} does not validate: {}", file, errors);
            return ReloadResult.failed(errors);
        }
        return reload(parsed.config());
    }

    private ReloadResult apply(final StraitConfig next) {
        final List<String> errors = new ArrayList<>();
        if (closed || draining) {
            errors.add("the server is draining or closed");
            return ReloadResult.failed(errors);
        }
        final StraitConfig now = snapshot.config();
        if (loopCount(next) != eventLoops) {
            errors.add("runtime.event_loops: " + eventLoops + " -> " + loopCount(next)
                + " needs a restart (see hot restart)");
        }
        if (next.runtime().transport() != now.runtime().transport()) {
            errors.add("runtime.transport: " + now.runtime().transport() + " -> " + next.runtime().transport()
                + " needs a restart (see hot restart)");
        }
        if (!next.runtime().batchWait().equals(now.runtime().batchWait())) {
            errors.add("runtime.batch_wait: " + Durations.format(now.runtime().batchWait()) + " -> "
                + Durations.format(next.runtime().batchWait()) + " needs a restart (see hot restart)");
        }
        if (!errors.isEmpty()) {
            return ReloadResult.failed(errors);
        }
        // TLS first: a certificate that cannot be loaded fails the reload before anything changed.
        final Map<String, ListenerTls> nextTls = tls.prepare(now, next, errors);
        if (nextTls == null) {
            return ReloadResult.failed(errors);
        }
        final ProxySnapshot old = snapshot;
        final ProxySnapshot fresh;
        try {
            accessLogs.add(next.listeners());
            fresh = ProxySnapshot.compile(next, stats, accessLogs, old);
            health.update(fresh.clusters());
            dns.update(fresh.clusters());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            tls.discard(nextTls);
            errors.add("interrupted");
            return ReloadResult.failed(errors);
        } catch (final RuntimeException e) {
            tls.discard(nextTls);
            errors.add(String.valueOf(e.getMessage()));
            return ReloadResult.failed(errors);
        }
        loops.switchTo(fresh);
        snapshot = fresh;
        configuredGlobalMax = globalMaxConnections(next.runtime().maxConnections());
        runtime.apply(fresh, globalLimit, configuredGlobalMax);
        overload.update(next.overload());
        applyListeners(fresh, nextTls, errors);
        tls.commit(nextTls);
        dropStatsOfRemoved(old, fresh);
        for (final Cluster c : old.clusters()) {
            if (fresh.indexOf(c) < 0) {
                c.close();   // a replaced cluster's upstream TLS stops watching its files
            }
        }
        return errors.isEmpty() ? ReloadResult.OK : ReloadResult.partial(errors);
    }

    /**
     * Listeners after the loops switched: kept ones updated in place, removed or moved ones unbound and drained, new
     * or moved ones bound. A bind that fails is reported (the rest of the reload stands).
     */
    private void applyListeners(final ProxySnapshot fresh, final Map<String, ListenerTls> nextTls,
                                final List<String> errors) {
        for (final String name : listeners.names()) {
            final ListenerRuntime l = fresh.listener(name);
            if (l != null && listeners.sameAddress(name, l.config())) {
                listeners.update(l, nextTls.get(name));
            } else {
                drain(listeners.unbind(name));
                if (l == null) {
                    stats.remove("listener." + name + ".");
                }
            }
        }
        for (final ListenerRuntime l : fresh.listeners()) {
            if (!listeners.has(l.name())) {
                try {
                    listeners.bind(l, nextTls.get(l.name()));
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errors.add("listeners." + l.name() + ": interrupted while binding");
                } catch (final Exception e) {   // a failed bind arrives as a (sneaky) checked IOException
                    errors.add("listeners." + l.name() + ".address: cannot bind " + l.config().address() + ": "
                        + e.getMessage());
                }
            }
        }
    }

    private void dropStatsOfRemoved(final ProxySnapshot old, final ProxySnapshot fresh) {
        for (final Cluster c : old.clusters()) {
            if (fresh.cluster(c.name()) == null) {
                stats.remove("cluster." + c.name() + ".");
            }
        }
        for (final ListenerRuntime l : old.listeners()) {
            if (fresh.listener(l.name()) == null) {
                stats.remove("http." + l.name() + ".");
            }
        }
    }


    /** Asks each connection of {@code connections} to drain: idle ones close now, busy ones after their response. */
    private static void drain(final Iterable<Channel> connections) {
        if (connections == null) {
            return;
        }
        for (final Channel ch : connections) {
            ch.eventLoop().execute(() -> {
                final DownstreamHttp1Handler h = ch.pipeline().get(DownstreamHttp1Handler.class);
                if (h != null) {
                    h.drain();
                }
                final DownstreamHttp2Handler h2 = ch.pipeline().get(DownstreamHttp2Handler.class);
                if (h2 != null) {
                    h2.drain();
                }
            });
        }
    }

    /**
     * Sets runtime overrides (the admin's {@code POST /runtime_modify}; keys in {@link RuntimeOverrides}): every key
     * and value is checked first, and on any error nothing changes. An empty value removes a key's override. The
     * overrides stay in force across reloads.
     *
     * @return the errors, each naming its key; empty when applied
     */
    public synchronized List<String> modifyRuntime(final Map<String, String> values) {
        final List<String> errors = runtime.modify(values, snapshot, globalLimit, configuredGlobalMax);
        if (errors.isEmpty()) {
            LOG.info("runtime overrides set: {}", values);
        }
        return errors;
    }

    /** Every runtime key with the value in force, and whether an override set it, by key. */
    public synchronized Map<String, RuntimeValue> runtime() {
        final Map<String, RuntimeValue> out = new LinkedHashMap<>();
        for (final Map.Entry<String, RuntimeOverrides.Entry> e : runtime.entries(snapshot, globalLimit).entrySet()) {
            out.put(e.getKey(), new RuntimeValue(e.getValue().value(), e.getValue().overridden()));
        }
        return out;
    }

    /**
     * Immutable. A runtime key's value in force.
     *
     * @param value      the value in force
     * @param overridden true when an admin override set it, false when it is the configuration's
     */
    public record RuntimeValue(long value, boolean overridden) {
    }

    @Override
    public LoopState loopState(final EventLoop loop) {
        return loops.stateOf(loop);
    }

    /** A listener's connection count and cap (tests). */
    ConnectionLimit connectionLimit(final String listener) {
        return listeners.limit(listener);
    }

    /** The count and cap over all listeners (tests). */
    ConnectionLimit globalConnectionLimit() {
        return globalLimit;
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
    public synchronized Map<String, InetSocketAddress> boundAddresses() {
        return Map.copyOf(listeners.addresses());
    }

    /** The bound address of one listener. */
    public synchronized InetSocketAddress boundAddress(final String listener) {
        return listeners.address(listener);
    }

    /** The stats registry. */
    public StatsRegistry stats() {
        return stats;
    }

    /** The worker event loops (tests look at their scheduled tasks). */
    java.util.Collection<EventLoop> workerLoops() {
        return loops.loops();
    }

    /** The overload manager: its configuration, the pressures and the actions in force (admin, tests). */
    public OverloadManager overload() {
        return overload;
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
     * Every listening socket with its descriptor (what hot restart hands to the process taking over); empty unless
     * the transport's channels have descriptors (epoll, io_uring).
     */
    public synchronized List<ListeningSocket> listeningSockets() {
        return listeners.listeningSockets();
    }

    /**
     * Stops accepting: closes this process's listening sockets, not draining anything. After a hot restart handed
     * them over, the sockets live on in the new process, which accepts what is queued on them; each channel is
     * deregistered from its epoll set before its descriptor is closed, so this process hears no more of them.
     * Blocks until every socket is closed (bounded by a second each).
     */
    public synchronized void stopAccepting() {
        listeners.closeSockets();
    }

    /**
     * Stops accepting on every listener and lets the open connections drain (idle keep-alive connections close after
     * the drain grace, busy ones after their response), without stopping the server: the admin's
     * {@code POST /drain_listeners}, e.g. before taking the host out of a load balancer. {@link #isDraining} is true
     * from here on; a reload is refused.
     */
    public synchronized void drainListeners() {
        if (closed) {
            return;
        }
        draining = true;
        listeners.closeSockets();
        drain(downstream);
    }

    /**
     * Graceful stop: stops accepting, lets requests in flight finish (busy connections close after their response,
     * idle keep-alive ones after {@link DownstreamHttp1Handler#DRAIN_IDLE_GRACE_NANOS}), then closes whatever is
     * left once {@code timeout} has passed. Blocks until done.
     */
    public synchronized void drainAndClose(final Duration timeout) throws InterruptedException {
        if (closed) {
            return;
        }
        draining = true;
        listeners.closeSockets();
        drain(downstream);
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
        overload.close();
        listeners.closeSockets();
        downstream.closeAll(5, TimeUnit.SECONDS);
        loops.closePools();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        // The loops are stopped: nothing offers any more. Write what is queued and close the files.
        accessLogs.close();
        tls.close();
        for (final Cluster c : snapshot.clusters()) {
            c.close();
        }
        stats.close();
    }
}
