package io.strait.server.warmup;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.ListenerProtocol;
import io.strait.core.config.StraitConfig;
import io.strait.core.config.UpstreamProtocol;
import io.strait.core.config.WarmupConfig;
import io.strait.core.server.ProxyServer;
import io.strait.core.transport.TransportFactory;
import io.strait.core.transport.TransportFactory.SelectedTransport;
import io.strait.lb.LbPolicy;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the start-up warm-up of {@code runtime.warmup} for a configuration, before its listeners bind: a throwaway
 * proxy with one cluster per load-balancing policy and upstream protocol the configuration uses, an in-process origin,
 * and an in-process client sending HTTP/1.1 requests (keep-alive) and HTTP/2 streams (h2c) as the real listeners
 * allow, up to {@code requests} or {@code max_time}, whichever comes first (HTTP/1.1 first, then HTTP/2, half each);
 * then all of it is stopped, and the launcher waits (at most half of {@code max_time} more) for the JIT compilers to
 * finish the methods the requests queued. Called from the
 * launcher's main thread; blocks until done; never throws (a warm-up that fails is reported, and the proxy starts
 * anyway).
 */
public final class Warmup {

    /** The throwaway listener's name (its counters live and die with the throwaway proxy). */
    static final String LISTENER = "warmup";
    /** HTTP/1.1 connections of the client. */
    static final int HTTP1_CONNECTIONS = 4;
    /** HTTP/2 connections of the client, and streams kept open on each. */
    static final int HTTP2_CONNECTIONS = 2;
    static final int HTTP2_STREAMS = 8;
    /** Time given past the request phase for requests in flight to end before everything is closed anyway. */
    private static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The JIT counts as done when its compilation time has not grown for this long. */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(300);
    private static final long POLL_MILLIS = 50;

    private Warmup() {
    }

    /** Runs the warm-up {@code config.runtime().warmup()} describes, or says why none ran. */
    public static WarmupReport run(final StraitConfig config) {
        final WarmupConfig w = config.runtime().warmup();
        if (!w.active()) {
            return WarmupReport.skipped(w.enabled() ? "runtime.warmup: no requests or no time" : "disabled");
        }
        boolean http1 = false;
        boolean http2 = false;
        for (final ListenerConfig l : config.listeners()) {
            if (l.protocol() == ListenerProtocol.HTTP) {
                http1 |= l.codec().allowsHttp1();
                http2 |= l.codec().allowsHttp2();
            }
        }
        if (!http1 && !http2) {
            return WarmupReport.skipped("no HTTP listener");
        }
        final long start = System.nanoTime();
        try {
            return drive(config, w, http1, http2, start);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return WarmupReport.skipped("interrupted");
        } catch (final Exception e) {
            return WarmupReport.skipped("failed: " + e);
        }
    }

    private static WarmupReport drive(final StraitConfig config, final WarmupConfig w, final boolean http1,
                                      final boolean http2, final long start) throws Exception {
        final SelectedTransport transport = TransportFactory.select(config.runtime().transport());
        final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
            new DefaultThreadFactory("strait-warmup", true), transport.ioHandler());
        final WarmupOrigin origin = new WarmupOrigin(group, transport.serverChannel());
        try {
            final List<Route> routes = routes(config, origin);
            final ConfigResult throwaway = ConfigLoader.parse(yaml(config, routes), "warm-up");
            if (!throwaway.ok()) {
                return WarmupReport.skipped("its configuration is invalid: " + throwaway.errors().get(0).format());
            }
            final ProxyServer proxy = ProxyServer.start(throwaway.config());
            final WarmupBudget h1;
            final WarmupBudget h2;
            try {
                final InetSocketAddress target = proxy.boundAddress(LISTENER);
                // HTTP/1.1 first, then HTTP/2: one after the other, so that neither starves the other on the one
                // loop; HTTP/1.1 has until half of max_time when HTTP/2 follows, HTTP/2 the rest.
                // max_time runs from here, once the throwaway proxy is up (its start is part of any start-up).
                final long sending = System.nanoTime();
                final long end = sending + w.maxTime().toNanos();
                final int h1Requests = http2 ? (http1 ? w.requests() / 2 : 0) : w.requests();
                final long h1End = http2 && http1 ? sending + w.maxTime().toNanos() / 2 : end;
                h1 = new WarmupBudget(h1Requests, h1End, http1 ? HTTP1_CONNECTIONS : 0);
                h2 = new WarmupBudget(w.requests() - h1Requests, end, http2 ? HTTP2_CONNECTIONS : 0);
                final List<String> prefixes = new ArrayList<>();
                for (final Route r : routes) {
                    prefixes.add(r.prefix());
                }
                final Bootstrap b = new Bootstrap().group(group).channel(transport.socketChannel())
                    .option(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT);
                for (int i = 0; http1 && i < HTTP1_CONNECTIONS; i++) {
                    connect(b, target, h1, new Http1WarmupClient(h1, prefixes));
                }
                h1.await(h1End + GRACE_NANOS);
                for (int i = 0; http2 && i < HTTP2_CONNECTIONS; i++) {
                    final Http2WarmupClient listener = new Http2WarmupClient(h2, prefixes, HTTP2_STREAMS);
                    connect(b, target, h2, new Http2Pipeline(h2, listener));
                }
                h2.await(end + GRACE_NANOS);
            } finally {
                proxy.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            final boolean settled = awaitJitQuiet(System.nanoTime() + w.maxTime().toNanos() / 2);
            // The warm-up's garbage (and the throwaway proxy) collected now, before any real connection: the heap
            // shrinks back, and the first young collection under load copies only what real traffic keeps alive.
            System.gc();
            return new WarmupReport(h1.http1(), h2.http2(), h1.failed() + h2.failed(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), settled, null);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
            origin.close();
        }
    }

    /**
     * Waits until the JIT compilers have been idle for {@link #QUIET_NANOS} (their total compilation time stopped
     * growing: the methods the requests queued for C2 are compiled), at most until {@code untilNanos}; true if they
     * went quiet. Without this the queue the warm-up filled would still be compiling, on the loops' cores, when the
     * first real requests arrive.
     */
    static boolean awaitJitQuiet(final long untilNanos) throws InterruptedException {
        final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return false;
        }
        long last = jit.getTotalCompilationTime();
        long quietSince = System.nanoTime();
        while (System.nanoTime() - untilNanos < 0) {
            Thread.sleep(POLL_MILLIS);
            final long now = System.nanoTime();
            final long total = jit.getTotalCompilationTime();
            if (total != last) {
                last = total;
                quietSince = now;
            } else if (now - quietSince >= QUIET_NANOS) {
                return true;
            }
        }
        return false;
    }

    private static void connect(final Bootstrap b, final InetSocketAddress target, final WarmupBudget budget,
                                final io.netty.channel.ChannelHandler handler) {
        final ChannelFuture f = b.clone().handler(handler).connect(target);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                budget.connectionDone();
            }
        });
    }

    /**
     * One throwaway cluster per load-balancing policy and upstream protocol of {@code config} (HTTP/1.1 for a
     * plaintext {@code auto}, both for {@code auto} with TLS), each with two endpoints on the origin, reached under
     * its own path prefix.
     */
    static List<Route> routes(final StraitConfig config, final WarmupOrigin origin) throws InterruptedException {
        final Set<String> kinds = new LinkedHashSet<>();
        for (final ClusterConfig c : config.clusters()) {
            final String lb = c.lb() == null ? LbPolicy.ROUND_ROBIN.configName() : c.lb().configName();
            final UpstreamProtocol p = c.protocol() == null ? UpstreamProtocol.HTTP1 : c.protocol();
            if (p != UpstreamProtocol.HTTP2) {
                kinds.add(lb + " " + UpstreamProtocol.HTTP1.configName());
            }
            if (p == UpstreamProtocol.HTTP2 || p == UpstreamProtocol.AUTO && c.tls() != null) {
                kinds.add(lb + " " + UpstreamProtocol.HTTP2.configName());
            }
        }
        if (kinds.isEmpty()) {
            kinds.add(LbPolicy.ROUND_ROBIN.configName() + " " + UpstreamProtocol.HTTP1.configName());
        }
        int[] h1Ports = null;
        int[] h2Ports = null;
        final List<Route> routes = new ArrayList<>();
        for (final String kind : kinds) {
            final String[] lbAndProtocol = kind.split(" ");
            final boolean http2 = lbAndProtocol[1].equals(UpstreamProtocol.HTTP2.configName());
            if (http2 && h2Ports == null) {
                h2Ports = new int[] {origin.bind(true), origin.bind(true)};
            } else if (!http2 && h1Ports == null) {
                h1Ports = new int[] {origin.bind(false), origin.bind(false)};
            }
            final int n = routes.size();
            routes.add(new Route("/c" + n + "/", "warmup-" + n, lbAndProtocol[0], lbAndProtocol[1],
                http2 ? h2Ports : h1Ports));
        }
        return routes;
    }

    /** The throwaway proxy's configuration, in the config file's syntax (so it is validated like any other). */
    static String yaml(final StraitConfig config, final List<Route> routes) {
        final StringBuilder y = new StringBuilder(1024);
        y.append("runtime: { event_loops: 1, transport: ").append(config.runtime().transport().name()
            .toLowerCase(Locale.ROOT)).append(", stats_file: none, hot_restart_socket: none, max_connections: 1024,"
            + " warmup: { enabled: false } }\n");
        y.append("listeners:\n  - name: ").append(LISTENER).append("\n    address: 127.0.0.1:0\n");
        y.append("    virtual_hosts:\n      - domains: [ \"*\" ]\n        routes:\n");
        for (final Route r : routes) {
            y.append("          - match: { prefix: ").append(r.prefix()).append(" }\n            cluster: ")
                .append(r.cluster()).append('\n');
        }
        y.append("clusters:\n");
        for (final Route r : routes) {
            y.append("  - name: ").append(r.cluster()).append("\n    lb: ").append(r.lb()).append("\n    protocol: ")
                .append(r.protocol()).append("\n    endpoints: [ { address: 127.0.0.1:").append(r.ports()[0])
                .append(" }, { address: 127.0.0.1:").append(r.ports()[1]).append(" } ]\n");
        }
        return y.toString();
    }

    /** A throwaway route: its path prefix, its cluster's name, policy, upstream protocol and origin ports. */
    record Route(String prefix, String cluster, String lb, String protocol, int[] ports) {
    }

    /** Adds the HTTP/2 connection handler, then opens the first streams once the preface is out. */
    private static final class Http2Pipeline extends ChannelInitializer<Channel> {

        private final WarmupBudget budget;
        private final Http2WarmupClient listener;

        Http2Pipeline(final WarmupBudget budget, final Http2WarmupClient listener) {
            this.budget = budget;
            this.listener = listener;
        }

        @Override
        protected void initChannel(final Channel ch) {
            final Http2ConnectionHandler h = new Http2ConnectionHandlerBuilder().server(false).frameListener(listener)
                .build();
            ch.pipeline().addLast(h, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelActive(final ChannelHandlerContext ctx) {
                    listener.start(ctx.pipeline().context(h));
                }

                @Override
                public void channelInactive(final ChannelHandlerContext ctx) {
                    budget.lost(listener.inFlight());
                    budget.connectionDone();
                }
            });
        }
    }
}
