package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.OverloadConfig.Resource;
import io.strait.core.server.ProxyServer;
import io.strait.core.stats.OverloadStat;
import io.strait.core.testing.RawHttpClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What perf-tests/overload-memory.sh showed before the fix: a connection that {@code reset_streams} picked was closed
 * with a plain {@code close()}, so the kernel queued the FIN behind the megabytes the client had not read. A client
 * that does not read (the very one being reset) was never told: its socket stayed ESTABLISHED, and the proxy's
 * socket lingered as an orphan in FIN-WAIT-1 holding its send queue (kernel memory) until the kernel gave up on it.
 * A reset (SO_LINGER 0 before the close) ends both at once. Linux only: the client's TCP state is read from
 * /proc/net/tcp and tcp6.
 */
class OverloadResetIntegrationTest {

    private static final long MIB = 1024 * 1024;
    private static final int HOGS = 14;
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String TCP_ESTABLISHED = "01";

    private GatedUpstream upstream;
    private ProxyServer server;
    private final List<RawHttpClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (final RawHttpClient c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start() throws Exception {
        // As OverloadIntegrationTest: downloads larger than the kernel holds, 2 MiB connection buffers, a budget
        // relative to the direct memory held before the proxy started; only the reset action, at base + 22 MiB.
        upstream = new GatedUpstream((int) Math.max(8 * MIB, maxSendBuffer() + 4 * MIB));
        final long base = OverloadManager.systemMonitors(PooledByteBufAllocator.DEFAULT, () -> 0, () -> 0)
            .create(Resource.DIRECT_MEMORY, 1).used();
        final long budget = base + 48 * MIB;
        final String yaml = """
            runtime: { event_loops: 2 }
            listeners:
              - name: main
                address: 127.0.0.1:0
                limits: { connection_buffer: 2MiB }
                virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
            clusters:
              - name: up
                endpoints: [ { address: 127.0.0.1:%d } ]
            overload:
              refresh_interval: 50ms
              resources:
                direct_memory: { max: %d }
              actions:
                reset_streams: { threshold: %s, min_buffered: 1MiB, max_per_interval: 1 }
            """.formatted(upstream.port(), budget,
            String.format(Locale.ROOT, "%.4f", (double) (base + 22 * MIB) / budget));
        final ConfigResult parsed = ConfigLoader.parse(yaml, "overload-reset-test");
        assertThat(parsed.errors()).isEmpty();
        server = ProxyServer.start(parsed.config());
    }

    private static long maxSendBuffer() {
        try {
            final String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Math.min(64 * MIB, Long.parseLong(f[2]));
        } catch (final IOException | RuntimeException e) {
            return 4 * MIB;
        }
    }

    /**
     * The TCP state (hex, as /proc/net/tcp prints it) of the socket from {@code localPort} to {@code remotePort}, or
     * null when the kernel lists none (a reset socket is dropped at once). A Java socket on a dual-stack host is an
     * IPv6 one (in tcp6, as ::ffff:127.0.0.1), so both tables are read.
     */
    private static String tcpState(final int localPort, final int remotePort) throws IOException {
        final String local = String.format(Locale.ROOT, ":%04X", localPort);
        final String remote = String.format(Locale.ROOT, ":%04X", remotePort);
        for (final String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            final Path path = Path.of(table);
            if (!Files.isReadable(path)) {
                continue;
            }
            for (final String line : Files.readAllLines(path)) {
                final String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                    return f[3];
                }
            }
        }
        return null;
    }

    private void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aResetDownloadIsResetForItsClientToo() throws Exception {
        assumeThat(Files.isReadable(Path.of("/proc/net/tcp"))).as("Linux /proc/net/tcp").isTrue();
        start();
        final int proxyPort = server.boundAddress("main").getPort();
        final List<RawHttpClient> hogs = new ArrayList<>();
        for (int i = 0; i < HOGS; i++) {
            final Socket s = new Socket();
            s.setReceiveBufferSize(4096);   // before connect: a small window, so the proxy keeps the bytes
            s.connect(new InetSocketAddress("127.0.0.1", proxyPort));
            final RawHttpClient hog = new RawHttpClient(s, Duration.ofSeconds(20));
            clients.add(hog);
            hog.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            hogs.add(hog);
        }
        await("every download admitted and waiting at the upstream", () -> upstream.waiting() == HOGS);
        upstream.open();
        await("the most-buffered downloads reset and the reset over",
            () -> stat(OverloadStat.RESET_STREAMS_TOTAL) > 0 && stat(OverloadStat.RESET_STREAMS_ACTIVE) == 0);
        final long resets = stat(OverloadStat.RESET_STREAMS_TOTAL);

        // Without reading a byte, each client whose download was reset must see its connection end (RST: CLOSE).
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        List<String> states = states(hogs, proxyPort);
        while (notEstablished(states) < resets && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            states = states(hogs, proxyPort);
        }
        assertThat(notEstablished(states)).as("clients no longer ESTABLISHED (01), of their TCP states %s", states)
            .isEqualTo(resets);
    }

    private long stat(final OverloadStat stat) {
        return server.stats().scope("overload.", OverloadStat.class).value(stat);
    }

    /** Each client's TCP state as /proc/net/tcp shows it ("gone" once the kernel dropped a reset socket). */
    private static List<String> states(final List<RawHttpClient> hogs, final int proxyPort) throws IOException {
        final List<String> states = new ArrayList<>();
        for (final RawHttpClient hog : hogs) {
            final String state = tcpState(hog.localPort(), proxyPort);
            states.add(state == null ? "gone" : state);
        }
        return states;
    }

    private static long notEstablished(final List<String> states) {
        return states.stream().filter(s -> !TCP_ESTABLISHED.equals(s)).count();
    }
}
