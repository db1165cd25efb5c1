package io.strait.core.exchange;

import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.snapshot.ProxySnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.strait.core.codec.http1.Http1ServerCodec;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.lb.Host;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One downstream connection's pipeline (the HTTP/1.1 server codec and {@link DownstreamHttp1Handler}) on an
 * {@link EmbeddedChannel} whose clock stands still until the test advances it, over a configuration compiled from
 * YAML. New upstream connections are embedded channels too, made by a fake connector and kept in {@link #upstreams}
 * in the order the exchange opened them; the test reads the request bytes each one got and writes the response
 * bytes it answers. Not thread-safe: one test drives it.
 */
final class ExchangeTestBed implements AutoCloseable {

    final StatsRegistry stats = new StatsRegistry(1);
    final ProxySnapshot snapshot;
    final ListenerRuntime listener;
    final EmbeddedChannel downstream;
    final List<EmbeddedChannel> upstreams = new ArrayList<>();
    /** Hosts the connector was asked to connect to, in order. */
    final List<Host> connectedHosts = new ArrayList<>();
    /** When set, the next connects fail this way instead of making a channel. */
    Connect connectMode = Connect.SUCCEED;
    private LoopState loop;
    private final ServerContext context;

    /** How the fake connector answers. */
    enum Connect {
        /** A connected embedded channel. */
        SUCCEED,
        /** A refused connection (the channel exists, the connect fails). */
        REFUSE,
        /** No channel can be made at all (descriptors exhausted): Netty's placeholder channel and global executor. */
        NO_CHANNEL,
        /** The connect never completes. */
        HANG
    }

    ExchangeTestBed(final String yaml) {
        final ConfigResult result = ConfigLoader.parse(yaml, "exchange-test.yaml");
        if (!result.ok()) {
            throw new IllegalStateException(result.errors().toString());
        }
        snapshot = ProxySnapshot.compile(result.config(), stats);
        listener = snapshot.listeners().iterator().next();
        context = new ServerContext() {
            @Override
            public LoopState loopState(final EventLoop eventLoop) {
                if (loop == null) {
                    loop = new LoopState(0, eventLoop, snapshot, EmbeddedChannel.class,
                        UnpooledByteBufAllocator.DEFAULT, 42, () -> eventLoop.ticker().nanoTime(),
                        ExchangeTestBed.this::connect);
                }
                return loop;
            }

            @Override
            public boolean isDraining() {
                return false;
            }
        };
        downstream = new EmbeddedChannel(new Http1ServerCodec(listener.limits()),
            new DownstreamHttp1Handler(listener, context));
        downstream.freezeTime();
    }

    private ChannelFuture connect(final int cluster, final Host host, final ChannelHandler handler) {
        connectedHosts.add(host);
        switch (connectMode) {
            case REFUSE: {
                final EmbeddedChannel ch = new EmbeddedChannel();
                return ch.newFailedFuture(new java.net.ConnectException("Connection refused"));
            }
            case NO_CHANNEL:
                // What Bootstrap does when the channel factory throws (e.g. EMFILE): a failed future on a channel
                // that was never registered, whose listeners run on the global executor.
                return new io.netty.bootstrap.Bootstrap().group(loop.loop())
                    .channelFactory(() -> {
                        throw new io.netty.channel.ChannelException("Too many open files");
                    })
                    .handler(handler).connect(host.address());
            case HANG: {
                final EmbeddedChannel ch = new EmbeddedChannel();
                return ch.newPromise();
            }
            default: {
                final EmbeddedChannel ch = new EmbeddedChannel(handler);
                upstreams.add(ch);
                return ch.newSucceededFuture();
            }
        }
    }

    /** Another downstream connection of the same listener, on the same loop state (its pools shared). */
    EmbeddedChannel newDownstream() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec(listener.limits()),
            new DownstreamHttp1Handler(listener, context));
        ch.freezeTime();
        return ch;
    }

    /** The downstream connection's handler. */
    static DownstreamHttp1Handler handler(final EmbeddedChannel ch) {
        return ch.pipeline().get(DownstreamHttp1Handler.class);
    }

    /** Writes request bytes into the downstream, as one read. */
    void clientSends(final String bytes) {
        downstream.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    /** Writes request bytes into {@code ch}, a downstream connection, as one read. */
    static void clientSends(final EmbeddedChannel ch, final String bytes) {
        ch.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    /** Everything written to client {@code ch} so far, as text (buffers released). */
    static String clientReceived(final EmbeddedChannel ch) {
        return drain(ch);
    }

    /** Everything written to the client so far, as text (buffers released). */
    String clientReceived() {
        return drain(downstream);
    }

    /** The request bytes upstream {@code i} got so far. */
    String upstreamReceived(final int i) {
        return drain(upstreams.get(i));
    }

    /** Writes response bytes into upstream {@code i}, as one read. */
    void upstreamSends(final int i, final String bytes) {
        upstreams.get(i).writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    /** Advances the clock by {@code millis}, a millisecond at a time, running what becomes due as it goes. */
    void advance(final long millis) {
        for (long i = 0; i < millis; i++) {
            downstream.advanceTimeBy(1, TimeUnit.MILLISECONDS);
            downstream.runScheduledPendingTasks();
            downstream.runPendingTasks();
        }
    }

    long http(final HttpStat stat) {
        return listener.stats().value(stat);
    }

    long cluster(final String name, final ClusterStat stat) {
        for (int i = 0; i < snapshot.clusterCount(); i++) {
            if (snapshot.cluster(i).name().equals(name)) {
                return snapshot.cluster(i).stats().value(stat);
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static String drain(final EmbeddedChannel ch) {
        ch.runPendingTasks();
        final StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof ByteBuf) {
                final ByteBuf b = (ByteBuf) o;
                sb.append(b.toString(StandardCharsets.ISO_8859_1));
                b.release();
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        downstream.finishAndReleaseAll();
        for (final EmbeddedChannel u : upstreams) {
            u.finishAndReleaseAll();
        }
    }
}
