package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Over real sockets: a client that pipelines requests and does not read its responses is not served past
 * {@code limits.connection_buffer} (plus what the kernel's socket buffers hold): the proxy stops decoding and reading
 * from it, so the upstream sees a bounded number of requests; once the client reads, every response arrives in order
 * and complete. Also the listener's first-byte and request-header timeouts, end to end.
 */
class DownstreamBufferLimitIntegrationTest {

    private static final int REQUESTS = 6_000;
    private static final int CLIENT_RCVBUF = 64 * 1024;

    /**
     * On an instance field: a proxy and an upstream of their own for each test, which counts the upstream's requests.
     * A listener per test: {@code buffered} for the connection buffer, {@code timed} for the timeouts.
     */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: buffered
            address: 127.0.0.1:0
            limits: { connection_buffer: 256KiB }
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: / }, cluster: up }
          - name: timed
            address: 127.0.0.1:0
            timeouts: { first_byte: 200ms, request_headers: 300ms }
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: / }, cluster: up }
        clusters:
          - name: up
            endpoints: [ { address: 127.0.0.1:${upstream:buffered} } ]
        """).upstreams("buffered");

    private TestUpstream upstream;
    private ProxyServer server;

    @BeforeEach
    void start() {
        upstream = proxy.upstream("buffered");
        server = proxy.server();
    }

    /** The body length of response {@code i}: 4000..4099 bytes, so that order shows in the lengths. */
    private static int size(final int i) {
        return 4000 + i % 100;
    }

    @Test
    void aPipeliningClientThatDoesNotReadIsNotServedPastTheConnectionBuffer() throws Exception {
        final int limit = 256 * 1024;
        final StringBuilder sb = new StringBuilder(REQUESTS * 40);
        for (int i = 0; i < REQUESTS; i++) {
            sb.append("GET /bytes/").append(size(i)).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        final byte[] requests = sb.toString().getBytes(StandardCharsets.US_ASCII);

        final Socket socket = new Socket();
        socket.setReceiveBufferSize(CLIENT_RCVBUF);   // before connect: a small, fixed window
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
            server.boundAddress("buffered").getPort()));
        final AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        final Thread writer = new Thread(() -> {
            try {
                final OutputStream out = socket.getOutputStream();
                out.write(requests);   // blocks once the proxy stops reading, until the client reads
                out.flush();
            } catch (final IOException | RuntimeException e) {
                writeFailure.set(e);
            }
        }, "pipelining-writer");
        writer.setDaemon(true);
        writer.start();

        // Wait (bounded) until the upstream has seen no new request for a while.
        int seen = -1;
        int stablePolls = 0;
        for (int poll = 0; poll < 300 && stablePolls < 10; poll++) {
            Thread.sleep(100);
            final int now = upstream.requestCount();
            stablePolls = now == seen && now > 0 ? stablePolls + 1 : 0;
            seen = now;
        }
        // What may be in flight: the proxy's outbound buffer up to the limit, the proxy socket's send buffer (at
        // most tcp_wmem's maximum), the client's receive buffer (the kernel doubles the size asked), the response
        // being written when the limit was crossed, and the pipelined requests the codec holds (at most a read).
        final long inFlight = limit + maxSendBuffer() + 2L * CLIENT_RCVBUF;
        final long bound = inFlight / size(0) + 16;
        assertThat(seen).as("requests the upstream received while the client did not read")
            .isPositive().isLessThanOrEqualTo((int) bound).isLessThan(REQUESTS / 2);

        // The client reads: every response, in order, complete.
        try (RawHttpClient client = new RawHttpClient(socket, Duration.ofSeconds(20))) {
            for (int i = 0; i < REQUESTS; i++) {
                final RawResponse r = client.readResponse();
                assertThat(r.status()).as("status of response %d", i).isEqualTo(200);
                final byte[] body = r.body();
                assertThat(body.length).as("length of response %d", i).isEqualTo(size(i));
                for (int k = 0; k < body.length; k += 997) {
                    assertThat(body[k]).isEqualTo(TestUpstream.patternByte(k));
                }
                assertThat(body[body.length - 1]).isEqualTo(TestUpstream.patternByte(body.length - 1));
            }
            writer.join(10_000);
            assertThat(writeFailure.get()).isNull();
            assertThat(upstream.requestCount()).isEqualTo(REQUESTS);
        }
    }

    /** The kernel's largest TCP send buffer (tcp_wmem's third field); 4 MiB when it cannot be read. */
    private static long maxSendBuffer() {
        try {
            final String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Long.parseLong(f[2]);
        } catch (final IOException | RuntimeException e) {
            return 4L << 20;
        }
    }

    @Test
    void aSilentConnectionIsClosedWithoutAResponseAndAnIncompleteHeadGets408() throws Exception {
        final long idleBefore = stat(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT);
        final long headerBefore = stat(HttpStat.DOWNSTREAM_RQ_HEADER_TIMEOUT);
        final int port = server.boundAddress("timed").getPort();
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), port)) {
            silent.setSoTimeout(20_000);
            final InputStream in = silent.getInputStream();
            assertThat(in.read()).as("a silent connection is closed, nothing is sent").isEqualTo(-1);
        }
        assertThat(stat(HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT)).isEqualTo(idleBefore + 1);

        try (RawHttpClient client = new RawHttpClient(port, Duration.ofSeconds(20))) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\n");   // the head never ends
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(client.isClosedByPeer(Duration.ofSeconds(20))).isTrue();
        }
        assertThat(stat(HttpStat.DOWNSTREAM_RQ_HEADER_TIMEOUT)).isEqualTo(headerBefore + 1);
        assertThat(upstream.requestCount()).isZero();
    }

    private long stat(final HttpStat stat) {
        return server.snapshot().listener("timed").stats().value(stat);
    }
}
