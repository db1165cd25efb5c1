package io.strait.core.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strait.core.accesslog.AccessLog;
import io.strait.core.accesslog.AccessLogs;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.StraitConfig;
import io.strait.core.stats.AccessLogStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.RecordedRequest;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end on epoll: two listeners write access logs (text and JSON) to files in a temp directory while requests
 * go through to a {@link TestUpstream}; each test finds its requests' lines by a unique path and checks their fields:
 * proxied requests, local replies (404 NR, 502 UF, 504 UT), a client that went away (DC), escaping, log rotation by
 * rename, and a full ring (writer paused) that drops and counts without slowing a request, then drains on close.
 */
class AccessLogIntegrationTest {

    /** Envoy's default text format, parsed back: every field a group. */
    private static final Pattern TEXT = Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z)] "
        + "\"(\\S+) (\\S+) (\\S+)\" (\\d+) (\\S+) (\\d+) (\\d+) (\\d+) (\\S+) \"((?:[^\"\\\\]|\\\\.)*)\" "
        + "\"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\" "
        + "\"((?:[^\"\\\\]|\\\\.)*)\"$");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
        + "[0-9a-f]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: text
            address: 127.0.0.1:0
            access_log: { path: ${file:access.log} }
            # The client's x-request-id is kept here so the log's handling of a client-chosen id (escaping) shows;
            # the edge default (replaced) and its log line are ForwardingIntegrationTest's.
            preserve_external_request_id: true
            virtual_hosts:
              - domains: [ api.test ]
                routes:
                  - { match: { prefix: /dead }, cluster: dead }
                  - { match: { prefix: /delay }, cluster: up, timeout: 300ms }
                  - { match: { prefix: / }, cluster: up }
          - name: json
            address: 127.0.0.1:0
            access_log: { path: ${file:access.json}, format: json }
            virtual_hosts:
              - domains: [ api.test ]
                routes:
                  - { match: { prefix: /dead }, cluster: dead }
                  - { match: { prefix: /delay }, cluster: up, timeout: 300ms }
                  - { match: { prefix: / }, cluster: up }
        clusters:
          - name: up
            endpoints: [ { address: 127.0.0.1:${upstream:up} } ]
          - name: dead
            endpoints: [ { address: 127.0.0.1:${port:dead} } ]
        """).upstreams("up");

    /** For the tests that start a proxy of their own on other files. */
    @TempDir
    static Path dir;
    private static TestUpstream up;
    private static int deadPort;
    private static Path textLog;
    private static Path jsonLog;

    @BeforeAll
    static void names() {
        up = proxy.upstream("up");
        deadPort = proxy.placeholderPort("port", "dead");
        textLog = proxy.file("access.log");
        jsonLog = proxy.file("access.json");
    }

    /** The extension's configuration with the log files replaced, for a proxy of a test's own. */
    private static StraitConfig config(final Path text, final Path json) {
        final String yaml = proxy.yaml().replace(textLog.toString(), text.toString())
            .replace(jsonLog.toString(), json.toString());
        final ConfigResult result = ConfigLoader.parse(yaml, "access-log.yaml");
        assertThat(result.errors()).isEmpty();
        return result.config();
    }

    private static RawHttpClient client(final String listener) throws IOException {
        return new RawHttpClient(proxy.port(listener));
    }

    private static List<String> lines(final Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
    }

    /** The parsed text line whose path is {@code path}, waiting for the writer (bounded). */
    private static Matcher textLine(final Path file, final String path) {
        final Matcher[] found = new Matcher[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (final String line : lines(file)) {
                final Matcher m = TEXT.matcher(line);
                assertThat(m.matches()).as("line %s", line).isTrue();
                if (m.group(3).equals(path)) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    @Test
    void proxiedRequestsAreLoggedWithTheForwardedRequestIdAndXff() throws Exception {
        try (RawHttpClient c = client("text")) {
            c.send(RawHttpClient.request("GET", "/ok/1?x=y", "api.test", "user-agent: test-agent/1",
                "x-request-id: given-id-1", "x-forwarded-for: 203.0.113.7"));
            assertThat(c.readResponse().status()).isEqualTo(200);
            c.send("POST /echo?t=2 HTTP/1.1\r\nhost: api.test\r\ncontent-length: 5\r\n\r\nhello");
            final RawResponse echo = c.readResponse();
            assertThat(echo.status()).isEqualTo(200);
        }
        final List<RecordedRequest> seen = up.requests();
        final RecordedRequest second = seen.stream().filter(r -> r.uri().equals("/echo?t=2")).findFirst().orElseThrow();

        final Matcher get = textLine(textLog, "/ok/1?x=y");
        assertThat(get.group(2)).isEqualTo("GET");
        assertThat(get.group(4)).isEqualTo("HTTP/1.1");
        assertThat(get.group(5)).isEqualTo("200");
        assertThat(get.group(6)).isEqualTo("-");
        assertThat(get.group(7)).isEqualTo("0");
        assertThat(Long.parseLong(get.group(8))).isEqualTo("hello from up\n".length());
        assertThat(get.group(10)).matches("\\d+");
        assertThat(get.group(11)).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(get.group(12)).isEqualTo("test-agent/1");
        assertThat(get.group(13)).isEqualTo("given-id-1");
        assertThat(get.group(14)).isEqualTo("api.test");
        assertThat(get.group(15)).isEqualTo("127.0.0.1:" + up.port());

        final Matcher post = textLine(textLog, "/echo?t=2");
        assertThat(post.group(2)).isEqualTo("POST");
        assertThat(post.group(5)).isEqualTo("200");
        assertThat(post.group(7)).isEqualTo("5");
        assertThat(post.group(8)).isEqualTo("5");
        assertThat(post.group(11)).isEqualTo("127.0.0.1");
        assertThat(post.group(12)).isEqualTo("-");
        assertThat(post.group(13)).matches(UUID).isEqualTo(second.header("x-request-id"));
    }

    @Test
    void localRepliesCarryEnvoysResponseFlags() throws Exception {
        try (RawHttpClient c = client("text")) {
            assertThat(c.get("/nowhere/3", "unknown.test").status()).isEqualTo(404);
            assertThat(c.get("/dead/4", "api.test").status()).isEqualTo(502);
            assertThat(c.get("/delay/3000?t=timeout", "api.test").status()).isEqualTo(504);
        }
        final Matcher noRoute = textLine(textLog, "/nowhere/3");
        assertThat(noRoute.group(5)).isEqualTo("404");
        assertThat(noRoute.group(6)).isEqualTo("NR");
        assertThat(noRoute.group(8)).isEqualTo("9");   // "no_route\n"
        assertThat(noRoute.group(13)).matches(UUID);
        assertThat(noRoute.group(15)).isEqualTo("-");

        final Matcher dead = textLine(textLog, "/dead/4");
        assertThat(dead.group(5)).isEqualTo("502");
        assertThat(dead.group(6)).isEqualTo("UF");
        assertThat(dead.group(10)).isEqualTo("-");
        assertThat(dead.group(15)).isEqualTo("127.0.0.1:" + deadPort);

        final Matcher timeout = textLine(textLog, "/delay/3000?t=timeout");
        assertThat(timeout.group(5)).isEqualTo("504");
        assertThat(timeout.group(6)).isEqualTo("UT");
        assertThat(Long.parseLong(timeout.group(9))).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aClientThatGoesAwayIsLoggedOnceWithDc() throws Exception {
        try (RawHttpClient c = client("text")) {
            c.send(RawHttpClient.request("GET", "/stall?t=5", "api.test"));
            await().atMost(WAIT).until(() -> up.requests().stream().anyMatch(r -> r.uri().equals("/stall?t=5")));
        }
        final Matcher gone = textLine(textLog, "/stall?t=5");
        assertThat(gone.group(5)).isEqualTo("0");
        assertThat(gone.group(6)).isEqualTo("DC");
        assertThat(lines(textLog).stream().filter(l -> l.contains(" /stall?t=5 ")).count()).isEqualTo(1);
    }

    @Test
    void anUpstreamThatDiesMidBodyIsUcNotDc() throws Exception {
        try (RawHttpClient c = client("text")) {
            c.send(RawHttpClient.request("GET", "/close-mid-body?t=10", "api.test"));
            assertThat(c.readUntilClose().length).isGreaterThan(0);
        }
        final Matcher cut = textLine(textLog, "/close-mid-body?t=10");
        assertThat(cut.group(5)).isEqualTo("200");
        assertThat(cut.group(6)).isEqualTo("UC");
        assertThat(cut.group(8)).isEqualTo("10");
    }

    @Test
    void headerBytesCannotBreakOrForgeALine() throws Exception {
        try (RawHttpClient c = client("text")) {
            c.send(RawHttpClient.request("GET", "/escape/6", "api.test",
                "user-agent: a\"b\\c\" \"forged", "x-request-id: \u00ff\u0080id"));
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        try (RawHttpClient c = client("text")) {
            // A head the codec refuses after reading it (400, no request handed over) is logged with its request line.
            c.send("POST /escape/7 HTTP/1.1\r\nhost: api.test\r\ncontent-length: 3\r\n"
                + "transfer-encoding: chunked\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(400);
        }
        try (RawHttpClient c = client("text")) {
            // One refused while it was scanned (bad header name) has no request line to log: dashes.
            c.send("GET /escape/8 HTTP/1.1\r\nhost: api.test\r\nbad name: x\r\n\r\n");
            assertThat(c.readResponse().status()).isEqualTo(400);
        }
        await().atMost(WAIT).until(() -> lines(textLog).stream().anyMatch(l -> l.contains("\"- - -\" 400 DPE ")));
        final Matcher refused = textLine(textLog, "/escape/7");
        assertThat(refused.group(2)).isEqualTo("POST");
        assertThat(refused.group(4)).isEqualTo("HTTP/1.1");
        assertThat(refused.group(5)).isEqualTo("400");
        assertThat(refused.group(6)).isEqualTo("DPE");
        final Matcher m = textLine(textLog, "/escape/6");
        assertThat(m.group(12)).isEqualTo("a\\\"b\\\\c\\\" \\\"forged");
        assertThat(m.group(13)).isEqualTo("\\xff\\x80id");
        for (final String line : lines(textLog)) {
            assertThat(TEXT.matcher(line).matches()).as(line).isTrue();
        }
    }

    @Test
    void jsonLinesParseWithEnvoysKeys() throws Exception {
        try (RawHttpClient c = client("json")) {
            assertThat(c.get("/json/8", "api.test").status()).isEqualTo(200);
            c.send(RawHttpClient.request("GET", "/json/9", "unknown.test", "user-agent: q\"uote\\"));
            assertThat(c.readResponse().status()).isEqualTo(404);
        }
        final List<JsonNode> nodes = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            nodes.clear();
            for (final String line : lines(jsonLog)) {
                nodes.add(JSON.readTree(line));
            }
            return nodes.stream().filter(n -> n.get("path").asText().startsWith("/json/")).count() == 2;
        });
        final JsonNode ok = nodes.stream().filter(n -> n.get("path").asText().equals("/json/8")).findFirst()
            .orElseThrow();
        assertThat(ok.get("method").asText()).isEqualTo("GET");
        assertThat(ok.get("protocol").asText()).isEqualTo("HTTP/1.1");
        assertThat(ok.get("response_code").asInt()).isEqualTo(200);
        assertThat(ok.get("response_flags").asText()).isEqualTo("-");
        assertThat(ok.get("bytes_sent").asLong()).isEqualTo("hello from up\n".length());
        assertThat(ok.get("upstream_service_time").isNumber()).isTrue();
        assertThat(ok.get("upstream_host").asText()).isEqualTo("127.0.0.1:" + up.port());
        assertThat(ok.get("request_id").asText()).matches(UUID);
        assertThat(ok.get("x_forwarded_for").asText()).isEqualTo("127.0.0.1");
        assertThat(ok.get("authority").asText()).isEqualTo("api.test");
        final JsonNode nr = nodes.stream().filter(n -> n.get("path").asText().equals("/json/9")).findFirst()
            .orElseThrow();
        assertThat(nr.get("response_code").asInt()).isEqualTo(404);
        assertThat(nr.get("response_flags").asText()).isEqualTo("NR");
        assertThat(nr.get("user_agent").asText()).isEqualTo("q\"uote\\");
        assertThat(nr.get("upstream_host").isNull()).isTrue();
        assertThat(nr.get("upstream_service_time").isNull()).isTrue();
    }

    @Test
    void aMovedFileIsReopenedAndNewLinesGoToTheNewFile() throws Exception {
        final Path rotatedDir = Files.createDirectories(dir.resolve("rotated"));
        final Path logFile = rotatedDir.resolve("rot.log");
        final Path moved = rotatedDir.resolve("rot.log.1");
        try (ProxyServer s = ProxyServer.start(config(logFile, rotatedDir.resolve("rot.json")));
             RawHttpClient c = new RawHttpClient(s.boundAddress("text").getPort())) {
            assertThat(c.get("/before-rotation", "api.test").status()).isEqualTo(200);
            textLine(logFile, "/before-rotation");
            Files.move(logFile, moved);
            final long reopens = s.accessLogs().all().values().iterator().next().stats()
                .value(AccessLogStat.REOPEN);
            // The writer notices within about a second; requests meanwhile still land in the moved file.
            await().atMost(WAIT).until(() -> Files.exists(logFile));
            assertThat(c.get("/after-rotation", "api.test").status()).isEqualTo(200);
            textLine(logFile, "/after-rotation");
            assertThat(lines(moved)).anyMatch(l -> l.contains("/before-rotation"))
                .noneMatch(l -> l.contains("/after-rotation"));
            assertThat(lines(logFile)).noneMatch(l -> l.contains("/before-rotation"));
            assertThat(s.accessLogs().all().values().iterator().next().stats().value(AccessLogStat.REOPEN))
                .isGreaterThan(reopens);
        }
    }

    @Test
    void aFullRingDropsAndCountsWithoutBlockingAndCloseDrainsTheRest() throws Exception {
        final Path small = Files.createDirectories(dir.resolve("small"));
        final Path logFile = small.resolve("full.log");
        final int requests = 300;
        final AccessLog log;
        final long before;
        try (ProxyServer s = ProxyServer.start(config(logFile, small.resolve("full.json")),
                new AccessLogs.Options(8192, true))) {
            log = s.accessLogs().all().values().stream()
                .filter(l -> l.path().endsWith("full.log")).findFirst().orElseThrow();
            before = log.stats().value(AccessLogStat.DROPPED);
            try (RawHttpClient c = new RawHttpClient(s.boundAddress("text").getPort())) {
                for (int i = 0; i < requests; i++) {
                    assertThat(c.get("/fill/" + i, "api.test").status()).isEqualTo(200);
                }
            }
            assertThat(lines(logFile)).isEmpty();   // the writer is paused
        }
        // An 8 KiB ring holds a few dozen records: the rest were dropped, each request answered all the same. (Read
        // after the close: the last record is offered just after its response went out.)
        final long dropped = log.stats().value(AccessLogStat.DROPPED) - before;
        assertThat(dropped).isBetween(1L, (long) requests - 1);
        // Closing the server drained the ring into the file: exactly the records that were not dropped.
        final List<String> written = lines(logFile);
        assertThat(written).hasSize((int) (requests - dropped));
        assertThat(written.get(0)).contains("\"GET /fill/0 HTTP/1.1\" 200 ");
        for (final String line : written) {
            assertThat(TEXT.matcher(line).matches()).as(line).isTrue();
        }
    }
}
