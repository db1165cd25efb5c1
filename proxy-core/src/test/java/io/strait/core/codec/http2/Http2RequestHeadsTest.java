package io.strait.core.codec.http2;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import io.strait.core.http.HttpHead;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpTrailers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Http2RequestHeads}: HEADERS to the neutral request head, and RFC 9113 8.2-8.3 refusals. */
class Http2RequestHeadsTest {

    private static Http2Headers get(final String path) {
        return new DefaultHttp2Headers(false).method("GET").scheme("https").path(path).authority("api.test:8443");
    }

    @Test
    void pseudoHeadersBecomeMethodPathAndHost() {
        final HttpRequestHead head = new HttpRequestHead();
        final Http2Headers h = get("/v1/items?x=1").add("accept", "application/json").add("x-id", "7");
        assertThat(Http2RequestHeads.decode(h, true, head)).isNull();
        assertThat((Object) head.method()).isSameAs(HttpMethods.GET);
        assertThat(head.version()).isEqualTo(HttpHead.VERSION_2);
        assertThat(head.path().toString()).isEqualTo("/v1/items?x=1");
        assertThat(head.authority().toString()).isEqualTo("api.test:8443");
        assertThat(head.headers().name(head.hostIndex()).toString()).isEqualTo("host");
        assertThat(head.headers().get("accept").toString()).isEqualTo("application/json");
        assertThat(head.headers().get("x-id").toString()).isEqualTo("7");
        assertThat(head.headers().liveCount()).isEqualTo(3);
        assertThat(head.bodyLength()).isZero();
    }

    @Test
    void bodyLengthFollowsEndStreamAndContentLength() {
        final HttpRequestHead head = new HttpRequestHead();
        assertThat(Http2RequestHeads.decode(get("/").method("POST"), false, head)).isNull();
        assertThat(head.bodyLength()).as("streamed to END_STREAM").isEqualTo(-1);
        assertThat((Object) head.method()).isSameAs(HttpMethods.POST);
        assertThat(Http2RequestHeads.decode(get("/").method("POST").add("content-length", "12"), false, head))
            .isNull();
        assertThat(head.bodyLength()).isEqualTo(12);
    }

    @Test
    void aHostFieldServesWhenAuthorityIsAbsentAndLosesToIt() {
        final HttpRequestHead head = new HttpRequestHead();
        final Http2Headers noAuthority = new DefaultHttp2Headers(false).method("GET").scheme("http").path("/")
            .add("host", "h.test");
        assertThat(Http2RequestHeads.decode(noAuthority, true, head)).isNull();
        assertThat(head.authority().toString()).isEqualTo("h.test");
        assertThat(Http2RequestHeads.decode(get("/").add("host", "other.test"), true, head)).isNull();
        assertThat(head.authority().toString()).isEqualTo("api.test:8443");
        assertThat(head.headers().liveCount()).isEqualTo(1);
    }

    @Test
    void cookiesAreJoinedAndExpectContinueIsTakenOut() {
        final HttpRequestHead head = new HttpRequestHead();
        final Http2Headers h = get("/").add("cookie", "a=1").add("cookie", "b=2").add("expect", "100-continue");
        assertThat(Http2RequestHeads.decode(h, false, head)).isNull();
        assertThat(head.headers().get("cookie").toString()).isEqualTo("a=1; b=2");
        assertThat(head.expectContinue()).isTrue();
        assertThat(head.headers().contains("expect")).isFalse();
    }

    @Test
    void malformedRequestsAreRefusedWithAReason() {
        final HttpRequestHead head = new HttpRequestHead();
        assertThat(Http2RequestHeads.decode(new DefaultHttp2Headers(false).scheme("http").path("/"), true, head))
            .isEqualTo("missing :method");
        assertThat(Http2RequestHeads.decode(new DefaultHttp2Headers(false).method("GET").scheme("http"), true, head))
            .isEqualTo("missing :path");
        assertThat(Http2RequestHeads.decode(new DefaultHttp2Headers(false).method("GET").path("/"), true, head))
            .isEqualTo("missing :scheme");
        assertThat(Http2RequestHeads.decode(get("/").add("X-Upper", "1"), true, head))
            .isEqualTo("upper-case header name");
        assertThat(Http2RequestHeads.decode(get("/").add("content-length", "abc"), false, head))
            .isEqualTo("invalid content-length");
        assertThat(Http2RequestHeads.decode(get("/").add("content-length", "1").add("content-length", "2"), false,
            head)).isEqualTo("invalid content-length");
        assertThat(Http2RequestHeads.decode(get("/").add("content-length", "5"), true, head))
            .isEqualTo("content-length without a body");
        assertThat(Http2RequestHeads.decode(get("/").authority(""), true, head)).isEqualTo("empty :authority");
        assertThat(Http2RequestHeads.decode(new DefaultHttp2Headers(false).method("CONNECT").authority("a:1"), true,
            head)).isEqualTo("CONNECT is not supported");
    }

    @Test
    void trailersCarryFieldsAndMustEndTheStream() {
        final HttpTrailers t = new HttpTrailers();
        assertThat(Http2RequestHeads.trailers(new DefaultHttp2Headers(false).add("grpc-status", "0"), true, t))
            .isNull();
        assertThat(t.headers().get("grpc-status").toString()).isEqualTo("0");
        assertThat(Http2RequestHeads.trailers(new DefaultHttp2Headers(false).add("x", "1"), false,
            new HttpTrailers())).isEqualTo("trailers without END_STREAM");
        assertThat(Http2RequestHeads.trailers(new DefaultHttp2Headers(false).path("/"), true, new HttpTrailers()))
            .isEqualTo("pseudo-header in trailers");
    }
}
