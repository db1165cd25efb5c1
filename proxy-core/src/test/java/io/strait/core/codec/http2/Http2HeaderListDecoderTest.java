package io.strait.core.codec.http2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersDecoder;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@link Http2HeaderListDecoder}: HPACK blocks (made by Netty's encoder, as a client's would be) decode into the
 * reused {@link Http2HeaderList} and from there into the request head; every refusal is the one Netty's own
 * {@code DefaultHttp2HeadersDecoder(true, true, max)} (what the builder used before) raises, same class, error code,
 * stream/connection kind and message.
 */
class Http2HeaderListDecoderTest {

    private static final int STREAM = 3;

    /** An unvalidated block (as a broken or hostile client may send), fields in the given order. */
    private static Http2Headers block(final String... nameValues) {
        final Http2Headers h = new Http2HeaderList(false);
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    private static Http2Headers get(final String... extra) {
        final List<String> all = new ArrayList<>(List.of(":method", "GET", ":scheme", "https", ":path", "/a?b=1",
            ":authority", "api.test"));
        all.addAll(List.of(extra));
        return block(all.toArray(new String[0]));
    }

    private static ByteBuf encode(final Http2Headers headers) throws Http2Exception {
        final ByteBuf out = Unpooled.buffer();
        new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true).encodeHeaders(STREAM, headers, out);
        return out;
    }

    private static List<String> fields(final Http2Headers h) {
        final List<String> out = new ArrayList<>();
        for (final Map.Entry<CharSequence, CharSequence> e : h) {
            out.add(e.getKey() + ": " + e.getValue());
        }
        return out;
    }

    @Test
    void fieldsLandInTheHeadInOrderWithDuplicatesKeptAndCookiesJoined() throws Exception {
        final Http2HeaderListDecoder decoder = new Http2HeaderListDecoder(16384);
        final Http2Headers decoded = decoder.decodeHeaders(STREAM, encode(get("accept", "text/html", "x-dup", "1",
            "cookie", "a=1", "x-dup", "2", "cookie", "b=2", "cookie", "c=3", "user-agent", "t/1")));
        assertThat(decoded).isInstanceOf(Http2HeaderList.class);
        final HttpRequestHead head = new HttpRequestHead();
        assertThat(Http2RequestHeads.decode(decoded, true, head)).isNull();
        assertThat((Object) head.method()).isSameAs(HttpMethods.GET);
        assertThat(head.path().toString()).isEqualTo("/a?b=1");
        final HttpHeaderBlock b = head.headers();
        final List<String> lines = new ArrayList<>();
        b.forEachLive((block, i) -> lines.add(block.name(i) + ": " + block.value(i)));
        assertThat(lines).containsExactly("host: api.test", "accept: text/html", "x-dup: 1", "x-dup: 2",
            "user-agent: t/1", "cookie: a=1; b=2; c=3");
        assertThat(head.hostIndex()).isZero();
        final Http2HeaderList list = (Http2HeaderList) decoded;
        assertThat((Object) b.value(1)).as("the decoder's string itself, not a copy")
            .isSameAs(list.value(list.indexOf("accept")));
    }

    @Test
    void aSingleCookieIsTheDecodersStringAsIs() throws Exception {
        final Http2HeaderList list = (Http2HeaderList) new Http2HeaderListDecoder(16384)
            .decodeHeaders(STREAM, encode(get("cookie", "only=1")));
        final HttpRequestHead head = new HttpRequestHead();
        assertThat(Http2RequestHeads.decode(list, true, head)).isNull();
        assertThat((Object) head.headers().get("cookie")).isSameAs(list.value(list.indexOf("cookie")));
    }

    @Test
    void theListIsReusedAndClearedBlockAfterBlock() throws Exception {
        final Http2HeaderListDecoder decoder = new Http2HeaderListDecoder(16384);
        final Http2Headers first = decoder.decodeHeaders(STREAM, encode(get("x-first", "1")));
        assertThat(fields(first)).contains("x-first: 1");
        final Http2Headers second = decoder.decodeHeaders(STREAM + 2, encode(get("x-second", "2")));
        assertThat(second).isSameAs(first);
        assertThat(fields(second)).contains("x-second: 2").doesNotContain("x-first: 1");
        assertThat(second.size()).isEqualTo(5);
    }

    @Test
    void validBlocksDecodeToTheSameFieldsAsNettysDecoder() throws Exception {
        final Http2Headers h = get("content-length", "12", "te", "trailers", "x-empty", "", "accept", "*/*");
        final Http2Headers ours = new Http2HeaderListDecoder(16384).decodeHeaders(STREAM, encode(h));
        final Http2Headers netty = new DefaultHttp2HeadersDecoder(true, true, 16384).decodeHeaders(STREAM, encode(h));
        assertThat(fields(ours)).containsExactlyElementsOf(fields(netty));
        assertThat(ours.method().toString()).isEqualTo("GET");
        assertThat(ours.getAll("content-length")).hasSize(1);
    }

    @Test
    void refusalsMatchNettysDecoder() throws Exception {
        final Http2Headers[] bad = {
            get(":path", "/again"),                                           // repeated pseudo-header
            get(":bogus", "1"),                                               // unknown pseudo-header
            block(":method", "GET", "x-a", "1", ":path", "/"),                // pseudo-header after a field
            block(":method", "GET", ":status", "200"),                        // request and response pseudo-headers
            get("X-Upper", "1"),                                              // upper-case name
            get("bad name", "1"),                                             // not a token
            get("", "1"),                                                     // empty name
            get("connection", "keep-alive"),                                  // connection-specific
            get("keep-alive", "5"),
            get("transfer-encoding", "chunked"),
            get("te", "gzip"),                                                // te other than trailers
            block(":method", "GET", ":scheme", "https", ":path", ""),         // empty pseudo-header
            get("x-nul", "a\u0000b"),                                         // prohibited value characters
            get("x-lf", "a\nb"),
        };
        for (final Http2Headers h : bad) {
            final Throwable ours = catchThrowable(() -> new Http2HeaderListDecoder(16384).decodeHeaders(STREAM,
                encode(h)));
            final Throwable netty = catchThrowable(() -> new DefaultHttp2HeadersDecoder(true, true, 16384)
                .decodeHeaders(STREAM, encode(h)));
            assertThat(netty).as("Netty refuses %s", h).isInstanceOf(Http2Exception.class);
            assertSameRefusal(ours, netty, h);
        }
    }

    @Test
    void theHeaderListSizeLimitIsNettys() throws Exception {
        final Http2Headers big = get("x-big", "v".repeat(200));
        final Throwable ours = catchThrowable(() -> new Http2HeaderListDecoder(128).decodeHeaders(STREAM,
            encode(big)));
        final Throwable netty = catchThrowable(() -> new DefaultHttp2HeadersDecoder(true, true, 128)
            .decodeHeaders(STREAM, encode(big)));
        assertThat(ours).isInstanceOf(Http2Exception.HeaderListSizeException.class);
        assertSameRefusal(ours, netty, big);
        assertThat(((Http2Exception.HeaderListSizeException) ours).duringDecode()).isTrue();
    }

    @Test
    void theHpackTableSizeIsConfiguredAsNettys() throws Exception {
        final Http2HeadersDecoder.Configuration c = new Http2HeaderListDecoder(16384).configuration();
        c.maxHeaderTableSize(1024);
        assertThat(c.maxHeaderTableSize()).isEqualTo(1024);
        c.maxHeaderListSize(8192, 9000);
        assertThat(c.maxHeaderListSize()).isEqualTo(8192);
        assertThat(c.maxHeaderListSizeGoAway()).isEqualTo(9000);
    }

    private static void assertSameRefusal(final Throwable ours, final Throwable netty, final Http2Headers h) {
        assertThat(ours).as("refused: %s", h).isInstanceOf(Http2Exception.class).hasSameClassAs(netty);
        assertThat(ours).hasMessage(netty.getMessage());
        final Http2Exception o = (Http2Exception) ours;
        final Http2Exception n = (Http2Exception) netty;
        assertThat(o.error()).isEqualTo(n.error());
        assertThat(o.shutdownHint()).isEqualTo(n.shutdownHint());
        if (n instanceof Http2Exception.StreamException) {
            assertThat(((Http2Exception.StreamException) o).streamId())
                .isEqualTo(((Http2Exception.StreamException) n).streamId());
        }
    }

    @Test
    void theProxysOwnListTakesFieldsAsGiven() {
        final Http2HeaderList list = new Http2HeaderList(false);
        list.add("X-Anything", "a\u0000b").status(AsciiString.of("200"));
        assertThat(list.status().toString()).isEqualTo("200");
        assertThat(list.get("X-Anything").toString()).isEqualTo("a\u0000b");
        assertThat(list.size()).isEqualTo(2);
    }

    @Test
    void setLongKeepsAMatchingContentLengthAndDropsRepeats() {
        final Http2HeaderList list = new Http2HeaderList(true);
        list.add(":method", "POST").add("content-length", "12").add("x-a", "1").add("content-length", "12");
        final CharSequence before = list.get("content-length");
        list.setLong("content-length", 12);   // what Netty's connection decoder does after checking the values
        assertThat(list.getAll("content-length")).hasSize(1);
        assertThat(list.get("content-length")).isSameAs(before);
        list.setLong("content-length", 7);
        assertThat(list.get("content-length").toString()).isEqualTo("7");
        assertThat(list.size()).isEqualTo(3);
        assertThat(list.remove("x-a")).isTrue();
        assertThat(list.contains("x-a")).isFalse();
    }
}
