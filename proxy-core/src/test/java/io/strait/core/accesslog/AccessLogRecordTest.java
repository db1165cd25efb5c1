package io.strait.core.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;
import io.strait.lb.Host;
import io.strait.tls.PeerIdentity;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The record encoder and the line formatter together: a request head built the way the HTTP/1.1 codec builds it
 * (offsets into its original bytes) is encoded into a real ring, read back and formatted, and the line compared.
 */
class AccessLogRecordTest {

    private static final long START = Instant.parse("2026-03-04T05:06:07.089Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteBuffer memory = ByteBuffer.allocateDirect((1 << 16) + RingBufferDescriptor.TRAILER_LENGTH);
    private final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(memory));
    private final ByteBuf view = Unpooled.wrappedBuffer(memory);
    private final List<HttpRequestHead> heads = new ArrayList<>();

    @AfterEach
    void release() {
        heads.forEach(HttpRequestHead::release);
    }

    /** A head over {@code raw} bytes (request line, header lines, blank line), offsets as the codec records them. */
    private HttpRequestHead head(final String raw) {
        final byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        final ByteBuf buf = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        final HttpRequestHead h = new HttpRequestHead();
        heads.add(h);
        final int sp1 = raw.indexOf(' ');
        final int sp2 = raw.indexOf(' ', sp1 + 1);
        final int version = raw.startsWith("HTTP/1.0", sp2 + 1) ? HttpRequestHead.VERSION_1_0
            : HttpRequestHead.VERSION_1_1;
        h.reset(buf, HttpMethods.of(buf, 0, sp1), version);
        h.pathOffsets(sp1 + 1, sp2);
        int line = raw.indexOf("\r\n") + 2;
        while (!raw.startsWith("\r\n", line)) {
            final int end = raw.indexOf("\r\n", line);
            final int colon = raw.indexOf(':', line);
            int vs = colon + 1;
            while (raw.charAt(vs) == ' ') {
                vs++;
            }
            final int i = h.headers().addWire(line, colon, vs, end);
            if (raw.regionMatches(true, line, "host", 0, 4) && colon - line == 4) {
                h.hostIndex(i);
            }
            line = end + 2;
        }
        return h;
    }

    private static AccessLogEntry entry(final HttpRequestHead head) {
        final AccessLogEntry e = new AccessLogEntry();
        e.begin(head, 1_000_000_000L);
        e.clientIp = new AsciiString("10.0.0.9");
        return e;
    }

    /** Encodes at 12.5 ms after the start, then formats every record in the ring. */
    private List<String> roundTrip(final AccessLogEntry e, final int format) {
        assertThat(AccessLogRecord.encode(ring, view, e, format, e.startNanos + 12_500_000L, START + 12))
            .isTrue();
        final List<String> lines = new ArrayList<>();
        final byte[] out = new byte[2 * AccessLogFormatter.MAX_LINE];
        ring.read((type, buffer, index, length) -> {
            final int end = AccessLogFormatter.format(buffer, index, length, type, out, 0);
            lines.add(new String(out, 0, end, StandardCharsets.ISO_8859_1));
        });
        return lines;
    }

    @Test
    void aProxiedRequestInEnvoysDefaultFormat() {
        final HttpRequestHead h = head("GET /api/v1?q=1 HTTP/1.1\r\nHost: api.test\r\nUser-Agent: curl/8.0\r\n"
            + "X-Request-Id: rid-1\r\n\r\n");
        h.headers().add(AsciiString.of("x-forwarded-for"), AsciiString.of("10.0.0.9"));
        final AccessLogEntry e = entry(h);
        e.forwarded = true;
        e.status = 200;
        e.bytesReceived = 0;
        e.bytesSent = 1234;
        e.upstreamServiceNanos = 7_900_000L;
        e.host = new Host(new InetSocketAddress("127.0.0.1", 8081), 1);
        assertThat(roundTrip(e, AccessLogRecord.TEXT)).containsExactly(
            "[2026-03-04T05:06:07.089Z] \"GET /api/v1?q=1 HTTP/1.1\" 200 - 0 1234 12 7 \"10.0.0.9\" \"curl/8.0\" "
                + "\"rid-1\" \"api.test\" \"127.0.0.1:8081\"\n");
    }

    @Test
    void aLocalReplyLogsDashesTheClientAppendedToItsXffAndTheGeneratedId() {
        final HttpRequestHead h = head("POST /nowhere HTTP/1.0\r\nX-Forwarded-For: 1.2.3.4\r\nhost: x\r\n\r\n");
        final AccessLogEntry e = entry(h);
        e.status = 404;
        e.flags = ResponseFlags.NR;
        e.bytesReceived = 5;
        e.bytesSent = 9;
        e.requestId = AsciiString.of("generated");
        assertThat(roundTrip(e, AccessLogRecord.TEXT)).containsExactly(
            "[2026-03-04T05:06:07.089Z] \"POST /nowhere HTTP/1.0\" 404 NR 5 9 12 - \"1.2.3.4, 10.0.0.9\" \"-\" "
                + "\"generated\" \"x\" \"-\"\n");
    }

    @Test
    void noRequestLineLogsOnlyWhatIsKnown() {
        final AccessLogEntry e = entry(null);
        e.status = 400;
        e.flags = ResponseFlags.DPE | ResponseFlags.DC;
        assertThat(roundTrip(e, AccessLogRecord.TEXT)).containsExactly(
            "[2026-03-04T05:06:07.089Z] \"- - -\" 400 DC,DPE 0 0 12 - \"10.0.0.9\" \"-\" \"-\" \"-\" \"-\"\n");
    }

    @Test
    void textEscapesQuotesBackslashesControlAndHighBytesSoALineCannotBeForged() {
        final HttpRequestHead h = head("GET /a HTTP/1.1\r\nhost: h\r\n\r\n");
        // Values an HTTP/2 codec or a route edit could hand over: CR, LF, quote, backslash, NUL, 0xFF.
        h.headers().add(AsciiString.of("user-agent"),
            new AsciiString("evil\r\n[2026] \"GET /forged\" \\ \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1),
                false));
        final List<String> lines = roundTrip(entry(h), AccessLogRecord.TEXT);
        assertThat(lines).hasSize(1);
        final String line = lines.get(0);
        assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
        assertThat(line).doesNotContain("\r").contains(
            "\"evil\\x0d\\x0a[2026] \\\"GET /forged\\\" \\\\ \\x00\\xff\"");
        // Every quote that is not escaped delimits one of the six quoted fields.
        assertThat(line.replace("\\\\", "").replace("\\\"", "").chars().filter(c -> c == '"').count())
            .isEqualTo(12);
    }

    @Test
    void jsonHasEnvoysKeysEscapesAndParses() throws Exception {
        final HttpRequestHead h = head("PUT /j?x=\"1\" HTTP/1.1\r\nHost: j.test\r\n\r\n");
        h.headers().add(AsciiString.of("user-agent"),
            new AsciiString("a\"b\\c\nd\u00e9".getBytes(StandardCharsets.ISO_8859_1), false));
        final AccessLogEntry e = entry(h);
        e.status = 503;
        e.flags = ResponseFlags.UO;
        e.bytesReceived = 3;
        e.bytesSent = 21;
        final List<String> lines = roundTrip(e, AccessLogRecord.JSON);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).endsWith("}\n").doesNotContain("\r").hasLineCount(1);
        final JsonNode n = JSON.readTree(lines.get(0));
        assertThat(n.get("start_time").asText()).isEqualTo("2026-03-04T05:06:07.089Z");
        assertThat(n.get("method").asText()).isEqualTo("PUT");
        assertThat(n.get("path").asText()).isEqualTo("/j?x=\"1\"");
        assertThat(n.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(n.get("response_code").asInt()).isEqualTo(503);
        assertThat(n.get("response_flags").asText()).isEqualTo("UO");
        assertThat(n.get("bytes_received").asLong()).isEqualTo(3);
        assertThat(n.get("bytes_sent").asLong()).isEqualTo(21);
        assertThat(n.get("duration").asLong()).isEqualTo(12);
        assertThat(n.get("upstream_service_time").isNull()).isTrue();
        assertThat(n.get("x_forwarded_for").asText()).isEqualTo("10.0.0.9");
        assertThat(n.get("user_agent").asText()).isEqualTo("a\"b\\c\nd\u00e9");
        assertThat(n.get("request_id").isNull()).isTrue();
        assertThat(n.get("authority").asText()).isEqualTo("j.test");
        assertThat(n.get("upstream_host").isNull()).isTrue();
        assertThat(n.get("downstream_peer_uri_san").isNull()).as("no client certificate").isTrue();
    }

    @Test
    void thePeersUriSansAreTheLastTextFieldOnMtlsListenersAndAJsonKey() throws Exception {
        final PeerIdentity peer = new PeerIdentity(PeerIdentity.Kind.SPIFFE, "spiffe://example.org/ns/a/sa/b", "CN=b",
            List.of("spiffe://example.org/ns/a/sa/b", "urn:x"), List.of("b.test"), "", List.of());
        final AccessLogEntry e = entry(head("GET /p HTTP/1.1\r\nHost: p.test\r\n\r\n"));
        e.status = 200;
        e.peer = peer;
        assertThat(roundTrip(e, AccessLogRecord.TEXT_PEER).get(0))
            .endsWith("\"p.test\" \"-\" \"spiffe://example.org/ns/a/sa/b,urn:x\"\n");
        assertThat(roundTrip(e, AccessLogRecord.TEXT).get(0)).as("Envoy's default format: no peer field")
            .endsWith("\"p.test\" \"-\"\n");
        final JsonNode n = JSON.readTree(roundTrip(e, AccessLogRecord.JSON).get(0));
        assertThat(n.get("downstream_peer_uri_san").asText()).isEqualTo("spiffe://example.org/ns/a/sa/b,urn:x");

        e.peer = null;
        assertThat(roundTrip(e, AccessLogRecord.TEXT_PEER).get(0)).as("no client certificate")
            .endsWith("\"p.test\" \"-\" \"-\"\n");
    }

    @Test
    void longFieldsAreTruncatedAtTheirCapsNeverRefused() {
        final String longPath = "/" + "p".repeat(5000);
        final String longAgent = "u".repeat(1000);
        final HttpRequestHead h = head("GET " + longPath + " HTTP/1.1\r\nhost: h\r\nuser-agent: " + longAgent
            + "\r\n\r\n");
        final List<String> lines = roundTrip(entry(h), AccessLogRecord.TEXT);
        assertThat(lines.get(0)).contains("\"GET " + longPath.substring(0, AccessLogRecord.PATH_CAP) + " HTTP/1.1\"")
            .contains(" \"" + longAgent.substring(0, AccessLogRecord.FIELD_CAP) + "\" ");
    }

    @Test
    void headersOfTheSameLengthAsTheLoggedOnesAreNotTakenForThem() {
        final HttpRequestHead h = head("GET /same HTTP/1.1\r\nAccept-Encoding: gzip\r\nContent-Type: a/b\r\n"
            + "Connection: keep-alive\r\nX-Forwarded-Fox: no\r\nX-REQUEST-ID: Upper-Case-Id\r\n"
            + "USER-AGENT: loud\r\nhost: h\r\n\r\n");
        assertThat(roundTrip(entry(h), AccessLogRecord.TEXT).get(0))
            .endsWith("\"10.0.0.9\" \"loud\" \"Upper-Case-Id\" \"h\" \"-\"\n");
    }

    @Test
    void aRewrittenPathIsLoggedAsTheClientSentIt() {
        final HttpRequestHead h = head("GET /old/x HTTP/1.1\r\nhost: h\r\n\r\n");
        h.path(AsciiString.of("/new/x"));
        assertThat(roundTrip(entry(h), AccessLogRecord.TEXT).get(0)).contains("\"GET /old/x HTTP/1.1\"");
    }

    @Test
    void aFullRingRefusesWithoutBlockingAndKeepsWhatItHas() {
        final HttpRequestHead h = head("GET /fill HTTP/1.1\r\nhost: h\r\n\r\n");
        final AccessLogEntry e = entry(h);
        int accepted = 0;
        for (int i = 0; i < 100_000 && AccessLogRecord.encode(ring, view, e, AccessLogRecord.TEXT, 0, 0); i++) {
            accepted++;
        }
        assertThat(accepted).isBetween(10, 99_999);
        assertThat(AccessLogRecord.encode(ring, view, e, AccessLogRecord.TEXT, 0, 0)).isFalse();
        final int[] read = {0};
        while (ring.read((t, b, i, l) -> read[0]++) > 0) {
            assertThat(read[0]).isLessThanOrEqualTo(accepted);
        }
        assertThat(read[0]).isEqualTo(accepted);
    }

    @Test
    void isoTimeAndDecimals() {
        final byte[] out = new byte[64];
        int end = AccessLogFormatter.isoTime(Instant.parse("1999-12-31T23:59:59.999Z").toEpochMilli(), out, 0);
        assertThat(new String(out, 0, end, StandardCharsets.US_ASCII)).isEqualTo("1999-12-31T23:59:59.999Z");
        end = AccessLogFormatter.isoTime(Instant.parse("2024-02-29T00:00:00.000Z").toEpochMilli(), out, 0);
        assertThat(new String(out, 0, end, StandardCharsets.US_ASCII)).isEqualTo("2024-02-29T00:00:00.000Z");
        end = AccessLogFormatter.decimal(Long.MAX_VALUE, out, 0);
        assertThat(new String(out, 0, end, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(Long.MAX_VALUE));
        end = AccessLogFormatter.decimal(0, out, 0);
        assertThat(new String(out, 0, end, StandardCharsets.US_ASCII)).isEqualTo("0");
    }

    @Test
    void responseFlagsOfLocalReplies() {
        assertThat(ResponseFlags.toString(ResponseFlags.ofLocalReply("no_route"))).isEqualTo("NR");
        assertThat(ResponseFlags.toString(ResponseFlags.ofLocalReply("upstream_connect_failure"))).isEqualTo("UF");
        assertThat(ResponseFlags.toString(ResponseFlags.ofLocalReply("request_timeout"))).isEqualTo("UT");
        assertThat(ResponseFlags.toString(ResponseFlags.ofLocalReply("upstream_cx_overflow"))).isEqualTo("UO");
        assertThat(ResponseFlags.toString(ResponseFlags.ofLocalReply("no_healthy_upstream"))).isEqualTo("UH");
        assertThat(ResponseFlags.toString(ResponseFlags.ofLocalReply("overloaded"))).isEqualTo("OM");
        assertThat(ResponseFlags.toString(ResponseFlags.ofLocalReply("upstream_rq_overflow"))).isEqualTo("UO");
        assertThat(ResponseFlags.toString(ResponseFlags.ofLocalReply("something_else"))).isEqualTo("-");
    }
}
