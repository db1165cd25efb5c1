package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainOutbound;
import static io.strait.core.codec.http1.Http1TestSupport.fragmentations;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoded messages re-encoded by the other side's codec, as the proxy forwards them: the output is the input's
 * bytes minus the hop-by-hop lines, plus the proxy's additions and the framing the peer needs.
 */
class Http1ForwardingTest {

    /** Feeds {@code request} to a server codec and writes every event it fires into a client codec. */
    private static String forwardRequest(final List<String> pieces, final AsciiString addName,
                                         final AsciiString addValue) {
        final EmbeddedChannel down = new EmbeddedChannel(new Http1ServerCodec());
        final EmbeddedChannel up = new EmbeddedChannel(new Http1ClientCodec());
        for (final String p : pieces) {
            down.writeInbound(buf(p));
            Object o;
            while ((o = down.readInbound()) != null) {
                if (o instanceof HttpRequestHead && addName != null) {
                    ((HttpRequestHead) o).headers().add(addName, addValue);
                }
                up.write(o);
                if (o instanceof HttpRequestHead) {
                    ((HttpRequestHead) o).release(); // the client codec copied it
                }
            }
        }
        up.flush();
        final String out = drainOutbound(up);
        assertThat(down.finish()).isFalse();
        assertThat(up.finish()).isFalse();
        return out;
    }

    @Test
    void headIsTheOriginalBytesMinusHopByHopLines() {
        final String in = "POST /p?q=1 HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Hop\r\nX-A:  1 \r\n"
            + "Content-Length: 3\r\nKeep-Alive: 5\r\nX-Hop: gone\r\nX-B:2\r\nTE: gzip\r\nTE: trailers\r\n\r\nabc";
        // TE goes on only as "trailers", as in Envoy (the proxy forwards trailers)
        final String expected = "POST /p?q=1 HTTP/1.1\r\nHost: h\r\nX-A:  1 \r\nContent-Length: 3\r\nX-B:2\r\n"
            + "TE: trailers\r\nx-forwarded-for: 10.0.0.1\r\n\r\nabc";
        for (final List<String> pieces : fragmentations(in)) {
            assertThat(forwardRequest(pieces, AsciiString.of("x-forwarded-for"), AsciiString.of("10.0.0.1")))
                .isEqualTo(expected);
        }
    }

    @Test
    void plainRequestIsByteIdentical() {
        final String in = "GET /a/b?c HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\nAccept: */*\r\n\r\n";
        assertThat(forwardRequest(List.of(in), null, null)).isEqualTo(in);
    }

    @Test
    void chunkedInIsChunkedOut() {
        final String in = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n6;e=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
        assertThat(forwardRequest(List.of(in), null, null)).isEqualTo("POST /c HTTP/1.1\r\nHost: h\r\n"
            + "transfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n");
    }

    @Test
    void contentLengthBodyPassesThrough() {
        final String in = "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789";
        for (final List<String> pieces : fragmentations(in)) {
            assertThat(forwardRequest(pieces, null, null)).isEqualTo(in);
        }
    }

    @Test
    void contentLengthListIsRewrittenAsOneValue() {
        final String in = "PUT /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\nok";
        assertThat(forwardRequest(List.of(in), null, null))
            .isEqualTo("PUT /x HTTP/1.1\r\nHost: h\r\ncontent-length: 2\r\n\r\nok");
    }

    @Test
    void http10AndAbsoluteFormBecomeHttp11OriginForm() {
        assertThat(forwardRequest(List.of("GET http://example.com:8080/p?q HTTP/1.0\r\nHost: x\r\nA: b\r\n\r\n"),
            null, null)).isEqualTo("GET /p?q HTTP/1.1\r\nA: b\r\nhost: example.com:8080\r\n\r\n");
    }

    @Test
    void decodedResponseIsForwardedToTheClient() {
        final EmbeddedChannel up = new EmbeddedChannel(new Http1ClientCodec());
        final EmbeddedChannel down = new EmbeddedChannel(new Http1ServerCodec());
        down.writeInbound(buf("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        Object o;
        while ((o = down.readInbound()) != null) {
            up.write(o);
            if (o instanceof HttpRequestHead) {
                ((HttpRequestHead) o).release();
            }
        }
        up.flush();
        drainOutbound(up);
        up.writeInbound(buf("HTTP/1.1 200 Okay\r\nServer: s\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
            + "Transfer-Encoding: chunked\r\nX-A: 1\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
        while ((o = up.readInbound()) != null) {
            down.write(o);
            if (o instanceof HttpResponseHead) {
                ((HttpResponseHead) o).release();
            }
        }
        down.flush();
        assertThat(drainOutbound(down)).isEqualTo("HTTP/1.1 200 Okay\r\nServer: s\r\nX-A: 1\r\n"
            + "transfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        assertThat(up.finish()).isFalse();
        assertThat(down.finish()).isFalse();
    }

    @Test
    void clientCodecDoesNotReleaseTheHead() {
        final EmbeddedChannel down = new EmbeddedChannel(new Http1ServerCodec());
        final EmbeddedChannel up = new EmbeddedChannel(new Http1ClientCodec());
        down.writeInbound(buf("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        final HttpRequestHead head = down.readInbound();
        up.writeAndFlush(head);
        final ByteBuf raw = head.raw();
        assertThat(raw.refCnt()).isPositive();
        head.release();
        assertThat((Object) down.readInbound()).isSameAs(HttpEnd.INSTANCE);
        drainOutbound(up);
        ReferenceCountUtil.release(null);
        assertThat(down.finish()).isFalse();
        assertThat(up.finish()).isFalse();
    }
}
