package io.strait.core.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2EventAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.snapshot.LoopState;
import io.strait.core.snapshot.ProxySnapshot;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.StatsRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DownstreamHttp2Handler} and {@link Http2StreamDownstream} on embedded channels: a request HEADERS frame in,
 * the HTTP/1.1 request out of the upstream connection, then neutral response events fired into the upstream
 * handler (as its codec would) and the frames the client gets: trailers as a HEADERS frame with END_STREAM, a bodyless
 * head as one HEADERS with END_STREAM, the last chunk of a Content-Length body carrying END_STREAM itself.
 */
class DownstreamHttp2HandlerTest {

    private final StatsRegistry stats = new StatsRegistry(1);
    private EmbeddedChannel down;
    private EmbeddedChannel up;
    /** Every upstream connection opened, in order (up is the last). */
    private final List<EmbeddedChannel> ups = new ArrayList<>();
    private LoopState loop;
    private ListenerRuntime listener;
    /** One reader for the connection: its HPACK decoder follows the server encoder's dynamic table. */
    private final DefaultHttp2FrameReader reader =
        new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(false, 64 * 1024));
    /** The type of each frame the last {@link #frames()} read, CONTINUATIONs included. */
    private final List<Integer> frameTypes = new ArrayList<>();

    /** One frame the client got. */
    private record Frame(String type, int stream, boolean endStream, Http2Headers headers, String data) {
    }

    @BeforeEach
    void setUp() {
        final ConfigResult result = ConfigLoader.parse("""
            listeners:
              - name: h2
                address: 127.0.0.1:0
                virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
            clusters:
              - { name: up, endpoints: [ { address: 127.0.0.1:9 } ] }
            """, "h2-test.yaml");
        assertThat(result.errors()).isEmpty();
        final ProxySnapshot snapshot = ProxySnapshot.compile(result.config(), stats);
        listener = snapshot.listeners().iterator().next();
        final ServerContext context = new ServerContext() {
            @Override
            public LoopState loopState(final EventLoop eventLoop) {
                if (loop == null) {
                    loop = new LoopState(0, eventLoop, snapshot, EmbeddedChannel.class,
                        UnpooledByteBufAllocator.DEFAULT, 42, () -> eventLoop.ticker().nanoTime(),
                        (cluster, host, handler) -> {
                            up = new EmbeddedChannel(handler);
                            ups.add(up);
                            return up.newSucceededFuture();
                        });
                }
                return loop;
            }

            @Override
            public boolean isDraining() {
                return false;
            }
        };
        down = new EmbeddedChannel(DownstreamHttp2Handler.create(listener, context));
        final ByteBuf preface = Unpooled.buffer();
        preface.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(preface, 0x4, 0, 0, new byte[0]);
        frame(preface, 0x4, 0x1, 0, new byte[0]);
        down.writeInbound(preface);
        assertThat(frames()).extracting(Frame::type).contains("SETTINGS");
    }

    @AfterEach
    void tearDown() {
        reader.close();
        down.finishAndReleaseAll();
        for (final EmbeddedChannel u : ups) {
            u.finishAndReleaseAll();
        }
    }

    /** The client sends GET {@code path} on {@code stream} (END_STREAM); the upstream's request bytes come back. */
    private String get(final int stream, final String path) {
        final ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x82);                                     // :method GET
        block.write(0x86);                                     // :scheme http
        literal(block, 4, path);                               // :path
        literal(block, 1, "h2.test");                          // :authority
        final ByteBuf in = Unpooled.buffer();
        frame(in, 0x1, 0x1 | 0x4, stream, block.toByteArray());
        down.writeInbound(in);
        final StringBuilder sb = new StringBuilder();
        Object o;
        while ((o = up.readOutbound()) != null) {
            sb.append(((ByteBuf) o).toString(StandardCharsets.ISO_8859_1));
            ((ByteBuf) o).release();
        }
        return sb.toString();
    }

    /** Fires response events into the upstream handler as its HTTP/1.1 codec would, then ends the read batch. */
    private void upstreamResponds(final Object... events) {
        final ChannelHandlerContext codec = up.pipeline().context("http1-client");
        for (final Object e : events) {
            codec.fireChannelRead(e);
        }
        codec.fireChannelReadComplete();
    }

    private static HttpResponseHead head(final int status, final long bodyLength) {
        final HttpResponseHead h = HttpResponseHead.of(status);
        h.headers().add(AsciiString.of("Content-Type"), AsciiString.of("application/grpc"));
        h.bodyLength(bodyLength);
        return h;
    }

    @Test
    void responseTrailersBecomeAHeadersFrameWithEndStream() {
        assertThat(get(1, "/svc/Method")).startsWith("GET /svc/Method HTTP/1.1\r\n").contains("host: h2.test\r\n");
        final HttpTrailers trailers = new HttpTrailers();
        trailers.headers().add(AsciiString.of("grpc-status"), AsciiString.of("0"));
        upstreamResponds(head(200, -1), Unpooled.copiedBuffer("payload", StandardCharsets.US_ASCII), trailers,
            HttpEnd.INSTANCE);
        final List<Frame> f = frames();
        assertThat(f).extracting(Frame::type).containsExactly("HEADERS", "DATA", "HEADERS");
        assertThat(f.get(0).headers().status().toString()).isEqualTo("200");
        assertThat(f.get(0).headers().get("content-type").toString()).isEqualTo("application/grpc");
        assertThat(f.get(0).endStream()).isFalse();
        assertThat(f.get(1).data()).isEqualTo("payload");
        assertThat(f.get(1).endStream()).isFalse();
        assertThat(f.get(2).headers().get("grpc-status").toString()).isEqualTo("0");
        assertThat(f.get(2).endStream()).isTrue();
        assertThat(listener.stats().value(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
    }

    @Test
    void aBodylessHeadEndsTheStreamInOneFrameAndSlotsAreReused() {
        for (int stream = 1; stream <= 5; stream += 2) {
            get(stream, "/empty");
            upstreamResponds(head(204, 0), HttpEnd.INSTANCE);
            final List<Frame> f = frames();
            assertThat(f).extracting(Frame::type).containsExactly("HEADERS");
            assertThat(f.get(0).stream()).isEqualTo(stream);
            assertThat(f.get(0).endStream()).isTrue();
        }
        assertThat(listener.stats().value(HttpStat.DOWNSTREAM_RQ_HTTP2_TOTAL)).isEqualTo(3);
        assertThat(listener.stats().value(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
    }

    @Test
    void slotsBeyondThePoolLeaveNoTimerBehind() {
        // More streams at once than the connection keeps slots for once idle: the extra ones are dropped when the
        // last stream ends, and a dropped exchange's armed deadline must not keep it (and its stream) in the loop's
        // task queue.
        final int streams = 40;
        final int before = scheduledTasks();
        for (int i = 0; i < streams; i++) {
            get(1 + 2 * i, "/many");
        }
        assertThat(ups).hasSize(streams);
        for (final EmbeddedChannel u : ups) {
            final ChannelHandlerContext codec = u.pipeline().context("http1-client");
            codec.fireChannelRead(head(204, 0));
            codec.fireChannelRead(HttpEnd.INSTANCE);
            codec.fireChannelReadComplete();
        }
        assertThat(frames()).filteredOn(f -> f.type().equals("HEADERS")).hasSize(streams);
        assertThat(listener.stats().value(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
        down.runPendingTasks();
        // What may stay: each pooled slot's lazily armed deadline, and the upstream pool's idle sweep.
        assertThat(scheduledTasks() - before).isLessThanOrEqualTo(Http2StreamSlots.MAX_POOLED_IDLE + 1);
    }

    /**
     * A client reset closes the stream while its exchange runs; the exchange is told on the loop's next turn, and it
     * may end by itself before that turn (here the upstream answers first). The slot must go back to the pool once:
     * pooled twice, two later streams would share one exchange (seen as a gRPC stream whose upstream was let go by
     * another stream's end, so it never resumed after a pause).
     */
    @Test
    void aResetStreamWhoseExchangeEndsBeforeItIsToldGoesBackToThePoolOnce() {
        get(1, "/reset");
        final EmbeddedChannel first = up;
        final ByteBuf rst = Unpooled.buffer();
        frame(rst, 0x3, 0, 1, new byte[] {0, 0, 0, 0x8});   // RST_STREAM CANCEL
        // The reset and the upstream's answer in one turn of the loop, before its tasks run (an embedded channel
        // runs them on flush, so the answer comes inside the client's read batch here).
        down.pipeline().fireChannelRead(rst);
        final ChannelHandlerContext codec = first.pipeline().context("http1-client");
        codec.fireChannelRead(head(204, 0));
        codec.fireChannelRead(HttpEnd.INSTANCE);
        codec.fireChannelReadComplete();
        down.pipeline().fireChannelReadComplete();
        down.runPendingTasks();                             // now the stream's close reaches its slot

        get(3, "/a");
        final EmbeddedChannel third = up;
        get(5, "/b");
        final EmbeddedChannel fifth = up;
        assertThat(fifth).isNotSameAs(third);
        for (final EmbeddedChannel u : List.of(fifth, third)) {
            final ChannelHandlerContext c = u.pipeline().context("http1-client");
            c.fireChannelRead(head(204, 0));
            c.fireChannelRead(HttpEnd.INSTANCE);
            c.fireChannelReadComplete();
        }
        assertThat(frames()).filteredOn(f -> f.type().equals("HEADERS")).extracting(Frame::stream)
            .containsExactlyInAnyOrder(3, 5);
        assertThat(listener.stats().value(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
    }

    /** Tasks in the connection's loop's scheduled-task queue (the loop is Netty's; the queue is protected). */
    private int scheduledTasks() {
        try {
            final java.lang.reflect.Method m = io.netty.util.concurrent.AbstractScheduledEventExecutor.class
                .getDeclaredMethod("scheduledTaskQueue");
            m.setAccessible(true);
            return ((java.util.Collection<?>) m.invoke(down.eventLoop())).size();
        } catch (final ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theLastChunkOfAContentLengthBodyCarriesEndStream() {
        get(1, "/sized");
        final HttpResponseHead h = head(200, 10);
        upstreamResponds(h, Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII));
        down.runPendingTasks();   // the loop's turn ends: its flush runs (chunks still queued then share a frame)
        upstreamResponds(Unpooled.copiedBuffer("world", StandardCharsets.US_ASCII), HttpEnd.INSTANCE);
        final List<Frame> f = frames();
        assertThat(f).extracting(Frame::type).containsExactly("HEADERS", "DATA", "DATA");
        assertThat(f.get(1).endStream()).isFalse();
        assertThat(f.get(2).data()).isEqualTo("world");
        assertThat(f.get(2).endStream()).as("no empty DATA frame after it").isTrue();
    }

    @Test
    void aHeadLargerThanTheClientsFrameSizeGoesOnInContinuationFrames() {
        get(1, "/big-head");
        final HttpResponseHead h = head(200, 0);
        final String big = "v".repeat(40_000);   // over two 16 KiB frames (the client's default frame size)
        h.headers().add(AsciiString.of("X-Big"), AsciiString.of(big));
        upstreamResponds(h, HttpEnd.INSTANCE);
        final List<Frame> f = frames();
        assertThat(frameTypes).containsExactly(0x1, 0x9, 0x9);   // HEADERS, CONTINUATION, CONTINUATION
        assertThat(f).hasSize(1);
        assertThat(f.get(0).headers().get("x-big").toString()).isEqualTo(big);
        assertThat(f.get(0).endStream()).isTrue();
        assertThat(listener.stats().value(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
    }

    @Test
    void dataBeyondTheStreamWindowWaitsForTheClientsWindowUpdate() {
        final ByteBuf settings = Unpooled.buffer();
        frame(settings, 0x4, 0, 0, new byte[] {0, 0x4, 0, 0, 0, 4});   // SETTINGS_INITIAL_WINDOW_SIZE = 4
        down.writeInbound(settings);
        frames();
        assertThat(frameTypes).containsExactly(0x4);   // its ACK
        get(1, "/windowed");
        upstreamResponds(head(200, 10), Unpooled.copiedBuffer("helloworld", StandardCharsets.US_ASCII),
            HttpEnd.INSTANCE);
        List<Frame> f = frames();
        assertThat(f).extracting(Frame::type).containsExactly("HEADERS", "DATA");
        assertThat(f.get(1).data()).isEqualTo("hell");
        assertThat(f.get(1).endStream()).isFalse();
        final ByteBuf update = Unpooled.buffer();
        frame(update, 0x8, 0, 1, new byte[] {0, 0, 0, 100});            // WINDOW_UPDATE stream 1 +100
        down.writeInbound(update);
        f = frames();
        assertThat(f).extracting(Frame::type).containsExactly("DATA");
        assertThat(f.get(0).data()).isEqualTo("oworld");
        assertThat(f.get(0).endStream()).isTrue();
        assertThat(listener.stats().value(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero();
    }

    /** Every frame the client got since the last call (SETTINGS, its ACK and WINDOW_UPDATEs named by type). */
    private List<Frame> frames() {
        down.runPendingTasks();   // the flush an upstream's response queued, as the loop runs it after its IO
        final ByteBuf all = Unpooled.buffer();
        Object o;
        while ((o = down.readOutbound()) != null) {
            all.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        frameTypes.clear();
        for (int at = all.readerIndex(); at + 9 <= all.writerIndex(); at += 9 + all.getUnsignedMedium(at)) {
            frameTypes.add((int) all.getByte(at + 3));
        }
        final List<Frame> out = new ArrayList<>();
        try {
            reader.readFrame(down.pipeline().firstContext(), all, new Http2EventAdapter() {
                @Override
                public int onDataRead(final ChannelHandlerContext ctx, final int streamId, final ByteBuf data,
                                      final int padding, final boolean endOfStream) {
                    out.add(new Frame("DATA", streamId, endOfStream, null,
                        data.toString(StandardCharsets.US_ASCII)));
                    return 0;
                }

                @Override
                public void onHeadersRead(final ChannelHandlerContext ctx, final int streamId,
                                          final Http2Headers headers, final int padding, final boolean endStream) {
                    out.add(new Frame("HEADERS", streamId, endStream, headers, null));
                }

                @Override
                public void onSettingsRead(final ChannelHandlerContext ctx,
                                           final io.netty.handler.codec.http2.Http2Settings settings) {
                    out.add(new Frame("SETTINGS", 0, false, null, null));
                }
            });
        } catch (final Exception e) {
            throw new AssertionError(e);
        } finally {
            all.release();
        }
        return out;
    }

    private static void literal(final ByteArrayOutputStream b, final int nameIndex, final String value) {
        b.write(nameIndex);
        final byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        b.write(bytes.length);
        b.write(bytes, 0, bytes.length);
    }

    private static void frame(final ByteBuf out, final int type, final int flags, final int stream,
                              final byte[] payload) {
        out.writeMedium(payload.length).writeByte(type).writeByte(flags).writeInt(stream).writeBytes(payload);
    }
}
