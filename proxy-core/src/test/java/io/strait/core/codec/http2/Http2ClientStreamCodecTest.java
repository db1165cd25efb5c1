package io.strait.core.codec.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpDecodeError;
import io.strait.core.http.HttpEnd;
import io.strait.core.http.HttpHead;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** One upstream HTTP/2 stream's codec on an embedded channel: neutral request events out, frames in. */
class Http2ClientStreamCodecTest {

    private static AsciiString a(final String s) {
        return AsciiString.of(s);
    }

    private static HttpRequestHead request(final AsciiString method, final String path, final long bodyLength) {
        final HttpRequestHead h = new HttpRequestHead();
        h.reset(null, method, HttpHead.VERSION_1_1);
        h.path(a(path));
        h.hostIndex(h.headers().add(a("Host"), a("api.test:8080")));
        h.headers().add(a("Connection"), a("x-drop"));
        h.headers().add(a("X-Drop"), a("1"));
        h.headers().add(a("Keep-Alive"), a("timeout=5"));
        h.headers().add(a("Transfer-Encoding"), a("chunked"));
        h.headers().add(a("Upgrade"), a("websocket"));
        h.headers().add(a("Proxy-Connection"), a("keep-alive"));
        h.headers().add(a("TE"), a("trailers"));
        h.headers().add(a("X-Custom"), a("Value"));
        h.bodyLength(bodyLength);
        return h;
    }

    @Test
    void aRequestWithoutBodyIsOneHeadersFrameThatEndsTheStream() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        ch.writeOutbound(request(HttpMethods.GET, "/a?b=1", 0));
        ch.writeOutbound(HttpEnd.INSTANCE);
        final Http2HeadersFrame f = ch.readOutbound();
        assertThat(f.isEndStream()).isTrue();
        final Http2Headers h = f.headers();
        assertThat(h.method()).hasToString("GET");
        assertThat(h.scheme()).hasToString("http");
        assertThat(h.authority()).hasToString("api.test:8080");
        assertThat(h.path()).hasToString("/a?b=1");
        assertThat(h.get("x-custom")).hasToString("Value");
        assertThat(h.get("te")).hasToString("trailers");
        for (final String hop : new String[] {"host", "connection", "x-drop", "keep-alive", "transfer-encoding",
            "upgrade", "proxy-connection"}) {
            assertThat(h.contains(hop)).as(hop).isFalse();
        }
        assertThat((Object) ch.readOutbound()).as("the end needs no frame of its own").isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theAuthorityComesFromAHostFieldTheCodecDidNotMark() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        final HttpRequestHead head = new HttpRequestHead();
        head.reset(null, HttpMethods.GET, HttpHead.VERSION_2);
        head.path(a("/"));
        head.headers().add(a("host"), a("grpc.test"));
        ch.writeOutbound(head);
        final Http2HeadersFrame f = ch.readOutbound();
        assertThat(f.headers().authority()).hasToString("grpc.test");
        assertThat(f.headers().contains("host")).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void teOtherThanTrailersIsDropped() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        final HttpRequestHead head = request(HttpMethods.GET, "/", 0);
        head.headers().set(a("TE"), a("gzip"));
        ch.writeOutbound(head);
        final Http2HeadersFrame f = ch.readOutbound();
        assertThat(f.headers().contains("te")).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void bodyChunksBecomeDataFramesAndTrailersEndTheStream() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        ch.writeOutbound(request(HttpMethods.POST, "/up", -1));
        ch.writeOutbound(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII));
        final HttpTrailers t = new HttpTrailers();
        t.headers().add(a("Grpc-Status"), a("0"));
        ch.writeOutbound(t);
        ch.writeOutbound(HttpEnd.INSTANCE);
        final Http2HeadersFrame head = ch.readOutbound();
        assertThat(head.isEndStream()).isFalse();
        final Http2DataFrame data = ch.readOutbound();
        assertThat(data.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(data.isEndStream()).isFalse();
        data.release();
        final Http2HeadersFrame trailers = ch.readOutbound();
        assertThat(trailers.isEndStream()).isTrue();
        assertThat(trailers.headers().get("grpc-status")).hasToString("0");
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theEndOfABodyIsAnEmptyDataFrameWithEndStream() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        ch.writeOutbound(request(HttpMethods.POST, "/up", 3));
        ch.writeOutbound(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII));
        ch.writeOutbound(HttpEnd.INSTANCE);
        assertThat(((Http2HeadersFrame) ch.readOutbound()).headers().get("content-length")).isNull();
        ((Http2DataFrame) ch.readOutbound()).release();
        final Http2DataFrame end = ch.readOutbound();
        assertThat(end.isEndStream()).isTrue();
        assertThat(end.content().readableBytes()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aResponseBecomesHeadBodyTrailersAndEnd() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        ch.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("100")));
        final HttpResponseHead interim = ch.readInbound();
        assertThat(interim.status()).isEqualTo(100);
        ch.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
            .add("content-type", "application/grpc").add("content-length", "5")));
        final HttpResponseHead head = ch.readInbound();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.version()).isEqualTo(HttpHead.VERSION_2);
        assertThat(head.bodyLength()).isEqualTo(5);
        assertThat((CharSequence) head.headers().get("content-type")).hasToString("application/grpc");
        assertThat(head.headers().contains(":status")).isFalse();
        ch.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)));
        final ByteBuf body = ch.readInbound();
        assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        body.release();
        ch.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0")
            .add("grpc-message", "ok"), true));
        final HttpTrailers trailers = ch.readInbound();
        assertThat((CharSequence) trailers.headers().get("grpc-status")).hasToString("0");
        assertThat((CharSequence) trailers.headers().get("grpc-message")).hasToString("ok");
        assertThat((Object) ch.readInbound()).isSameAs(HttpEnd.INSTANCE);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aHeadersOnlyResponseHasNoBodyAndEnds() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        ch.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("204"), true));
        final HttpResponseHead head = ch.readInbound();
        assertThat(head.bodyLength()).isZero();
        assertThat((Object) ch.readInbound()).isSameAs(HttpEnd.INSTANCE);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aBodyWithoutContentLengthIsStreamedToTheEnd() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        ch.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        assertThat(((HttpResponseHead) ch.readInbound()).bodyLength()).isEqualTo(-1);
        ch.writeInbound(new DefaultHttp2DataFrame(Unpooled.EMPTY_BUFFER, true));
        assertThat((Object) ch.readInbound()).as("an empty DATA frame is no body chunk").isSameAs(HttpEnd.INSTANCE);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aResponseWithoutStatusIsA502DecodeError() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        ch.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("x", "y")));
        final HttpDecodeError e = ch.readInbound();
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.reason()).isEqualTo(Http2ClientStreamCodec.INVALID_STATUS);
        ch.writeInbound(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)));
        assertThat((Object) ch.readInbound()).as("nothing more after an error").isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void trailersThatDoNotEndTheStreamAreAnError() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http2ClientStreamCodec());
        ch.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")));
        ch.readInbound();
        ch.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("grpc-status", "0"), false));
        assertThat(((HttpDecodeError) ch.readInbound()).reason()).isEqualTo(Http2ClientStreamCodec.BAD_TRAILERS);
        assertThat(ch.finish()).isFalse();
    }
}
