package io.strait.core.codec.http1;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainInbound;
import static io.strait.core.codec.http1.Http1TestSupport.drainOutbound;
import static io.strait.core.codec.http1.Http1TestSupport.feed;
import static io.strait.core.codec.http1.Http1TestSupport.fragmentations;
import static org.assertj.core.api.Assertions.assertThat;

/** Chunked trailer sections both ways: decoded into an {@link HttpTrailers} before the end, and written back. */
class Http1TrailersTest {

    private static final String CHUNKED_POST = "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static HttpTrailers trailers(final String... nameValues) {
        final HttpTrailers t = new HttpTrailers();
        for (int i = 0; i < nameValues.length; i += 2) {
            t.headers().add(AsciiString.of(nameValues[i]), AsciiString.of(nameValues[i + 1]));
        }
        return t;
    }

    @Test
    void requestTrailersAreDecodedWholeAndFragmented() {
        final String in = CHUNKED_POST + "3\r\nabc\r\n0\r\nGrpc-Status: 0\r\nX-Sum:  12 \r\n\r\n";
        for (final List<String> pieces : fragmentations(in)) {
            assertThat(feed(() -> new Http1ServerCodec(Http1Limits.DEFAULTS), pieces))
                .as("pieces %s", pieces.size())
                .containsExactly("REQ POST /c v11 len=-1 authority=h {Host: h}", "BODY abc",
                    "TRAILERS {grpc-status: 0, x-sum: 12}", "END");
        }
    }

    @Test
    void framingAndConnectionFieldsAreLeftOutOfTrailers() {
        final String in = CHUNKED_POST + "0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nHost: evil\r\n"
            + "Connection: close\r\nTE: trailers\r\nTrailer: x\r\nX-Kept: 1\r\n\r\n";
        assertThat(feed(() -> new Http1ServerCodec(Http1Limits.DEFAULTS), List.of(in)))
            .containsExactly("REQ POST /c v11 len=-1 authority=h {Host: h}", "TRAILERS {x-kept: 1}", "END");
    }

    @Test
    void aSectionWithNothingWorthForwardingGivesNoTrailersEvent() {
        final String in = CHUNKED_POST + "0\r\nContent-Length: 5\r\n\r\n";
        assertThat(feed(() -> new Http1ServerCodec(Http1Limits.DEFAULTS), List.of(in)))
            .containsExactly("REQ POST /c v11 len=-1 authority=h {Host: h}", "END");
        assertThat(feed(() -> new Http1ServerCodec(Http1Limits.DEFAULTS), List.of(CHUNKED_POST + "0\r\n\r\n")))
            .containsExactly("REQ POST /c v11 len=-1 authority=h {Host: h}", "END");
    }

    @Test
    void tooManyTrailerFieldsIs431() {
        final Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderCount(3);
        final String in = CHUNKED_POST + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
        assertThat(feed(() -> new Http1ServerCodec(limits), List.of(in)))
            .containsExactly("REQ POST /c v11 len=-1 authority=h {Host: h}", "ERROR 431 headers_too_large");
    }

    @Test
    void aTrailerSectionOverTheHeadLimitIs431WholeAndFragmented() {
        final Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderBytes(128);
        final String in = CHUNKED_POST + "0\r\nX-Big: " + "v".repeat(200) + "\r\n\r\n";
        for (final List<String> pieces : List.of(List.of(in), List.of(in.substring(0, 90), in.substring(90)))) {
            assertThat(feed(() -> new Http1ServerCodec(limits), pieces))
                .containsExactly("REQ POST /c v11 len=-1 authority=h {Host: h}", "ERROR 431 headers_too_large");
        }
    }

    @Test
    void responseTrailersAreDecodedAndABadSectionIs502() {
        final String ok = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\ngrpc-status: 14\r\n"
            + "grpc-message: down%20now\r\n\r\n";
        for (final List<String> pieces : fragmentations(ok)) {
            assertThat(Http1ClientCodecTest.exchange(HttpMethods.POST, pieces, false))
                .containsExactly("RES 200 v11 len=-1 {}", "BODY hi",
                    "TRAILERS {grpc-status: 14, grpc-message: down%20now}", "END", "OPEN");
        }
        final String big = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nx: " + "v".repeat(300)
            + "\r\n\r\n";
        assertThat(Http1ClientCodecTest.exchange(HttpMethods.POST, List.of(big), false))
            .containsExactly("RES 200 v11 len=-1 {}", "ERROR 502 headers_too_large", "OPEN");
        final String bad = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nbad name: x\r\n\r\n";
        assertThat(Http1ClientCodecTest.exchange(HttpMethods.POST, List.of(bad), false))
            .containsExactly("RES 200 v11 len=-1 {}", "ERROR 502 space_before_colon", "OPEN");
    }

    @Test
    void aChunkedResponseCarriesTrailersInItsLastChunk() {
        final Http1ServerCodec codec = new Http1ServerCodec();
        final EmbeddedChannel ch = new EmbeddedChannel(codec);
        ch.writeInbound(buf("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        drainInbound(ch, new ArrayList<>());
        final HttpResponseHead head = HttpResponseHead.of(200);
        head.bodyLength(-1);
        ch.write(head);
        ch.write(buf("ab"));
        ch.write(trailers("grpc-status", "0", "content-length", "9", "x-t", "v"));
        ch.writeAndFlush(HttpEnd.INSTANCE);
        assertThat(drainOutbound(ch)).isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            + "2\r\nab\r\n0\r\ngrpc-status: 0\r\nx-t: v\r\n\r\n");
        assertThat(codec.droppedTrailers()).isZero();
        // the next response on the connection ends with a plain last chunk again
        ch.writeInbound(buf("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        drainInbound(ch, new ArrayList<>());
        final HttpResponseHead second = HttpResponseHead.of(200);
        second.bodyLength(-1);
        ch.write(second);
        ch.writeAndFlush(HttpEnd.INSTANCE);
        assertThat(drainOutbound(ch)).endsWith("\r\n\r\n0\r\n\r\n");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aResponseWithContentLengthDropsTrailersAndCountsThem() {
        final Http1ServerCodec codec = new Http1ServerCodec();
        final EmbeddedChannel ch = new EmbeddedChannel(codec);
        ch.writeInbound(buf("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
        drainInbound(ch, new ArrayList<>());
        final HttpResponseHead head = HttpResponseHead.of(200);
        head.bodyLength(2);
        ch.write(head);
        ch.write(buf("ab"));
        ch.write(trailers("grpc-status", "0"));
        ch.writeAndFlush(HttpEnd.INSTANCE);
        assertThat(drainOutbound(ch)).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nab");
        assertThat(codec.droppedTrailers()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aChunkedRequestCarriesTrailersUpstreamAndAFixedOneDropsThem() {
        final Http1ClientCodec codec = new Http1ClientCodec();
        final EmbeddedChannel ch = new EmbeddedChannel(codec);
        final var chunked = Http1ClientCodecTest.request(HttpMethods.POST);
        chunked.bodyLength(-1);
        ch.write(chunked);
        ch.write(buf("xyz"));
        ch.write(trailers("grpc-timeout", "1S", "Transfer-Encoding", "chunked"));
        ch.writeAndFlush(HttpEnd.INSTANCE);
        assertThat(drainOutbound(ch)).isEqualTo("POST /r HTTP/1.1\r\nhost: up\r\ntransfer-encoding: chunked\r\n\r\n"
            + "3\r\nxyz\r\n0\r\ngrpc-timeout: 1S\r\n\r\n");
        ch.writeInbound(buf("HTTP/1.1 204 No Content\r\n\r\n"));
        drainInbound(ch, new ArrayList<>());
        final var fixed = Http1ClientCodecTest.request(HttpMethods.POST);
        fixed.bodyLength(3);
        ch.write(fixed);
        ch.write(buf("xyz"));
        ch.write(trailers("x", "1"));
        ch.writeAndFlush(HttpEnd.INSTANCE);
        assertThat(drainOutbound(ch)).isEqualTo("POST /r HTTP/1.1\r\nhost: up\r\ncontent-length: 3\r\n\r\nxyz");
        assertThat(codec.droppedTrailers()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }
}
