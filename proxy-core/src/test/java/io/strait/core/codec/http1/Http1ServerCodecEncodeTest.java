package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpResponseHead;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainInbound;
import static io.strait.core.codec.http1.Http1TestSupport.drainOutbound;
import static org.assertj.core.api.Assertions.assertThat;

/** Writing responses to the client: framing, HEAD / 204 / 304 / 1xx, keep-alive and close decisions. */
class Http1ServerCodecEncodeTest {

    /** A channel that has decoded {@code request} (its events drained and released). */
    private static EmbeddedChannel afterRequest(final String request) {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf(request));
        final List<String> events = drainInbound(ch, new ArrayList<>());
        assertThat(events).isNotEmpty();
        return ch;
    }

    private static String respond(final EmbeddedChannel ch, final HttpResponseHead head, final String... body) {
        ch.write(head);
        for (final String b : body) {
            ch.write(buf(b));
        }
        ch.writeAndFlush(HttpEnd.INSTANCE);
        return drainOutbound(ch);
    }

    private static HttpResponseHead head(final int status, final long bodyLength) {
        final HttpResponseHead h = HttpResponseHead.of(status);
        h.bodyLength(bodyLength);
        return h;
    }

    /** Writes as the proxy does (void promises), then flushes; returns every outbound buffer's text, in order. */
    private static List<String> respondAsProxy(final EmbeddedChannel ch, final HttpResponseHead head,
                                               final boolean flushAfterHead, final String... body) {
        ch.write(head, ch.voidPromise());
        if (flushAfterHead) {
            ch.flush();
        }
        for (final String b : body) {
            ch.write(buf(b), ch.voidPromise());
        }
        ch.write(HttpEnd.INSTANCE, ch.voidPromise());
        ch.flush();
        final List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            out.add(((ByteBuf) o).toString(java.nio.charset.StandardCharsets.US_ASCII));
            ((ByteBuf) o).release();
        }
        return out;
    }

    @Test
    void aSmallBodyIsCopiedBehindTheHeadIntoOneBuffer() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(respondAsProxy(ch, head(200, 5), false, "hel", "lo"))
            .containsExactly("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aLargeBodyOrAFlushAfterTheHeadKeepsSeparateBuffersInOrder() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        final String big = "x".repeat(Http1ServerCodec.COALESCE_MAX + 1);
        assertThat(respondAsProxy(ch, head(200, big.length()), false, big))
            .containsExactly("HTTP/1.1 200 OK\r\ncontent-length: " + big.length() + "\r\n\r\n", big);
        ch.writeInbound(buf("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        drainInbound(ch, new ArrayList<>());
        assertThat(respondAsProxy(ch, head(200, 2), true, "ok"))
            .containsExactly("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n", "ok");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aHeldHeadIsReleasedWhenTheConnectionCloses() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        ch.write(head(200, 5), ch.voidPromise());   // held, never flushed: the leak detector (PARANOID) would see it
        ch.close();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void contentLengthIsAddedAndTheConnectionPersists() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        final HttpResponseHead h = head(200, 5);
        h.headers().add(AsciiString.of("server"), AsciiString.of("strait"));
        assertThat(respond(ch, h, "hel", "lo"))
            .isEqualTo("HTTP/1.1 200 OK\r\nserver: strait\r\ncontent-length: 5\r\n\r\nhello");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void liveContentLengthIsKept() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        final HttpResponseHead h = head(200, 2);
        h.headers().add(AsciiString.of("Content-Length"), AsciiString.of("2"));
        assertThat(respond(ch, h, "ok")).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void unknownLengthIsChunkedForHttp11() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        final HttpResponseHead h = head(200, -1);
        h.headers().add(AsciiString.of("transfer-encoding"), AsciiString.of("chunked"));
        h.headers().add(AsciiString.of("connection"), AsciiString.of("keep-alive"));
        assertThat(respond(ch, h, "hello", "", "0123456789abcdef"))
            .isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\n0123456789abcdef\r\n"
                + "0\r\n\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void reasonPhraseIsKept() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        final HttpResponseHead h = head(404, 0);
        h.reason(AsciiString.of("Nope"));
        assertThat(respond(ch, h)).isEqualTo("HTTP/1.1 404 Nope\r\ncontent-length: 0\r\n\r\n");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void http10WithoutKeepAliveGetsConnectionCloseAndIsClosed() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.0\r\n\r\n");
        assertThat(respond(ch, head(200, 2), "ok"))
            .isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void http10KeepAliveIsAnswered() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        assertThat(respond(ch, head(200, 2), "ok"))
            .isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void http10UnknownLengthIsCloseDelimited() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(respond(ch, head(200, -1), "abc", "def"))
            .isEqualTo("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nabcdef");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void clientConnectionCloseIsHonoured() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
        assertThat(respond(ch, head(200, 0))).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n"
                + "connection: close\r\n\r\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void proxyCloseIsHonoured() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        final HttpResponseHead h = head(503, 0);
        h.close(true);
        assertThat(respond(ch, h))
            .isEqualTo("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void headResponseHasNoBody() {
        final EmbeddedChannel ch = afterRequest("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n");
        final HttpResponseHead h = head(200, 0);
        h.headers().add(AsciiString.of("content-length"), AsciiString.of("42"));
        final ByteBuf body = buf("dropped");
        ch.write(h);
        ch.write(body);
        ch.writeAndFlush(HttpEnd.INSTANCE);
        assertThat(body.refCnt()).isZero();
        assertThat(drainOutbound(ch)).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 42\r\n\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void noContentAndNotModifiedGetNoFraming() {
        EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        final HttpResponseHead noContent = head(204, 0);
        noContent.headers().add(AsciiString.of("content-length"), AsciiString.of("0"));
        assertThat(respond(ch, noContent)).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(ch.finish()).isFalse();
        ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        final HttpResponseHead notModified = head(304, 0);
        notModified.headers().add(AsciiString.of("content-length"), AsciiString.of("99"));
        assertThat(respond(ch, notModified)).isEqualTo("HTTP/1.1 304 Not Modified\r\ncontent-length: 99\r\n\r\n");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void continueThenFinalResponse() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
        assertThat(drainInbound(ch, new ArrayList<>())).hasSize(1);
        ch.writeAndFlush(HttpResponseHead.of(100));
        assertThat(drainOutbound(ch)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        ch.writeInbound(buf("ok"));
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("BODY ok", "END");
        assertThat(respond(ch, head(201, 0))).isEqualTo("HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void informationalIsNotSentToHttp10() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.0\r\n\r\n");
        ch.writeAndFlush(HttpResponseHead.of(103));
        assertThat(drainOutbound(ch)).isEmpty();
        ch.finish();
    }

    @Test
    void earlyResponseWhileTheRequestBodyIsInFlightDrainsTheBodyAndKeepsTheConnection() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\npart"));
        assertThat(drainInbound(ch, new ArrayList<>())).hasSize(2);
        assertThat(respond(ch, head(413, 0)))
            .isEqualTo("HTTP/1.1 413 Request Entity Too Large\r\ncontent-length: 0\r\n\r\n");
        assertThat(ch.isOpen()).isTrue();
        // The rest of the body still arrives (the exchange drops it), then the request ends and the next is decoded.
        ch.writeInbound(buf("ial!!!GET /next HTTP/1.1\r\nHost: h\r\n\r\n"));
        final List<String> events = drainInbound(ch, new ArrayList<>());
        assertThat(events).hasSize(4);
        assertThat(events.get(0)).contains("ial!!!");
        assertThat(events.get(1)).isEqualTo("END");
        assertThat(events.get(2)).contains("/next");
        assertThat(events.get(3)).isEqualTo("END");
        assertThat(respond(ch, head(200, 0))).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        assertThat(ch.isOpen()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void earlyResponseWithMoreThanDrainMaxOrAChunkedBodyLeftClosesTheConnection() {
        final EmbeddedChannel big = new EmbeddedChannel(new Http1ServerCodec());
        big.writeInbound(buf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: " + (Http1ServerCodec.DRAIN_MAX + 10)
            + "\r\n\r\npartial"));
        assertThat(drainInbound(big, new ArrayList<>())).hasSize(2);
        respond(big, head(413, 0));
        assertThat(big.isOpen()).isFalse();
        assertThat(drainInbound(big, new ArrayList<>())).isEmpty();

        final EmbeddedChannel chunked = new EmbeddedChannel(new Http1ServerCodec());
        chunked.writeInbound(buf("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\npart\r\n"));
        assertThat(drainInbound(chunked, new ArrayList<>())).hasSize(2);
        respond(chunked, head(401, 0));
        assertThat(chunked.isOpen()).isFalse();
    }

    @Test
    void responseAfterADecodeErrorClosesTheConnection() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf("GET / HTTP/1.1\r\nHost : h\r\n\r\n"));
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 400 space_before_colon");
        final HttpResponseHead h = head(400, 0);
        assertThat(respond(ch, h)).isEqualTo("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n"
                + "connection: close\r\n\r\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void writeFailureReachesThePromise() {
        final EmbeddedChannel ch = afterRequest("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        ch.close();
        final ByteBuf body = Unpooled.buffer().writeByte('x');
        final var f = ch.writeAndFlush(body);
        assertThat(f.isSuccess()).isFalse();
        assertThat(body.refCnt()).isZero();
        ch.finish();
    }
}
