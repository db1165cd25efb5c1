package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainInbound;
import static io.strait.core.codec.http1.Http1TestSupport.drainOutbound;
import static io.strait.core.codec.http1.Http1TestSupport.feed;
import static io.strait.core.codec.http1.Http1TestSupport.fragmentations;
import static org.assertj.core.api.Assertions.assertThat;

/** Decoding valid requests on the downstream side, whole and fragmented at every point. */
class Http1ServerCodecDecodeTest {

    static Stream<Arguments> validRequests() {
        return Stream.of(
            Arguments.of("GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
                List.of("REQ GET /index.html?q=1 v11 len=0 authority=example.com "
                    + "{Host: example.com, Accept: */*}", "END")),
            Arguments.of("POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\nhello world",
                List.of("REQ POST /upload v11 len=11 authority=h {Host: h, Content-Length: 11}",
                    "BODY hello world", "END")),
            Arguments.of("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-A: x\r\n\r\n",
                List.of("REQ POST /c v11 len=-1 authority=h {Host: h}", "BODY hello world",
                    "TRAILERS {trailer-a: x}", "END")),
            Arguments.of("POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ChunKed\r\n\r\n"
                    + "A\r\n0123456789\r\n0\r\n\r\n",
                List.of("REQ POST /c v11 len=-1 authority=h {Host: h}", "BODY 0123456789", "END")),
            Arguments.of("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
                List.of("REQ GET / v11 len=0 authority=h {Host: h}", "END")),
            Arguments.of("GET / HTTP/1.0\r\n\r\n", List.of("REQ GET / v10 len=0 authority=null {}", "END")),
            Arguments.of("GET /x HTTP/1.1\r\nHost:h\r\nX-Empty:\r\nX-Ows: \t v  w \t\r\n\r\n",
                List.of("REQ GET /x v11 len=0 authority=h {Host: h, X-Empty: , X-Ows: v  w}", "END")),
            Arguments.of("GET http://example.com:8080/p?q HTTP/1.1\r\nHost: other\r\n\r\n",
                List.of("REQ GET /p?q v11 len=0 authority=example.com:8080 {host: example.com:8080}", "END")),
            Arguments.of("GET HTTPS://a.b HTTP/1.1\r\nHost: a.b\r\n\r\n",
                List.of("REQ GET / v11 len=0 authority=a.b {host: a.b}", "END")),
            Arguments.of("GET http://a.b?x=1 HTTP/1.1\r\nHost: a.b\r\n\r\n",
                List.of("REQ GET /?x=1 v11 len=0 authority=a.b {host: a.b}", "END")),
            Arguments.of("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
                List.of("REQ OPTIONS * v11 len=0 authority=h {Host: h}", "END")),
            Arguments.of("PUT /e HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\nok",
                List.of("REQ PUT /e v11 len=2 expect authority=h {Host: h, Content-Length: 2}", "BODY ok", "END")),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: 5\r\n"
                    + "Proxy-Connection: x\r\nTE: deflate\r\nTrailer: a\r\nUpgrade: websocket\r\nX-End: 2\r\n"
                    + "te: Trailers\r\n\r\n",
                List.of("REQ GET / v11 len=0 authority=h {Host: h, X-End: 2, te: Trailers}", "END")),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
                List.of("REQ POST / v11 len=3 authority=h {Host: h, Content-Length: 3}", "BODY abc", "END")),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 3\r\n\r\nabc",
                List.of("REQ POST / v11 len=3 authority=h {Host: h}", "BODY abc", "END")),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
                List.of("REQ POST / v11 len=0 authority=h {Host: h, Content-Length: 0}", "END")),
            Arguments.of("FOO-BAR /x HTTP/1.1\r\nHost: h\r\nX-Obs: caf\u00e9\r\n\r\n",
                List.of("REQ FOO-BAR /x v11 len=0 authority=h {Host: h, X-Obs: caf\u00e9}", "END")));
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void decodesWholeAndFragmented(final String input, final List<String> expected) {
        for (final List<String> pieces : fragmentations(input)) {
            assertThat(feed(() -> new Http1ServerCodec(Http1Limits.DEFAULTS), pieces))
                .as("pieces %s", pieces.size())
                .isEqualTo(expected);
        }
    }

    @Test
    void methodsAreSharedConstants() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        final HttpRequestHead head = ch.readInbound();
        assertThat((Object) head.method()).isSameAs(io.strait.core.http.HttpMethods.GET);
        assertThat(head.headers().nameStart(0)).isEqualTo(16);
        assertThat(head.raw().readableBytes()).isEqualTo(27);
        head.release();
        assertThat((Object) ch.readInbound()).isSameAs(HttpEnd.INSTANCE);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void bodySlicesAreNotCopies() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        final ByteBuf in = buf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nabcd");
        ch.writeInbound(in);
        final HttpRequestHead head = ch.readInbound();
        final ByteBuf body = ch.readInbound();
        assertThat(body.unwrap()).isSameAs(in.unwrap() == null ? in : in.unwrap());
        assertThat(Http1TestSupport.str(body)).isEqualTo("abcd");
        body.release();
        head.release();
        assertThat((Object) ch.readInbound()).isSameAs(HttpEnd.INSTANCE);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void pipelinedRequestIsDecodedOnlyAfterTheResponseEnds() {
        final String two = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPOST /2 HTTP/1.1\r\nHost: h\r\n"
                + "Content-Length: 2\r\n\r\nhi";
        for (final List<String> pieces : fragmentations(two)) {
            final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
            final List<String> events = new ArrayList<>();
            for (final String p : pieces) {
                ch.writeInbound(buf(p));
            }
            drainInbound(ch, events);
            assertThat(events).containsExactly("REQ GET /1 v11 len=0 authority=h {Host: h}", "END");
            final HttpResponseHead res = HttpResponseHead.of(200);
            ch.write(res);
            ch.write(HttpEnd.INSTANCE);
            ch.flush();
            assertThat(drainOutbound(ch)).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
            ch.runPendingTasks();
            events.clear();
            drainInbound(ch, events);
            assertThat(events).containsExactly(
                "REQ POST /2 v11 len=2 authority=h {Host: h, Content-Length: 2}", "BODY hi", "END");
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void pipelinedRequestsArrivingDuringTheResponseWait() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        final List<String> events = new ArrayList<>();
        ch.writeInbound(buf("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HT"));
        ch.writeInbound(buf("TP/1.1\r\nHost: h\r\n\r\n"));
        drainInbound(ch, events);
        assertThat(events).hasSize(2);
        ch.write(HttpResponseHead.of(204));
        ch.writeAndFlush(HttpEnd.INSTANCE);
        assertThat(drainOutbound(ch)).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
        ch.runPendingTasks();
        events.clear();
        drainInbound(ch, events);
        assertThat(events).containsExactly("REQ GET /2 v11 len=0 authority=h {Host: h}", "END");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void backlogBeyondTheLimitStopsReadingUntilResume() {
        final Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderBytes(64);
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec(limits));
        ch.writeInbound(buf("GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"));
        ch.writeInbound(buf("GET /2 HTTP/1.1\r\nHost: h\r\n\r\nGET /3 HTTP/1.1\r\nHost: h\r\n\r\nGET /4 HTTP/1.1\r\n"));
        final List<String> events = drainInbound(ch, new ArrayList<>());
        assertThat(events).hasSize(2);
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.write(HttpResponseHead.of(204));
        ch.writeAndFlush(HttpEnd.INSTANCE);
        ch.runPendingTasks();
        assertThat(ch.config().isAutoRead()).isTrue();
        events.clear();
        drainInbound(ch, events);
        assertThat(events).containsExactly("REQ GET /2 v11 len=0 authority=h {Host: h}", "END");
        drainOutbound(ch);
        ch.finish();
        drainInbound(ch, events);
    }

    @Test
    void headsHandedOutStayIntactWhileMoreInputArrives() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HT"));
        final HttpRequestHead first = ch.readInbound();
        assertThat((Object) ch.readInbound()).isSameAs(HttpEnd.INSTANCE);
        ch.writeInbound(buf("TP/1.1\r\nHost: h\r\n\r\n"));
        // More input arrived, but the first exchange is not over: its head is untouched.
        assertThat(Http1TestSupport.render(first)).isEqualTo("REQ GET /1 v11 len=0 authority=h {Host: h}");
        first.release();
        ch.write(HttpResponseHead.of(204));
        ch.writeAndFlush(HttpEnd.INSTANCE);
        ch.runPendingTasks();
        final HttpRequestHead second = ch.readInbound();
        assertThat(second).as("one head object per connection, reused once the exchange is over").isSameAs(first);
        assertThat(Http1TestSupport.render(second)).isEqualTo("REQ GET /2 v11 len=0 authority=h {Host: h}");
        second.release();
        assertThat((Object) ch.readInbound()).isSameAs(HttpEnd.INSTANCE);
        drainOutbound(ch);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void inputShutdownMidBodyIsReportedOnce() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab"));
        ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        ch.finish();
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly(
            "REQ POST / v11 len=5 authority=h {Host: h, Content-Length: 5}", "BODY ab", "ERROR 400 truncated_body");
    }

    @Test
    void endOfInputBetweenRequestsIsQuiet() {
        assertThat(feed(Http1ServerCodec::new, List.of())).isEmpty();
        assertThat(feed(Http1ServerCodec::new, List.of("\r\n"))).isEmpty();
    }

    @Test
    void endOfInputInsideAHeadOrBody() {
        assertThat(feed(Http1ServerCodec::new, List.of("GET / HTTP/1.1\r\nHo")))
            .containsExactly("ERROR 400 incomplete_request");
        assertThat(feed(Http1ServerCodec::new, List.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nab")))
            .containsExactly("REQ POST / v11 len=5 authority=h {Host: h, Content-Length: 5}", "BODY ab",
                "ERROR 400 truncated_body");
        assertThat(feed(Http1ServerCodec::new,
            List.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n")))
            .containsExactly("REQ POST / v11 len=-1 authority=h {Host: h}", "BODY ab", "ERROR 400 truncated_body");
    }
}
