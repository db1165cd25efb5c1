package io.strait.core.codec.http1;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.strait.core.codec.http1.Http1TestSupport.buf;
import static io.strait.core.codec.http1.Http1TestSupport.drainInbound;
import static io.strait.core.codec.http1.Http1TestSupport.feed;
import static io.strait.core.codec.http1.Http1TestSupport.fragmentations;
import static org.assertj.core.api.Assertions.assertThat;

/** Hostile and malformed requests: each gets one HttpDecodeError and nothing is forwarded after it. */
class Http1ServerCodecStrictnessTest {

    private static final String NEXT = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";

    static Stream<Arguments> hostileHeads() {
        return Stream.of(
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
                400, "cl_and_te"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                400, "cl_and_te"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                400, "bad_content_length"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3, 4\r\n\r\n", 400, "bad_content_length"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +3\r\n\r\n", 400, "bad_content_length"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", 400, "bad_content_length"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3a\r\n\r\n", 400, "bad_content_length"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n",
                400, "bad_content_length"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                400, "bad_transfer_encoding"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                400, "bad_transfer_encoding"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n",
                400, "bad_transfer_encoding"),
            Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n",
                400, "bad_transfer_encoding"),
            Arguments.of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400, "bad_transfer_encoding"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n", 400, "obs_fold"),
            Arguments.of("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400, "obs_fold"),
            Arguments.of("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, "space_before_colon"),
            Arguments.of("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400, "space_before_colon"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\n: v\r\n\r\n", 400, "empty_header_name"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX(y): v\r\n\r\n", 400, "invalid_header_name"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400, "invalid_header_name"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX: a\u0000b\r\n\r\n", 400, "invalid_header_value"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400, "invalid_header_value"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX: a\u0001b\r\n\r\n", 400, "invalid_header_value"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX: a\u007fb\r\n\r\n", 400, "invalid_header_value"),
            Arguments.of("GET / HTTP/1.1\nHost: h\r\n\r\n", 400, "bare_lf"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n", 400, "bare_lf"),
            Arguments.of("GET / HTTP/1.1\r\nHost: h\r\n\n", 400, "bare_lf"),
            Arguments.of("\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bare_lf"),
            Arguments.of("GET / HTTP/1.1\rHost: h\r\n\r\n", 400, "bare_cr"),
            Arguments.of("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_method"),
            Arguments.of(" GET / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_method"),
            Arguments.of("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_target"),
            Arguments.of("GET /a\u0001b HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_target"),
            Arguments.of("GET /caf\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_target"),
            Arguments.of("GET a/b HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_target"),
            Arguments.of("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_target"),
            Arguments.of("GET http:///p HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_target"),
            Arguments.of("GET http://u@h/p HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_target"),
            Arguments.of("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400, "bad_version"),
            Arguments.of("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400, "bad_version"),
            Arguments.of("GET / http/1.1\r\nHost: h\r\n\r\n", 400, "bad_version"),
            Arguments.of("GET / HTTP/1.10\r\nHost: h\r\n\r\n", 400, "bad_version"),
            Arguments.of("GET /\r\n\r\n", 400, "bad_target"),
            Arguments.of("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "unsupported_version"),
            Arguments.of("GET / HTTP/3\r\nHost: h\r\n\r\n", 505, "unsupported_version"),
            Arguments.of("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505, "unsupported_version"),
            Arguments.of("GET / HTTP/1.1\r\n\r\n", 400, "missing_host"),
            Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "duplicate_host"),
            Arguments.of("CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n", 501, "connect_not_supported"),
            Arguments.of("PUT / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n", 417, "expectation_failed"));
    }

    @ParameterizedTest
    @MethodSource("hostileHeads")
    void rejectsHostileHeads(final String input, final int status, final String reason) {
        for (final List<String> pieces : fragmentations(input + NEXT)) {
            assertThat(feed(Http1ServerCodec::new, pieces))
                .as("pieces %s", pieces.size())
                .containsExactly("ERROR " + status + " " + reason);
        }
    }

    static Stream<Arguments> hostileBodies() {
        final String chunkedHead = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
            Arguments.of(chunkedHead + "z\r\n", "invalid_chunk_size"),
            Arguments.of(chunkedHead + "\r\n", "invalid_chunk_size"),
            Arguments.of(chunkedHead + "-1\r\n", "invalid_chunk_size"),
            Arguments.of(chunkedHead + "1 2\r\n", "invalid_chunk_size"),
            Arguments.of(chunkedHead + "11111111111111111\r\n", "invalid_chunk_size"),
            Arguments.of(chunkedHead + "8000000000000000\r\n", "invalid_chunk_size"),
            Arguments.of(chunkedHead + "3\nabc\r\n", "bare_lf"),
            Arguments.of(chunkedHead + "3\r\nabcX\r\n", "missing_chunk_crlf"),
            Arguments.of(chunkedHead + "3\r\nabc\n0\r\n\r\n", "bare_lf"),
            Arguments.of(chunkedHead + "3;a=\u0001\r\nabc\r\n", "invalid_chunk_ext"),
            Arguments.of(chunkedHead + "0\r\nBad Trailer: x\r\n\r\n", "space_before_colon"),
            Arguments.of(chunkedHead + "0\r\nT: a\u0000\r\n\r\n", "invalid_header_value"),
            Arguments.of(chunkedHead + "0\r\n\n", "bare_lf"));
    }

    @ParameterizedTest
    @MethodSource("hostileBodies")
    void rejectsBrokenChunking(final String input, final String reason) {
        for (final List<String> pieces : fragmentations(input + NEXT)) {
            final List<String> events = feed(Http1ServerCodec::new, pieces);
            assertThat(events.get(0)).startsWith("REQ POST");
            assertThat(events.get(events.size() - 1)).isEqualTo("ERROR 400 " + reason);
            assertThat(events).noneMatch(e -> e.startsWith("END") || e.contains("/next"));
        }
    }

    @Test
    void requestLineOverTheLimitIs414WithoutBufferingIt() {
        final Http1Limits limits = Http1Limits.DEFAULTS.withMaxRequestLineBytes(32);
        final String atLimit = "GET /" + "a".repeat(18) + " HTTP/1.1"; // 32 bytes
        assertThat(feed(() -> new Http1ServerCodec(limits), List.of(atLimit + "\r\nHost: h\r\n\r\n"))).hasSize(2);
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec(limits));
        ch.writeInbound(buf("GET /" + "a".repeat(40)));
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 414 uri_too_long");
        ch.writeInbound(buf("more bytes"));
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void headOverTheLimitIs431() {
        final Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderBytes(64);
        final String head = "GET / HTTP/1.1\r\nHost: h\r\nX: " + "v".repeat(32) + "\r\n\r\n"; // 64 bytes
        assertThat(head).hasSize(64);
        assertThat(feed(() -> new Http1ServerCodec(limits), List.of(head))).hasSize(2);
        final String over = "GET / HTTP/1.1\r\nHost: h\r\nX: " + "v".repeat(33) + "\r\n\r\n";
        assertThat(feed(() -> new Http1ServerCodec(limits), List.of(over)))
            .containsExactly("ERROR 431 headers_too_large");
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec(limits));
        ch.writeInbound(buf("GET / HTTP/1.1\r\nX: " + "v".repeat(100)));
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 431 headers_too_large");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void tooManyHeadersIs431() {
        final Http1Limits limits = Http1Limits.DEFAULTS.withMaxHeaderCount(3);
        assertThat(feed(() -> new Http1ServerCodec(limits), List.of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\n"
                + "B: 2\r\n\r\n")))
            .hasSize(2);
        assertThat(feed(() -> new Http1ServerCodec(limits),
            List.of("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")))
            .containsExactly("ERROR 431 headers_too_large");
    }

    @Test
    void declaredBodyOverTheLimitIs413InsteadOfTheHead() {
        final Http1Limits limits = Http1Limits.DEFAULTS.withMaxBodyBytes(10);
        assertThat(feed(() -> new Http1ServerCodec(limits),
            List.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n01234567890")))
            .containsExactly("ERROR 413 body_too_large");
        assertThat(feed(() -> new Http1ServerCodec(limits),
            List.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n0123456789"))).hasSize(3);
    }

    @Test
    void chunkedBodyCrossingTheLimitIs413MidBody() {
        final Http1Limits limits = Http1Limits.DEFAULTS.withMaxBodyBytes(10);
        assertThat(feed(() -> new Http1ServerCodec(limits),
            List.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n5\r\n"
                    + "ghijk\r\n0\r\n\r\n")))
            .containsExactly("REQ POST / v11 len=-1 authority=h {Host: h}", "BODY abcdef", "ERROR 413 body_too_large");
    }

    @Test
    void requestHeaderTimeoutFiresWhileAHeadIsIncomplete() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf("GET / HTTP/1.1\r\n"));
        ch.advanceTimeBy(9_999, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 408 request_header_timeout");
        ch.writeInbound(buf("Host: h\r\n\r\n"));
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedByTheFirstByteTimeoutWithoutAResponse() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.advanceTimeBy(10_001, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        assertThat(ch.isOpen()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void requestHeaderTimeoutSleepsBetweenRequestsAndDuringOne() {
        final EmbeddedChannel ch = new EmbeddedChannel(new Http1ServerCodec());
        ch.writeInbound(buf("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n"));
        ch.advanceTimeBy(60, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        final List<String> events = drainInbound(ch, new ArrayList<>());
        assertThat(events).hasSize(1);
        ch.writeInbound(buf("ab"));
        ch.write(io.strait.core.http.HttpResponseHead.of(200));
        ch.writeAndFlush(io.strait.core.http.HttpEnd.INSTANCE);
        Http1TestSupport.drainOutbound(ch);
        ch.advanceTimeBy(60, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        events.clear();
        assertThat(drainInbound(ch, events)).containsExactly("BODY ab", "END");
        // a new head restarts it
        ch.writeInbound(buf("GET / HTTP/1.1\r\n"));
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        ch.advanceTimeBy(6, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 408 request_header_timeout");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void timeoutCanBeTurnedOff() {
        final EmbeddedChannel ch = new EmbeddedChannel(
            new Http1ServerCodec(Http1Limits.DEFAULTS.withRequestHeaderTimeoutMillis(0)));
        ch.writeInbound(buf("GET / HTTP/1.1\r\n"));
        ch.advanceTimeBy(1, TimeUnit.HOURS);
        ch.runScheduledPendingTasks();
        assertThat(drainInbound(ch, new ArrayList<>())).isEmpty();
        ch.finish();
        assertThat(drainInbound(ch, new ArrayList<>())).containsExactly("ERROR 400 incomplete_request");
    }
}
