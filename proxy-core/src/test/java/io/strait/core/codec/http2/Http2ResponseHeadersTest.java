package io.strait.core.codec.http2;

import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Http2ResponseHeaders}: a neutral response head to HEADERS. */
class Http2ResponseHeadersTest {

    @Test
    void statusFieldsInLowerCaseAndNoConnectionSpecificFields() {
        final HttpResponseHead head = HttpResponseHead.of(503);
        head.headers().add(AsciiString.of("Content-Type"), AsciiString.of("text/plain"));
        head.headers().add(AsciiString.of("Connection"), AsciiString.of("keep-alive"));
        head.headers().add(AsciiString.of("Keep-Alive"), AsciiString.of("timeout=5"));
        head.headers().add(AsciiString.of("Transfer-Encoding"), AsciiString.of("chunked"));
        head.headers().add(AsciiString.of("Upgrade"), AsciiString.of("h2c"));
        head.headers().add(AsciiString.of("Proxy-Connection"), AsciiString.of("close"));
        head.headers().add(AsciiString.of("X-Custom"), AsciiString.of("Value"));
        final int dead = head.headers().add(AsciiString.of("x-removed"), AsciiString.of("1"));
        head.headers().remove(dead);
        final Http2Headers h = Http2ResponseHeaders.of(head);
        assertThat(h.status().toString()).isEqualTo("503");
        assertThat(h.get("content-type").toString()).isEqualTo("text/plain");
        assertThat(h.get("x-custom").toString()).isEqualTo("Value");
        assertThat(h.size()).as(":status, content-type, x-custom").isEqualTo(3);
        h.forEach(e -> assertThat(e.getKey().toString()).isLowerCase());
    }

    @Test
    void trailersHaveNoStatus() {
        final HttpTrailers t = new HttpTrailers();
        t.headers().add(AsciiString.of("grpc-status"), AsciiString.of("14"));
        final Http2Headers h = Http2ResponseHeaders.of(t);
        assertThat(h.status()).isNull();
        assertThat(h.get("grpc-status").toString()).isEqualTo("14");
    }
}
