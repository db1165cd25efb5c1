package io.strait.core.listener;

import io.strait.core.config.ListenerCodec;
import io.strait.core.exchange.DownstreamHttp1Handler;
import io.strait.core.exchange.DownstreamHttp2Handler;
import io.strait.core.exchange.ServerContext;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.strait.core.codec.http1.Http1ServerCodec;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.stats.StatsScope;
import io.strait.core.transport.SharedAddresses;

/**
 * Composes the pipeline of one accepted HTTP connection, and does nothing else: on a TLS listener the SNI/SSL
 * handler and the peer identity handler, then the HTTP/1.1 codec (bytes to protocol-neutral events and back), then
 * the proxy handler (routing, clusters, upstream). With {@code codec: auto} (the default) an
 * {@link HttpProtocolSelector} goes before the codec and swaps it for the HTTP/2 handler when the client speaks
 * HTTP/2 (ALPN h2, or the h2c preface); with {@code codec: http2} the HTTP/2 handler is the only codec. It also
 * sets the connection's write buffer high water mark to {@code limits.connection_buffer}, above which the codec
 * stops decoding pipelined requests, and the {@link SendTimeoutHandler} that resets a
 * connection left unwritable for {@code timeouts.send}. Shared by all connections of a listener; thread-safe.
 *
 * <p>Before any of that, the connection takes a slot of the listener's {@code max_connections} and of the global
 * {@code runtime.max_connections}; over either cap it is closed at once, with no pipeline built, and counted
 * ({@code listener.<name>.downstream_cx_overflow} / {@code downstream_global_cx_overflow}). The slots are given back
 * when the connection closes. While the overload manager stops accepting connections, each is closed at once too,
 * before taking any slot ({@code overload.stop_accepting_connections.total} and
 * {@code listener.<name>.downstream_cx_overload_reject}).
 *
 * <p>An idle connection is what a proxy holds most of, so what it keeps is kept small: one close listener (slots
 * and the server's {@link DownstreamConnections}), a receive-buffer allocator shared by the listener's connections
 * (Netty makes one per channel; only its per-channel handle holds state), address objects shared with the loop's
 * earlier connections where equal ({@link SharedAddresses}), and per-loop objects (the send timeout
 * handler, the first-byte-timeout counter) shared by the loop's connections instead of made per connection.
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
    /** Every listener's open connections (drain, close, overload). */
    private final DownstreamConnections connections;
    private final ConnectionLimit listenerLimit;
    private final ConnectionLimit globalLimit;
    private final StatsScope<ListenerStat> listenerStats;
    /** The event loops' count: the per-loop objects are indexed by loop. */
    private final int loops;
    /**
     * The one listener on an admitted connection's close future: gives both slots back and forgets the connection
     * (a single listener is kept in the future's own field; more would cost a listener array per connection).
     */
    private final ChannelFutureListener onClose;
    /** [loop]: the address objects the loop's connections share. */
    private final SharedAddresses.Cache[] addresses;
    /** Shared by the connections of one transport (set at the first accept; all have the same metadata). */
    private volatile AdaptiveRecvByteBufAllocator recvAllocator;

    /** The initializer of {@code listener}'s connections, which belong to {@code server}. */
    public HttpListenerInitializer(final ListenerRuntime listener, final ServerContext server, final ListenerTls tls,
                            final ConnectionLimit listenerLimit, final ConnectionLimit globalLimit,
                            final StatsScope<ListenerStat> listenerStats, final DownstreamConnections connections,
                            final int loops) {
        this.server = server;
        this.loops = loops;
        this.addresses = new SharedAddresses.Cache[loops];
        for (int i = 0; i < loops; i++) {
            addresses[i] = new SharedAddresses.Cache();
        }
        this.listenerStats = listenerStats;
        this.settings = new Settings(listener, tls, listenerStats, loops);
        this.connections = connections;
        this.listenerLimit = listenerLimit;
        this.globalLimit = globalLimit;
        this.onClose = f -> {
            connections.remove(f.channel());
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
        settings = new Settings(listener, tls, listenerStats, loops);
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
        addresses[loopIndex].share(ch);
        connections.add(ch);
        ch.closeFuture().addListener(onClose);
        ch.config().setWriteBufferWaterMark(s.waterMark);
        ch.config().setRecvByteBufAllocator(recvAllocator(ch));
        final ChannelPipeline p = ch.pipeline();
        final SendTimeoutHandler sendTimeout = s.sendTimeouts != null ? s.sendTimeouts[loopIndex] : null;
        final ListenerCodec codec = listener.config().codec();
        if (sendTimeout != null && codec == ListenerCodec.HTTP2) {
            p.addLast(SendTimeoutHandler.NAME, sendTimeout);
        }
        if (tls != null) {
            p.addLast("tls", tls.newSniHandler())
                .addLast("tls-identity", tls.identityHandler(loopIndex));
        }
        if (codec == ListenerCodec.HTTP2) {
            p.addLast(HTTP2, DownstreamHttp2Handler.create(listener, server));
            return;
        }
        if (codec == ListenerCodec.AUTO) {
            p.addLast(HttpProtocolSelector.NAME, new HttpProtocolSelector(listener, server, tls != null, sendTimeout));
        }
        // HTTP/1.1: the codec tells the send timeout of writability changes (no pipeline entry of its own)
        p.addLast(HTTP1, new Http1ServerCodec(listener.limits(), s.firstByteTimeouts[loopIndex], sendTimeout))
            .addLast("proxy", new DownstreamHttp1Handler(listener, server));
    }

    /**
     * The receive-buffer allocator of the listener's connections: Netty's default (adaptive, with the transport's
     * messages per read), one for all instead of one per channel.
     */
    private AdaptiveRecvByteBufAllocator recvAllocator(final Channel ch) {
        final int perRead = ch.metadata().defaultMaxMessagesPerRead();
        AdaptiveRecvByteBufAllocator a = recvAllocator;
        if (a == null || a.maxMessagesPerRead() != perRead) {
            a = new AdaptiveRecvByteBufAllocator();
            a.maxMessagesPerRead(perRead);
            recvAllocator = a;
        }
        return a;
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
        return true;
    }

    /** The part of a listener a reload may change. Immutable. */
    private static final class Settings {
        final ListenerRuntime listener;
        /** Null for a plain listener. */
        final ListenerTls tls;
        /** limits.connection_buffer as the high mark; the low mark (writable again) at half of it. */
        final WriteBufferWaterMark waterMark;
        /** [loop]: the send timeout handler of the loop's connections; null when timeouts.send is 0 (off). */
        final SendTimeoutHandler[] sendTimeouts;
        /** [loop]: counts a connection closed by the codec before its first byte (Envoy: an idle timeout). */
        final Runnable[] firstByteTimeouts;

        Settings(final ListenerRuntime listener, final ListenerTls tls, final StatsScope<ListenerStat> listenerStats,
                 final int loops) {
            this.listener = listener;
            this.tls = tls;
            final long sendTimeoutMillis = listener.config().timeouts().send().toMillis();
            final int high = listener.config().limits().connectionBufferBytes();
            this.waterMark = new WriteBufferWaterMark(high >>> 1, high);
            this.sendTimeouts = sendTimeoutMillis > 0 ? new SendTimeoutHandler[loops] : null;
            this.firstByteTimeouts = new Runnable[loops];
            for (int i = 0; i < loops; i++) {
                final LoopStats<HttpStat> stats = listener.stats().loop(i);
                firstByteTimeouts[i] = () -> stats.inc(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT);
                if (sendTimeouts != null) {
                    sendTimeouts[i] = new SendTimeoutHandler(sendTimeoutMillis, listenerStats.loop(i));
                }
            }
        }
    }
}
