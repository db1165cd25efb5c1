package io.strait.core.codec.http1;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainInbound;
import static io.strait.core.codec.http1.Http1TestSupport.drainOutbound;
import static io.strait.core.codec.http1.Http1TestSupport.fragmentations;
import static org.assertj.core.api.Assertions.assertThat;

/** The upstream side: request encoding, response decoding (whole and fragmented), strictness, persistence. */
class Http1ClientCodecTest {

    static HttpRequestHead request(final AsciiString method) {
        final HttpRequestHead h = new HttpRequestHead();
        h.reset(null, method, HttpRequestHead.VERSION_1_1);
        h.path(AsciiString.of("/r"));
        h.headers().add(AsciiString.of("host"), AsciiString.of("up"));
        return h;
    }

    /** Sends a request of {@code method}, then the response pieces, then ends the input. */
    static List<String> exchange(final AsciiString method, final List<String> pieces, final boolean eof) {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ClientCodec(256), Http1TestSupport.renderer());
        ch.writeAndFlush(request(method));
        ch.writeAndFlush(HttpEnd.INSTANCE);
        assertThat(drainOutbound(ch)).isEqualTo(method + " /r HTTP/1.1\r\nhost: up\r\n\r\n");
        final List<String> events = new ArrayList<>();
        for (final String p : pieces) {
            ch.writeInbound(buf(p));
            drainInbound(ch, events);
        }
        if (eof) {
            ch.finish();
            drainInbound(ch, events);
        } else {
            events.add(ch.isActive() ? "OPEN" : "CLOSED");
            ch.finish();
            drainInbound(ch, events);
        }
        return events;
    }

    static Stream<Arguments> validResponses() {
        return Stream.of(
            Arguments.of(HttpMethods.GET, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nServer: x\r\n\r\nhello",
                List.of("RES 200 v11 len=5 {Content-Length: 5, Server: x}", "BODY hello", "END", "OPEN")),
            Arguments.of(HttpMethods.GET, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: keep-alive\r\n\r\n"
                    + "3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n",
                List.of("RES 200 v11 len=-1 {}", "BODY abcde", "TRAILERS {t: 1}", "END", "OPEN")),
            Arguments.of(HttpMethods.GET, "HTTP/1.1 200 Fine\r\nContent-Length: 0\r\n\r\n",
                List.of("RES 200 'Fine' v11 len=0 {Content-Length: 0}", "END", "OPEN")),
            Arguments.of(HttpMethods.GET, "HTTP/1.1 204\r\n\r\n", List.of("RES 204 v11 len=0 {}", "END", "OPEN")),
            Arguments.of(HttpMethods.GET, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
                List.of("RES 100 v11 len=0 {}", "RES 103 v11 len=0 {Link: </a>}",
                    "RES 200 v11 len=1 {Content-Length: 1}", "BODY x", "END", "OPEN")),
            Arguments.of(HttpMethods.HEAD, "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n",
                List.of("RES 200 v11 len=0 {Content-Length: 42}", "END", "OPEN")),
            Arguments.of(HttpMethods.HEAD, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                List.of("RES 200 v11 len=0 {}", "END", "OPEN")),
            Arguments.of(HttpMethods.GET, "HTTP/1.1 304 Not Modified\r\nContent-Length: 42\r\n\r\n",
                List.of("RES 304 v11 len=0 {Content-Length: 42}", "END", "OPEN")),
            Arguments.of(HttpMethods.GET, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                List.of("RES 200 v11 len=2 {Content-Length: 2}", "BODY ok", "END", "CLOSED")),
            Arguments.of(HttpMethods.GET, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
                List.of("RES 200 v10 len=2 {Content-Length: 2}", "BODY ok", "END", "CLOSED")),
            Arguments.of(HttpMethods.GET, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
                List.of("RES 200 v10 len=2 {Content-Length: 2}", "BODY ok", "END", "OPEN")));
    }

    @ParameterizedTest
    @MethodSource("validResponses")
    void decodesWholeAndFragmented(final AsciiString method, final String input, final List<String> expected) {
        for (final List<String> pieces : fragmentations(input)) {
            assertThat(exchange(method, pieces, false)).as("pieces %s", pieces.size()).isEqualTo(expected);
        }
    }

    @Test
    void closeDelimitedBodyEndsAtEndOfInput() {
        for (final List<String> pieces : fragmentations("HTTP/1.1 200 OK\r\nServer: s\r\n\r\nabc")) {
            assertThat(exchange(HttpMethods.GET, pieces, true))
                .containsExactly("RES 200 v11 len=-1 {Server: s}", "BODY abc", "END");
        }
    }

    @Test
    void channelIsInactiveWhenTheFinalEndOfANonReusableConnectionArrives() {
        final List<String> seen = new ArrayList<>();
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ClientCodec(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
                if (msg == HttpEnd.INSTANCE) {
                    seen.add("END active=" + ctx.channel().isActive());
                } else if (msg instanceof HttpResponseHead) {
                    ((HttpResponseHead) msg).release();
                } else {
                    ReferenceCountUtil.release(msg);
                }
            }
        });
        ch.writeAndFlush(request(HttpMethods.GET));
        drainOutbound(ch);
        ch.writeInbound(buf("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"));
        assertThat(seen).containsExactly("END active=false");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void secondResponseOnAReusedConnection() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ClientCodec(), Http1TestSupport.renderer());
        ch.writeAndFlush(request(HttpMethods.HEAD));
        ch.writeAndFlush(request(HttpMethods.GET));
        drainOutbound(ch);
        ch.writeInbound(buf("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nHTTP/1.1 200 OK\r\n"
                + "Content-Length: 3\r\n\r\nabc"));
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly(
            "RES 200 v11 len=0 {Content-Length: 3}", "END", "RES 200 v11 len=3 {Content-Length: 3}", "BODY abc", "END");
        assertThat(ch.finish()).isFalse();
    }

    static Stream<Arguments> hostileResponses() {
        return Stream.of(
            Arguments.of("HTTP/1.1 20 OK\r\n\r\n", "bad_status_line"),
            Arguments.of("HTTP/1.1 2000 OK\r\n\r\n", "bad_status_line"),
            Arguments.of("HTTP/1.1 abc OK\r\n\r\n", "bad_status_line"),
            Arguments.of("HTTP/1.1 099 OK\r\n\r\n", "bad_status_line"),
            Arguments.of("HTTP/1.1 200 O\u0001K\r\n\r\n", "bad_status_line"),
            Arguments.of("FOO/1.1 200 OK\r\n\r\n", "bad_status_line"),
            Arguments.of("HTTP/1.1  200 OK\r\n\r\n", "bad_status_line"),
            Arguments.of("HTTP/2 200 OK\r\n\r\n", "unsupported_version"),
            Arguments.of("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n", "bare_lf"),
            Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "cl_and_te"),
            Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "bad_content_length"),
            Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad_content_length"),
            Arguments.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "bad_transfer_encoding"),
            Arguments.of("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "bad_transfer_encoding"),
            Arguments.of("HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n", "obs_fold"),
            Arguments.of("HTTP/1.1 200 OK\r\nX : a\r\n\r\n", "space_before_colon"),
            Arguments.of("HTTP/1.1 200 OK\r\nX: a\u0000\r\n\r\n", "invalid_header_value"),
            Arguments.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n", "invalid_chunk_size"),
            Arguments.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naX", "missing_chunk_crlf"),
            Arguments.of("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", "unexpected_upgrade"),
            Arguments.of("HTTP/1.1 200 OK\r\nX: " + "v".repeat(300) + "\r\n\r\n", "headers_too_large"),
            Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
                    + "", "unsolicited_response"));
    }

    @ParameterizedTest
    @MethodSource("hostileResponses")
    void rejectsMalformedResponsesWith502(final String input, final String reason) {
        for (final List<String> pieces : fragmentations(input)) {
            final List<String> events = exchange(HttpMethods.GET, pieces, true);
            assertThat(events).as("pieces %s: %s", pieces.size(), events).last().isEqualTo("ERROR 502 " + reason);
            assertThat(events.stream().filter(e -> e.startsWith("ERROR"))).hasSize(1);
        }
    }

    @Test
    void bytesWithoutARequestAreUnsolicited() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ClientCodec());
        ch.writeInbound(buf("HTTP/1.1 200 OK\r\n\r\n"));
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 502 unsolicited_response");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void upstreamClosingMidResponseIsAReset() {
        assertThat(exchange(HttpMethods.GET, List.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"), true))
            .containsExactly("RES 200 v11 len=5 {Content-Length: 5}", "BODY ab", "ERROR 502 upstream_reset");
        assertThat(exchange(HttpMethods.GET,
            List.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n"), true))
            .containsExactly("RES 200 v11 len=-1 {}", "BODY ab", "ERROR 502 upstream_reset");
        assertThat(exchange(HttpMethods.GET, List.of("HTTP/1.1 200 OK\r\nCont"), true))
            .containsExactly("ERROR 502 upstream_reset");
        assertThat(exchange(HttpMethods.GET, List.of(), true)).isEmpty();
    }
}
