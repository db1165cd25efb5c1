package io.strait.core.server;

import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.RecordedRequest;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end on epoll over loopback, one listener per forwarding policy in front of real upstreams: what reaches the
 * upstream of a client's X-Forwarded-Proto, X-Forwarded-For and x-request-id on an edge listener (the defaults),
 * with {@code preserve_external_request_id}, behind a trusted proxy ({@code use_remote_address: false}) and with a
 * trusted hop in front ({@code xff_num_trusted_hops: 1}, whose trusted client address drives a source_ip hash);
 * and what the access log and route matching see.
 */
class ForwardingIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
        + "[0-9a-f]{12}");
    /** Envoy's default text format, parsed back: every field a group (as in AccessLogIntegrationTest). */
    private static final Pattern TEXT = Pattern.compile("^\\[(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z)] "
        + "\"(\\S+) (\\S+) (\\S+)\" (\\d+) (\\S+) (\\d+) (\\d+) (\\d+) (\\S+) \"((?:[^\"\\\\]|\\\\.)*)\" "
        + "\"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\" \"((?:[^\"\\\\]|\\\\.)*)\" "
        + "\"((?:[^\"\\\\]|\\\\.)*)\"$");
    private static final String ROUTES = String.join("\n",
        "    virtual_hosts:",
        "      - domains: [ api.test ]",
        "        routes:",
        "          - match: { prefix: /secure, headers: [ { name: x-forwarded-proto, exact: https } ] }",
        "            cluster: up",
        "            request_headers_to_add: [ { name: x-route, value: secure } ]",
        "          - match: { prefix: /source }",
        "            cluster: ring",
        "            hash_policy: [ { source_ip: true } ]",
        "          - { match: { prefix: / }, cluster: up }");

    /** One listener per forwarding policy, each with the routes above ({@code %1$s}). */
    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: edge
            address: 127.0.0.1:0
            access_log: { path: ${file:access.log} }
        %1$s
          - name: keep
            address: 127.0.0.1:0
            preserve_external_request_id: true
        %1$s
          - name: inner
            address: 127.0.0.1:0
            use_remote_address: false
        %1$s
          - name: hops
            address: 127.0.0.1:0
            xff_num_trusted_hops: 1
        %1$s
        clusters:
          - name: up
            endpoints: [ { address: 127.0.0.1:${upstream:up} } ]
          - name: ring
            lb: ring_hash
            endpoints: [ { address: 127.0.0.1:${upstream:r0} }, { address: 127.0.0.1:${upstream:r1} },
                         { address: 127.0.0.1:${upstream:r2} } ]
        """.formatted(ROUTES)).upstreams("up", "r0", "r1", "r2");

    private static TestUpstream up;
    private static List<TestUpstream> ring;
    private static Path log;

    @BeforeAll
    static void start() {
        up = proxy.upstream("up");
        ring = List.of(proxy.upstream("r0"), proxy.upstream("r1"), proxy.upstream("r2"));
        log = proxy.file("access.log");
    }

    @BeforeEach
    void reset() {
        up.reset();
    }

    private RawHttpClient client(final String listener) throws IOException {
        return new RawHttpClient(proxy.port(listener));
    }

    /** Sends one GET with {@code headers} to {@code listener}; returns what the upstream received. */
    private RecordedRequest send(final String listener, final String path, final String... headers)
        throws IOException {
        try (RawHttpClient c = client(listener)) {
            c.send(RawHttpClient.request("GET", path, "api.test", headers));
            assertThat(c.readResponse().status()).isEqualTo(200);
        }
        return up.takeRequest(WAIT);
    }

    @Test
    void aClientsXfpOnAPlainEdgeListenerReachesTheUpstreamAsHttpAndMatchesNoHttpsRoute() throws Exception {
        final RecordedRequest rec = send("edge", "/secure/1", "X-Forwarded-Proto: https");
        assertThat(rec.headers("x-forwarded-proto")).containsExactly("http");
        assertThat(rec.header("x-route")).as("the https-only route did not match a client's claim").isNull();
    }

    @Test
    void theEdgeAppendsThePeerToAClientsXffAndReplacesItsRequestIdAndLogsBoth() throws Exception {
        final RecordedRequest rec = send("edge", "/logged/1", "X-Forwarded-For: 203.0.113.7",
            "X-Request-Id: client-id-1", "X-Strait-External-Address: 203.0.113.7");
        assertThat(rec.headers("x-forwarded-for")).containsExactly("203.0.113.7, 127.0.0.1");
        assertThat(rec.headers("x-strait-external-address")).containsExactly("127.0.0.1");
        final String id = rec.header("x-request-id");
        assertThat(id).matches(UUID);
        assertThat(rec.headers("x-request-id")).containsExactly(id);

        final Matcher line = logLine("/logged/1");
        assertThat(line.group(11)).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(line.group(13)).isEqualTo(id);

        // A request answered locally (no virtual host) logs the id the proxy gave it, not the client's.
        try (RawHttpClient c = client("edge")) {
            c.send(RawHttpClient.request("GET", "/nowhere/1", "unknown.test", "x-request-id: client-id-2"));
            assertThat(c.readResponse().status()).isEqualTo(404);
        }
        assertThat(logLine("/nowhere/1").group(13)).matches(UUID);
    }

    @Test
    void preserveExternalRequestIdKeepsTheClientsId() throws Exception {
        assertThat(send("keep", "/kept", "X-Request-Id: client-id-3").headers("x-request-id"))
            .containsExactly("client-id-3");
        assertThat(send("keep", "/generated").header("x-request-id")).matches(UUID);
    }

    @Test
    void behindATrustedProxyXffAndXfpPassAsSent() throws Exception {
        final RecordedRequest rec = send("inner", "/secure/2", "X-Forwarded-For: 203.0.113.7, 10.0.0.2",
            "X-Forwarded-Proto: https");
        assertThat(rec.headers("x-forwarded-for")).containsExactly("203.0.113.7, 10.0.0.2");
        assertThat(rec.headers("x-forwarded-proto")).containsExactly("https");
        assertThat(rec.header("x-route")).as("a trusted https claim routes as https").isEqualTo("secure");
        assertThat(rec.header("x-strait-external-address")).as("only an edge sets it").isNull();
        assertThat(send("inner", "/plain").header("x-forwarded-for")).as("nothing added without XFF").isNull();
    }

    @Test
    void withATrustedHopTheSourceIpHashFollowsTheClientInXffNotThePeer() throws Exception {
        // Every connection comes from 127.0.0.1: hashing the peer would send every client to one upstream.
        final Map<String, Set<String>> upstreamsOf = new HashMap<>();
        try (RawHttpClient a = client("hops"); RawHttpClient b = client("hops")) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 30; i++) {
                    final String clientIp = "198.51.100." + (i + 1);
                    final RawHttpClient c = round == 0 ? a : b;
                    c.send(RawHttpClient.request("GET", "/source", "api.test",
                        "X-Forwarded-For: 192.0.2.99, " + clientIp));
                    final RawResponse r = c.readResponse();
                    assertThat(r.status()).isEqualTo(200);
                    upstreamsOf.computeIfAbsent(clientIp, k -> new HashSet<>()).add(r.header("x-upstream"));
                }
            }
        }
        assertThat(upstreamsOf.values()).allSatisfy(hosts -> assertThat(hosts).hasSize(1));
        final Set<String> used = new HashSet<>();
        upstreamsOf.values().forEach(used::addAll);
        // Thirty clients on one of three hosts by chance: 3^-29.
        assertThat(used).hasSizeGreaterThan(1);
        // And the upstream still gets the whole chain with the peer appended.
        final RecordedRequest last = ring.stream().flatMap(u -> u.requests().stream())
            .filter(r -> r.header("x-forwarded-for").endsWith("198.51.100.30, 127.0.0.1")).findFirst().orElseThrow();
        assertThat(last.headers("x-forwarded-for")).containsExactly("192.0.2.99, 198.51.100.30, 127.0.0.1");
        assertThat(last.headers("x-strait-external-address")).containsExactly("198.51.100.30");
    }

    /** The parsed access-log line whose path is {@code path}, waiting for the writer (bounded). */
    private Matcher logLine(final String path) {
        final Matcher[] found = new Matcher[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            final List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1)
                : List.of();
            for (final String line : lines) {
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
}
