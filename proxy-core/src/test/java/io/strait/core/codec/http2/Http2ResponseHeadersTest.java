package io.strait.core.codec.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpResponseHead;
import io.strait.core.http.HttpTrailers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

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

    /** A head whose fields are wire entries over {@code raw} lines "Name: value". */
    private static HttpResponseHead wireHead(final ByteBuf raw, final String... lines) {
        final HttpResponseHead head = HttpResponseHead.of(200);
        head.headers().reset(raw);
        for (final String line : lines) {
            final int start = raw.writerIndex();
            raw.writeCharSequence(line, StandardCharsets.US_ASCII);
            final int colon = line.indexOf(':');
            head.headers().addWire(start, start + colon, start + colon + 2, start + line.length());
        }
        return head;
    }

    @Test
    void oneInstanceReusesItsListAndTheLastCopyOfEachValueWhileTheBytesMatch() {
        final Http2ResponseHeaders encoder = new Http2ResponseHeaders();
        final ByteBuf raw1 = Unpooled.buffer();
        final ByteBuf raw2 = Unpooled.buffer();
        try {
            final Http2Headers first = encoder.head(wireHead(raw1, "Content-Type: application/json",
                "X-Backend: b1", "Server: s", "Connection: close"));
            final CharSequence type = first.get("content-type");
            final CharSequence backend = first.get("x-backend");
            final CharSequence server = first.get("server");
            assertThat(first.size()).as(":status, content-type, x-backend, server").isEqualTo(4);
            final Http2Headers second = encoder.head(wireHead(raw2, "Content-Type: application/json",
                "X-Backend: b1", "Server: other"));
            assertThat(second).as("the same list, refilled").isSameAs(first);
            assertThat(second.get("content-type")).as("same bytes: the same copy").isSameAs(type);
            assertThat(second.get("x-backend")).as("an unknown name is remembered too").isSameAs(backend);
            assertThat(second.get("server")).as("new bytes: a new copy").isNotSameAs(server);
            assertThat(second.get("server").toString()).isEqualTo("other");
            assertThat(second.contains("connection")).isFalse();
            assertThat(second.size()).isEqualTo(4);
            final Http2Headers trailers = encoder.trailers(new HttpTrailers());
            assertThat(trailers.isEmpty()).as("trailers clear the list; no :status").isTrue();
        } finally {
            raw1.release();
            raw2.release();
        }
    }

    @Test
    void longValuesAreCopiedEachTimeNotRemembered() {
        final Http2ResponseHeaders encoder = new Http2ResponseHeaders();
        final String token = "t".repeat(200);
        final ByteBuf raw1 = Unpooled.buffer();
        final ByteBuf raw2 = Unpooled.buffer();
        try {
            final CharSequence first = encoder.head(wireHead(raw1, "Set-Cookie: " + token)).get("set-cookie");
            final CharSequence second = encoder.head(wireHead(raw2, "Set-Cookie: " + token)).get("set-cookie");
            assertThat(second.toString()).isEqualTo(token);
            assertThat(second).as("over 128 bytes: not kept by the slot").isNotSameAs(first);
        } finally {
            raw1.release();
            raw2.release();
        }
    }

    @Test
    void theProxysOwnValuesAreUsedAsTheyAre() {
        final HttpResponseHead head = HttpResponseHead.of(200);
        final AsciiString via = AsciiString.of("1.1 strait");
        head.headers().add(AsciiString.of("Via"), via);
        final AsciiString id = AsciiString.of("abc");
        head.headers().add(AsciiString.of("x-request-id"), id);
        final Http2Headers h = new Http2ResponseHeaders().head(head);
        assertThat(h.get("via")).isSameAs(via);
        assertThat(h.get("x-request-id")).isSameAs(id);
    }
}
