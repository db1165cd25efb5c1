package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strait.core.accesslog.AccessLogs;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.server.ProxyServer;
import io.strait.core.stats.ListenerStat;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The listener's {@code timeouts.send} over loopback: a client that asks for a download larger than every buffer on
 * the way and never reads is reset after the timeout and counted (its exchange logged as a downstream abort), while
 * other clients are served; a client that reads slowly but steadily, so that the proxy's buffer stays over its low
 * mark for many timeouts in a row, keeps its connection and gets the whole body.
 */
class SendTimeoutIntegrationTest {

    private static final long MIB = 1024 * 1024;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private GatedUpstream upstream;
    private ProxyServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (final AutoCloseable c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    /** A proxy with a 500 ms send timeout and 256 KiB connection buffers in front of an open gated upstream. */
    private void start(final long bodyBytes, final String transport) throws Exception {
        upstream = new GatedUpstream((int) bodyBytes);
        upstream.open();
        final String yaml = """
            runtime: { event_loops: 2, transport: %s }
            listeners:
              - name: main
                address: 127.0.0.1:0
                limits: { connection_buffer: 256KiB }
                timeouts: { send: 500ms }
                access_log: { path: %s, format: json }
                virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
            clusters:
              - name: up
                endpoints: [ { address: 127.0.0.1:%d } ]
            """.formatted(transport, dir.resolve("access.json"), upstream.port());
        final ConfigResult parsed = ConfigLoader.parse(yaml, "send-timeout-test");
        assertThat(parsed.errors()).isEmpty();
        server = ProxyServer.start(parsed.config(), AccessLogs.Options.DEFAULT);
    }

    /** On epoll the kernel tells whether the client took bytes; on the others the proxy's buffer has to. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "nio", "io_uring"})
    void aClientThatStopsReadingIsResetCountedAndLoggedWhileOthersAreServed(final String transport) throws Exception {
        start(Math.max(8 * MIB, maxSendBuffer() + 4 * MIB), transport);
        final int port = server.boundAddress("main").getPort();
        final Socket s = new Socket();
        s.setReceiveBufferSize(4096);   // before connect: a small window, so the proxy keeps the bytes
        s.connect(new InetSocketAddress("127.0.0.1", port));
        final RawHttpClient stalled = new RawHttpClient(s, Duration.ofSeconds(20));
        clients.add(stalled);
        stalled.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");

        try (RawHttpClient other = new RawHttpClient(port)) {
            final RawResponse r = other.get("/small", "x");
            assertThat(r.status()).isEqualTo(200);
        }
        await("the stalled download reset by the send timeout", () -> sendTimeouts() == 1);
        assertThat(stalled.isClosedByPeer(DEADLINE)).as("the stalled client's connection ended").isTrue();

        final List<JsonNode> big = new ArrayList<>();
        await("the aborted download logged", () -> {
            big.clear();
            big.addAll(entries("/big"));
            return !big.isEmpty();
        });
        assertThat(big).hasSize(1);
        assertThat(big.get(0).get("response_flags").asText()).isEqualTo("DC");
        assertThat(entries("/small")).hasSize(1)
            .allSatisfy(e -> assertThat(e.get("response_flags").asText()).isEqualTo("-"));
        assertThat(sendTimeouts()).as("only the stalled connection was reset").isEqualTo(1);
    }

    /** On epoll (the default transport on Linux), where the kernel says when the client last took bytes. */
    @Test
    void aClientThatReadsSlowlyButSteadilyIsNotReset() throws Exception {
        final long body = 2 * MIB + maxSendBuffer();
        start(body, "epoll");
        final Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", server.boundAddress("main").getPort()));
        s.setSoTimeout((int) DEADLINE.toMillis());
        clients.add(s);
        s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        final InputStream in = s.getInputStream();
        final String head = readHead(in);
        assertThat(head).startsWith("HTTP/1.1 200");

        // ~96 KiB/s for 3 s: the proxy's 256 KiB buffer takes longer than the 500 ms timeout to drain to its low
        // mark, so the connection stays unwritable through several timeouts in a row while the client keeps reading.
        final byte[] buf = new byte[4096];
        long read = 0;
        final long slowUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (System.nanoTime() - slowUntil < 0 && read < body) {
            final int n = in.read(buf, 0, (int) Math.min(buf.length, body - read));
            assertThat(n).as("the slow reader's connection still open after %d bytes", read).isPositive();
            read += n;
            Thread.sleep(40);
        }
        while (read < body) {   // then the rest at full speed, checking the bytes are the upstream's
            final int n = in.read(buf, 0, (int) Math.min(buf.length, body - read));
            assertThat(n).as("the body cut after %d of %d bytes", read, body).isPositive();
            for (int i = 0; i < n; i++) {
                assertThat(buf[i]).isEqualTo(GatedUpstream.pattern(read + i));
            }
            read += n;
        }
        assertThat(read).isEqualTo(body);
        assertThat(sendTimeouts()).isZero();
    }

    private long sendTimeouts() {
        return server.stats().scope("listener.main.", ListenerStat.class)
            .value(ListenerStat.DOWNSTREAM_CX_SEND_TIMEOUT);
    }

    private List<JsonNode> entries(final String path) throws IOException {
        final Path log = dir.resolve("access.json");
        final List<JsonNode> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        for (final String line : Files.readAllLines(log)) {
            if (!line.isBlank()) {
                final JsonNode n = JSON.readTree(line);
                if (n.get("path").asText().equals(path)) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static String readHead(final InputStream in) throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            final int b = in.read();
            assertThat(b).as("the response head").isNotNegative();
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static long maxSendBuffer() {
        try {
            final String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Math.min(64 * MIB, Long.parseLong(f[2]));
        } catch (final IOException | RuntimeException e) {
            return 4 * MIB;
        }
    }

    /** A condition polled by {@link #await}. */
    @FunctionalInterface
    private interface Condition {
        boolean holds() throws IOException;
    }

    private static void await(final String what, final Condition condition) throws Exception {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
