package io.strait.core.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.EOFException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class TestUpstreamIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    static final UpstreamServerExtension UP = new UpstreamServerExtension("a");

    private static RawHttpClient client() throws Exception {
        return new RawHttpClient(UP.port());
    }

    @Test
    void defaultResponseAndRecordedRequest() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("GET /anything?x=1 HTTP/1.1\r\nHost: up\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n");
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.reason()).isEqualTo("OK");
            assertThat(r.version()).isEqualTo("HTTP/1.1");
            assertThat(r.header("X-Upstream")).isEqualTo("a");
            assertThat(r.header("content-type")).isEqualTo("text/plain");
            assertThat(r.header("content-length")).isEqualTo("13");
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CONTENT_LENGTH);
            assertThat(r.bodyAsString()).isEqualTo("hello from a\n");
            assertThat(r.rawHead()).isEqualTo("HTTP/1.1 200 OK\r\nx-upstream: a\r\ncontent-type: text/plain\r\n"
                + "content-length: 13\r\n\r\n");
        }
        final RecordedRequest req = UP.takeRequest(WAIT);
        assertThat(req).isNotNull();
        assertThat(req.method()).isEqualTo("GET");
        assertThat(req.uri()).isEqualTo("/anything?x=1");
        assertThat(req.path()).isEqualTo("/anything");
        assertThat(req.version()).isEqualTo("HTTP/1.1");
        assertThat(req.headers()).containsExactly(new HeaderField("Host", "up"), new HeaderField("X-Dup", "1"),
            new HeaderField("x-dup", "2"));
        assertThat(req.headers("x-dup")).containsExactly("1", "2");
        assertThat(req.header("host")).isEqualTo("up");
        assertThat(req.rawHead()).isEqualTo("GET /anything?x=1 HTTP/1.1\r\nHost: up\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n");
        assertThat(req.body()).isEmpty();
        assertThat(req.complete()).isTrue();
        assertThat(UP.requestCount()).isEqualTo(1);
        assertThat(UP.connectionCount()).isEqualTo(1);
        assertThat(UP.requests()).containsExactly(req);
    }

    @Test
    void settableDefaults() throws Exception {
        UP.upstream().defaultStatus(503).defaultBody("nope").defaultHeader("retry-after", "1");
        try (RawHttpClient c = client()) {
            final RawResponse r = c.get("/", "up");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.reason()).isEqualTo("Service Unavailable");
            assertThat(r.header("retry-after")).isEqualTo("1");
            assertThat(r.bodyAsString()).isEqualTo("nope");
        }
        UP.upstream().reset();
        try (RawHttpClient c = client()) {
            assertThat(c.get("/", "up").status()).isEqualTo(200);
        }
    }

    @Test
    void defaultDelayAndCloseAfterResponse() throws Exception {
        UP.upstream().defaultDelay(Duration.ofMillis(150)).closeAfterResponse(true);
        try (RawHttpClient c = client()) {
            final long start = System.nanoTime();
            final RawResponse r = c.get("/", "up");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(c.isClosedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void echoWithContentLength() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("POST /echo?q=1 HTTP/1.1\r\nhost: up\r\ncontent-length: 11\r\n\r\nhello world");
            final RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CONTENT_LENGTH);
            assertThat(r.bodyAsString()).isEqualTo("hello world");
            assertThat(r.header("x-echo-method")).isEqualTo("POST");
            assertThat(r.header("x-echo-uri")).isEqualTo("/echo?q=1");
        }
        final RecordedRequest req = UP.takeRequest(WAIT);
        assertThat(req.bodyAsString()).isEqualTo("hello world");
        assertThat(req.bodyLength()).isEqualTo(11);
    }

    @Test
    void echoChunkedThenPipelinedRequestKeepsExactHeads() throws Exception {
        final String chunked = "POST /echo HTTP/1.1\r\nhost: up\r\ntransfer-encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: t\r\n\r\n";
        final String next = "GET /second HTTP/1.1\r\nhost: up\r\n\r\n";
        try (RawHttpClient c = client()) {
            c.send(chunked + next);
            final RawResponse r = c.readResponse();
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(r.bodyAsString()).isEqualTo("hello world");
            assertThat(c.readResponse().bodyAsString()).isEqualTo("hello from a\n");
        }
        final RecordedRequest first = UP.takeRequest(WAIT);
        final RecordedRequest second = UP.takeRequest(WAIT);
        assertThat(first.rawHead()).isEqualTo("POST /echo HTTP/1.1\r\nhost: up\r\ntransfer-encoding: chunked\r\n\r\n");
        assertThat(first.bodyAsString()).isEqualTo("hello world");
        assertThat(second.rawHead()).isEqualTo(next);
        assertThat(second.connectionId()).isEqualTo(first.connectionId());
    }

    @Test
    void emptyChunkedEcho() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("POST /echo HTTP/1.1\r\nhost: up\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n");
            final RawResponse r = c.readResponse();
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void statusCodes() throws Exception {
        try (RawHttpClient c = client()) {
            final RawResponse notFound = c.get("/status/404", "up");
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.reason()).isEqualTo("Not Found");
            assertThat(notFound.bodyAsString()).isEqualTo("status 404\n");
            for (final int code : new int[] {204, 304}) {
                final RawResponse r = c.get("/status/" + code, "up");
                assertThat(r.status()).isEqualTo(code);
                assertThat(r.framing()).isEqualTo(RawResponse.Framing.NONE);
                assertThat(r.header("content-length")).isNull();
                assertThat(r.header("transfer-encoding")).isNull();
            }
            assertThat(c.get("/status/599", "up").status()).isEqualTo(599);
        }
    }

    @Test
    void bytesWithContentLengthAndChunked() throws Exception {
        try (RawHttpClient c = client()) {
            final RawResponse cl = c.get("/bytes/100000", "up");
            assertThat(cl.framing()).isEqualTo(RawResponse.Framing.CONTENT_LENGTH);
            assertThat(cl.header("content-length")).isEqualTo("100000");
            assertPattern(cl.body(), 100000);
            final RawResponse ch = c.get("/bytes/100000?chunked=1", "up");
            assertThat(ch.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertPattern(ch.body(), 100000);
            final RawResponse empty = c.get("/bytes/0", "up");
            assertThat(empty.header("content-length")).isEqualTo("0");
            assertThat(empty.body()).isEmpty();
        }
    }

    @Test
    void largeBytesStreamWhileTheReaderIsSlow() throws Exception {
        final int n = 8 * 1024 * 1024;
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/bytes/" + n, "up"));
            // the upstream fills the socket buffers and must wait for writability; the client reads only later
            await().atMost(WAIT).until(() -> UP.requests().size() == 1);
            final RawResponse r = c.readResponse();
            assertPattern(r.body(), n);
            assertThat(c.get("/", "up").status()).isEqualTo(200);
        }
    }

    @Test
    void delayAnswersLater() throws Exception {
        try (RawHttpClient c = client()) {
            final long start = System.nanoTime();
            final RawResponse r = c.get("/delay/200", "up");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(r.bodyAsString()).isEqualTo("hello from a\n");
        }
    }

    @Test
    void stallNeverAnswers() throws Exception {
        try (RawHttpClient c = new RawHttpClient(UP.port(), Duration.ofMillis(300))) {
            c.send(RawHttpClient.request("GET", "/stall", "up"));
            assertThatThrownBy(c::readResponse).isInstanceOf(SocketTimeoutException.class);
            assertThat(c.isClosedByPeer(Duration.ofMillis(100))).isFalse();
        }
        assertThat(UP.takeRequest(WAIT).path()).isEqualTo("/stall");
    }

    @Test
    void closeMidBody() throws Exception {
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/close-mid-body", "up"));
            final byte[] raw = c.readUntilClose();
            assertThat(new String(raw, StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200 OK\r\nx-upstream: a\r\n"
                + "content-type: text/plain\r\ncontent-length: 1000\r\n\r\n0123456789");
        }
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/close-mid-body", "up"));
            assertThatThrownBy(c::readResponse).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void closeBeforeResponse() throws Exception {
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/close-before-response", "up"));
            assertThat(c.isClosedByPeer(WAIT)).isTrue();
            assertThat(c.readUntilClose()).isEmpty();
        }
        final RecordedRequest req = UP.takeRequest(WAIT);
        assertThat(req.path()).isEqualTo("/close-before-response");
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "cl-te", "bad-chunk", "dup-cl", "obs-fold", "bare-lf", "no-status", "huge-head"})
    void malformedKindsWriteExactlyTheirBytesThenClose(final String kind) throws Exception {
        final byte[] expected = TestUpstream.malformedResponse(kind);
        assertThat(expected).isNotNull();
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/malformed/" + kind, "up"));
            assertThat(c.readUntilClose()).isEqualTo(expected);
        }
        if (!kind.equals("huge-head")) {
            try (RawHttpClient c = client()) {
                c.send(RawHttpClient.request("GET", "/malformed/" + kind, "up"));
                assertThatThrownBy(c::readResponse).isInstanceOf(ProtocolException.class);
            }
        }
    }

    @Test
    void malformedBytesAreWhatTheirNamesSay() {
        assertThat(text("garbage")).doesNotStartWith("HTTP/");
        assertThat(text("cl-te")).contains("\r\ncontent-length: 5\r\n").contains("\r\ntransfer-encoding: chunked\r\n");
        assertThat(text("bad-chunk")).contains("\r\n\r\nzz\r\n");
        assertThat(text("dup-cl")).contains("content-length: 5\r\ncontent-length: 6\r\n");
        assertThat(text("obs-fold")).contains("\r\n second\r\n");
        assertThat(text("bare-lf")).doesNotContain("\r");
        assertThat(text("no-status")).startsWith("HTTP/1.1 abc OK\r\n");
        assertThat(text("huge-head")).hasSizeGreaterThan(200 * 1024);
        assertThat(TestUpstream.MALFORMED_KINDS).allSatisfy(k -> assertThat(TestUpstream.malformedResponse(k))
            .isNotNull());
        assertThat(TestUpstream.malformedResponse("nope")).isNull();
    }

    @Test
    void hugeHeadIsReadableByTheClient() throws Exception {
        try (RawHttpClient c = client()) {
            final RawResponse r = c.get("/malformed/huge-head", "up");
            assertThat(r.header("x-huge")).hasSize(200 * 1024);
            assertThat(r.bodyAsString()).isEqualTo("hello");
        }
    }

    @Test
    void unknownMalformedKindIs404() throws Exception {
        try (RawHttpClient c = client()) {
            assertThat(c.get("/malformed/other", "up").status()).isEqualTo(404);
        }
    }

    @Test
    void earlyHintsThenFinal() throws Exception {
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/early-hints", "up"));
            final RawResponse hints = c.readResponse();
            assertThat(hints.status()).isEqualTo(103);
            assertThat(hints.isInterim()).isTrue();
            assertThat(hints.header("link")).isEqualTo("</style.css>; rel=preload; as=style");
            assertThat(hints.framing()).isEqualTo(RawResponse.Framing.NONE);
            final RawResponse last = c.readResponse();
            assertThat(last.status()).isEqualTo(200);
            c.send(RawHttpClient.request("GET", "/early-hints", "up"));
            assertThat(c.readFinalResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void slowReaderPausesAndCounts() throws Exception {
        final int n = 1024 * 1024;
        try (RawHttpClient c = client()) {
            final long start = System.nanoTime();
            c.send(("POST /slow-reader HTTP/1.1\r\nhost: up\r\ncontent-length: " + n + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            c.send(new byte[n]);
            final RawResponse r = c.readResponse();
            // at least n / (64 KiB + one 64 KiB decoder chunk) = 8 pauses of 20 ms happened
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
            assertThat(r.header("x-received-bytes")).isEqualTo(Integer.toString(n));
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void sinkCountsChunkedBody() throws Exception {
        final int chunk = 100_000;
        final int chunks = 30;
        try (RawHttpClient c = client()) {
            c.send("POST /sink HTTP/1.1\r\nhost: up\r\ntransfer-encoding: chunked\r\n\r\n");
            final byte[] data = new byte[chunk];
            for (int i = 0; i < chunks; i++) {
                c.send(Integer.toHexString(chunk) + "\r\n");
                c.send(data);
                c.send("\r\n");
            }
            c.send("0\r\n\r\n");
            final RawResponse r = c.readResponse();
            assertThat(r.header("x-received-bytes")).isEqualTo(Integer.toString(chunk * chunks));
        }
        assertThat(UP.takeRequest(WAIT).bodyLength()).isEqualTo((long) chunk * chunks);
    }

    @Test
    void headersListsWhatArrived() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("GET /headers HTTP/1.1\r\nHost: up\r\nConnection: keep-alive\r\nx-a: 1\r\nx-a: 2\r\n\r\n");
            assertThat(c.readResponse().bodyAsString())
                .isEqualTo("Host: up\nConnection: keep-alive\nx-a: 1\nx-a: 2\n");
        }
    }

    @Test
    void headGetsTheGetHeadWithoutBody() throws Exception {
        try (RawHttpClient c = client()) {
            final RawResponse r = c.head("/", "up");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-length")).isEqualTo("13");
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.NONE);
            final RawResponse bytes = c.head("/bytes/5000", "up");
            assertThat(bytes.header("content-length")).isEqualTo("5000");
            final RawResponse chunked = c.head("/bytes/5000?chunked=1", "up");
            assertThat(chunked.header("transfer-encoding")).isEqualTo("chunked");
            // nothing stray is left on the connection: the next GET reads cleanly
            assertThat(c.get("/", "up").bodyAsString()).isEqualTo("hello from a\n");
        }
    }

    @Test
    void pipelinedRequestsAnswerInOrder() throws Exception {
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/delay/100", "up")
                + "POST /echo HTTP/1.1\r\nhost: up\r\ncontent-length: 3\r\n\r\nabc"
                + RawHttpClient.request("GET", "/status/201", "up")
                + RawHttpClient.request("HEAD", "/bytes/10", "up")
                + RawHttpClient.request("GET", "/bytes/10", "up"));
            assertThat(c.readResponse().bodyAsString()).isEqualTo("hello from a\n");
            assertThat(c.readResponse().bodyAsString()).isEqualTo("abc");
            assertThat(c.readResponse().status()).isEqualTo(201);
            assertThat(c.readResponse(true).header("content-length")).isEqualTo("10");
            assertPattern(c.readResponse().body(), 10);
        }
        final List<RecordedRequest> reqs = UP.requests();
        assertThat(reqs).extracting(RecordedRequest::uri)
            .containsExactly("/delay/100", "/echo", "/status/201", "/bytes/10", "/bytes/10");
        assertThat(reqs).extracting(RecordedRequest::connectionId).containsOnly(reqs.get(0).connectionId());
        assertThat(UP.connectionCount()).isEqualTo(1);
    }

    @Test
    void keepAliveIsHonoured() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("GET / HTTP/1.0\r\n\r\n");
            assertThat(c.readResponse().header("connection")).isEqualTo("close");
            assertThat(c.isClosedByPeer(WAIT)).isTrue();
        }
        try (RawHttpClient c = client()) {
            c.send("GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n");
            assertThat(c.readResponse().header("connection")).isEqualTo("keep-alive");
            assertThat(c.isClosedByPeer(Duration.ofMillis(100))).isFalse();
            c.send(RawHttpClient.request("GET", "/", "up", "connection: close"));
            assertThat(c.readResponse().header("connection")).isEqualTo("close");
            assertThat(c.isClosedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void halfCloseStillGetsTheResponsesThenClose() throws Exception {
        try (RawHttpClient c = client()) {
            c.send(RawHttpClient.request("GET", "/delay/50", "up") + RawHttpClient.request("GET", "/", "up"));
            c.shutdownOutput();
            assertThat(c.readResponse().status()).isEqualTo(200);
            assertThat(c.readResponse().status()).isEqualTo(200);
            assertThat(c.isClosedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void expectContinue() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("POST /echo HTTP/1.1\r\nhost: up\r\nexpect: 100-continue\r\ncontent-length: 2\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(100);
            c.send("ok");
            assertThat(c.readResponse().bodyAsString()).isEqualTo("ok");
        }
    }

    @Test
    void countsConnectionsAndClosesThem() throws Exception {
        try (RawHttpClient a = client(); RawHttpClient b = client()) {
            a.get("/", "up");
            b.get("/", "up");
            assertThat(UP.connectionCount()).isEqualTo(2);
            assertThat(UP.requestCount()).isEqualTo(2);
            // connections of earlier tests may still be closing on the server side
            await().atMost(WAIT).until(() -> UP.activeConnectionCount() == 2);
            UP.upstream().closeConnections();
            assertThat(a.isClosedByPeer(WAIT)).isTrue();
            assertThat(b.isClosedByPeer(WAIT)).isTrue();
            await().atMost(WAIT).until(() -> UP.activeConnectionCount() == 0);
        }
    }

    @Test
    void badRequestGets400AndClose() throws Exception {
        try (RawHttpClient c = client()) {
            c.send("GET / HTTP/1.1\r\nhost: up\r\ncontent-length: nope\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(400);
            assertThat(c.isClosedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    void takeRequestTimesOutWithNull() {
        assertThat(UP.takeRequest(Duration.ofMillis(50))).isNull();
    }

    @Test
    void pathOfHandlesAbsoluteForm() {
        assertThat(TestUpstream.pathOf("http://host:80/a/b?c=d")).isEqualTo("/a/b");
        assertThat(TestUpstream.pathOf("http://host")).isEqualTo("/");
        assertThat(TestUpstream.pathOf("/x?y")).isEqualTo("/x");
    }

    private static String text(final String kind) {
        return new String(TestUpstream.malformedResponse(kind), StandardCharsets.ISO_8859_1);
    }

    private static void assertPattern(final byte[] body, final int n) {
        assertThat(body).hasSize(n);
        for (int i = 0; i < n; i++) {
            if (body[i] != TestUpstream.patternByte(i)) {
                throw new AssertionError("byte " + i + " is " + body[i] + ", expected " + TestUpstream.patternByte(i));
            }
        }
    }
}
