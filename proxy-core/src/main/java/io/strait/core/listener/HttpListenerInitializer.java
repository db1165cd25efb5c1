package io.strait.core.listener;

import io.strait.core.config.ListenerCodec;
import io.strait.core.exchange.DownstreamHttp1Handler;
import io.strait.core.exchange.DownstreamHttp2Handler;
import io.strait.core.exchange.ServerContext;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.strait.core.codec.http1.Http1ServerCodec;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.stats.StatsScope;

/**
 * Composes the pipeline of one accepted HTTP connection, and does nothing else: on a TLS listener the SNI/SSL
 * handler and the peer identity handler, then the HTTP/1.1 codec (bytes to protocol-neutral events and back), then
 * the proxy handler (routing, clusters, upstream). With {@code codec: auto} (the default) an
 * {@link HttpProtocolSelector} goes before the codec and swaps it for the HTTP/2 handler when the client speaks
 * HTTP/2 (ALPN h2, or the h2c preface); with {@code codec: http2} the HTTP/2 handler is the only codec. It also
 * sets the connection's write buffer high water mark to {@code limits.connection_buffer}, above which the codec
 * stops decoding pipelined requests, and (first in the pipeline) the {@link SendTimeoutHandler} that resets a
 * connection left unwritable for {@code timeouts.send}. Shared by all connections of a listener; thread-safe.
 *
 * <p>Before any of that, the connection takes a slot of the listener's {@code max_connections} and of the global
 * {@code runtime.max_connections}; over either cap it is closed at once, with no pipeline built, and counted
 * ({@code listener.<name>.downstream_cx_overflow} / {@code downstream_global_cx_overflow}). The slots are given back
 * when the connection closes. While the overload manager stops accepting connections, each is closed at once too,
 * before taking any slot ({@code overload.stop_accepting_connections.total} and
 * {@code listener.<name>.downstream_cx_overload_reject}).
 */
@ChannelHandler.Sharable
public final class HttpListenerInitializer extends ChannelInitializer<Channel> {

    /** The HTTP/1.1 codec's name in the pipeline. */
    static final String HTTP1 = "http1";
    /** The HTTP/2 connection handler's name in the pipeline. */
    static final String HTTP2 = "http2";

    private final ServerContext server;
    /** What a reload may change, swapped whole (read once per accepted connection). */
    private volatile Settings settings;
    /** This listener's open connections (drained when a reload removes the listener). */
    private final ChannelGroup connections;
    private final ConnectionLimit listenerLimit;
    private final ConnectionLimit globalLimit;
    private final StatsScope<ListenerStat> listenerStats;
    /** Gives both slots back when an admitted connection closes. */
    private final ChannelFutureListener releaseSlots;

    /** The initializer of {@code listener}'s connections, which belong to {@code server}. */
    public HttpListenerInitializer(final ListenerRuntime listener, final ServerContext server, final ListenerTls tls,
                            final ConnectionLimit listenerLimit, final ConnectionLimit globalLimit,
                            final StatsScope<ListenerStat> listenerStats, final ChannelGroup connections) {
        this.server = server;
        this.settings = new Settings(listener, tls);
        this.connections = connections;
        this.listenerLimit = listenerLimit;
        this.globalLimit = globalLimit;
        this.listenerStats = listenerStats;
        this.releaseSlots = f -> {
            listenerLimit.release();
            globalLimit.release();
        };
    }

    /**
     * A reload changed the listener (same name and address): connections accepted from now on get {@code listener}'s
     * limits and buffer size and {@code tls}; their exchanges take routes from the snapshot in force, whatever this
     * says.
     */
    public void update(final ListenerRuntime listener, final ListenerTls tls) {
        settings = new Settings(listener, tls);
    }

    /** The listener runtime connections are accepted with now. */
    public ListenerRuntime listener() {
        return settings.listener;
    }

    @Override
    protected void initChannel(final Channel ch) {
        final Settings s = settings;
        final ListenerRuntime listener = s.listener;
        final ListenerTls tls = s.tls;
        final LoopState state = server.loopState(ch.eventLoop());
        final int loopIndex = state.index();
        if (state.overload().refuseConnection(loopIndex)) {
            listenerStats.loop(loopIndex).inc(ListenerStat.DOWNSTREAM_CX_OVERLOAD_REJECT);
            ch.close();   // overload: before any slot, TLS or HTTP work (counted globally by the check)
            return;
        }
        if (!admit(ch, loopIndex)) {
            return;
        }
        server.track(ch);
        connections.add(ch);
        ch.config().setWriteBufferWaterMark(s.waterMark);
        final ChannelPipeline p = ch.pipeline();
        if (s.sendTimeoutMillis > 0) {
            p.addLast(SendTimeoutHandler.NAME, new SendTimeoutHandler(s.sendTimeoutMillis,
                listenerStats.loop(loopIndex)));
        }
        if (tls != null) {
            p.addLast("tls", tls.newSniHandler())
                .addLast("tls-identity", tls.identityHandler(loopIndex));
        }
        final ListenerCodec codec = listener.config().codec();
        if (codec == ListenerCodec.HTTP2) {
            p.addLast(HTTP2, DownstreamHttp2Handler.create(listener, server));
            return;
        }
        if (codec == ListenerCodec.AUTO) {
            p.addLast(HttpProtocolSelector.NAME, new HttpProtocolSelector(listener, server, tls != null));
        }
        // a connection that never sent a byte is closed by the codec: counted as Envoy counts it, an idle timeout
        final LoopStats<HttpStat> stats = listener.stats().loop(loopIndex);
        p.addLast(HTTP1, new Http1ServerCodec(listener.limits(),
                () -> stats.inc(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT)))
            .addLast("proxy", new DownstreamHttp1Handler(listener, server));
    }

    /** Takes the connection's slots, or closes it at once and counts the cap it hit. */
    private boolean admit(final Channel ch, final int loopIndex) {
        if (!listenerLimit.tryAcquire()) {
            listenerStats.loop(loopIndex).inc(ListenerStat.DOWNSTREAM_CX_OVERFLOW);
            ch.close();
            return false;
        }
        if (!globalLimit.tryAcquire()) {
            listenerLimit.release();
            listenerStats.loop(loopIndex).inc(ListenerStat.DOWNSTREAM_GLOBAL_CX_OVERFLOW);
            ch.close();
            return false;
        }
        ch.closeFuture().addListener(releaseSlots);
        return true;
    }

    /** The part of a listener a reload may change. Immutable. */
    private static final class Settings {
        final ListenerRuntime listener;
        /** Null for a plain listener. */
        final ListenerTls tls;
        /** limits.connection_buffer as the high mark; the low mark (writable again) at half of it. */
        final WriteBufferWaterMark waterMark;
        /** timeouts.send; 0: off (no handler). */
        final long sendTimeoutMillis;

        Settings(final ListenerRuntime listener, final ListenerTls tls) {
            this.listener = listener;
            this.tls = tls;
            this.sendTimeoutMillis = listener.config().timeouts().send().toMillis();
            final int high = listener.config().limits().connectionBufferBytes();
            this.waterMark = new WriteBufferWaterMark(high >>> 1, high);
        }
    }
}
