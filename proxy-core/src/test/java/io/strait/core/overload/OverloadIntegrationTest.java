package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.PooledByteBufAllocator;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.OverloadConfig.Resource;
import io.strait.core.server.ProxyServer;
import io.strait.core.stats.OverloadStat;
import io.strait.core.stats.StatsScope;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import java.io.IOException;
import java.net.InetAddress;
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
 * Over real sockets: clients that ask for 8 MiB (or more) downloads and never read them fill the proxy's outbound
 * buffers (2 MiB each, the connection buffer) with direct memory until the overload manager acts, against a
 * direct-memory budget set relative to what the process held before the proxy started (so the test needs no JVM
 * flag). Shown: new requests shed with 503 overloaded on a connection opened before, keep-alive disabled on it, new
 * connections refused, the most-buffered downloads reset (memory falls back under the reset level), the downloads
 * not reset still served whole, and once the hogs are gone every action stops and requests succeed again, with no
 * OutOfMemoryError on the way.
 */
class OverloadIntegrationTest {

    private static final long MIB = 1024 * 1024;
    private static final int HOGS = 14;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private GatedUpstream upstream;
    private ProxyServer server;
    private final List<RawHttpClient> clients = new ArrayList<>();
    /** The highest direct-memory pressure (percent) seen while polling. */
    private long peakPressure;

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

    /** Direct memory held by live buffers now, as the proxy's monitor will measure it. */
    private static long directUsed() {
        return OverloadManager.systemMonitors(PooledByteBufAllocator.DEFAULT, () -> 0, () -> 0)
            .create(Resource.DIRECT_MEMORY, 1).used();
    }

    /** The fraction of {@code budget} that {@code base + extra} is, for a threshold. */
    private static String fraction(final long base, final long extra, final long budget) {
        return String.format(Locale.ROOT, "%.4f", (double) (base + extra) / budget);
    }

    private void start() throws Exception {
        // Larger than what the kernel can hold on the way to a client that does not read (the proxy socket's send
        // buffer grows up to tcp_wmem's maximum), so the proxy's own buffer reaches the connection buffer.
        upstream = new GatedUpstream((int) Math.max(8 * MIB, maxSendBuffer() + 4 * MIB));
        final long base = directUsed();
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
                disable_keepalive: { threshold: %s }
                shed_requests: { threshold: %s }
                stop_accepting_connections: { threshold: %s }
                reset_streams: { threshold: %s, min_buffered: 1MiB, max_per_interval: 1 }
            """.formatted(upstream.port(), budget, fraction(base, 8 * MIB, budget), fraction(base, 8 * MIB, budget),
            fraction(base, 8 * MIB, budget), fraction(base, 22 * MIB, budget));
        final ConfigResult parsed = ConfigLoader.parse(yaml, "overload-test");
        assertThat(parsed.errors()).isEmpty();
        server = ProxyServer.start(parsed.config());
    }

    /** The kernel's largest TCP send buffer (tcp_wmem's third field); 4 MiB when it cannot be read. */
    private static long maxSendBuffer() {
        try {
            final String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem")).trim().split("\\s+");
            return Math.min(64 * MIB, Long.parseLong(f[2]));
        } catch (final IOException | RuntimeException e) {
            return 4 * MIB;
        }
    }

    private int port() {
        return server.boundAddress("main").getPort();
    }

    private RawHttpClient connect(final int receiveBuffer) throws IOException {
        final Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);   // before connect: a small window, so the proxy keeps the bytes
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
        final RawHttpClient c = new RawHttpClient(s, Duration.ofSeconds(20));
        clients.add(c);
        return c;
    }

    private long stat(final OverloadStat stat) {
        final StatsScope<OverloadStat> scope = server.stats().scope("overload.", OverloadStat.class);
        return scope.value(stat);
    }

    /** Polls {@code condition} until true, with a deadline; notes the highest direct-memory pressure seen. */
    private void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            peakPressure = Math.max(peakPressure, stat(OverloadStat.DIRECT_MEMORY_PRESSURE));
            if (condition.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void nonReadingDownloadsAreShedThenResetAndTheProxyRecovers() throws Exception {
        start();
        final RawHttpClient keptAlive = connect(0);
        keptAlive.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(keptAlive.readResponse().status()).isEqualTo(200);

        final List<RawHttpClient> hogs = new ArrayList<>();
        for (int i = 0; i < HOGS; i++) {
            final RawHttpClient hog = connect(4096);
            hog.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            hogs.add(hog);
        }
        await("every download admitted and waiting at the upstream", () -> upstream.waiting() == HOGS);
        upstream.open();

        await("the most-buffered downloads reset and the reset over", () -> stat(OverloadStat.RESET_STREAMS_TOTAL) > 0
            && stat(OverloadStat.RESET_STREAMS_ACTIVE) == 0);
        assertThat(stat(OverloadStat.SHED_REQUESTS_ACTIVE)).as("still shedding").isEqualTo(100);
        assertThat(stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_ACTIVE)).as("still refusing").isEqualTo(1);
        // A new request on a connection opened before: 503 overloaded, and the connection closes after it.
        keptAlive.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
        final RawResponse shed = keptAlive.readResponse();
        assertThat(shed.status()).isEqualTo(503);
        assertThat(shed.header("x-strait-error")).isEqualTo("overloaded");
        assertThat(shed.header("connection")).isEqualTo("close");
        assertThat(keptAlive.isClosedByPeer(Duration.ofSeconds(10))).isTrue();

        // A new connection: closed at once, no response.
        final RawHttpClient refused = connect(0);
        refused.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(refused.isClosedByPeer(Duration.ofSeconds(10))).isTrue();
        assertThat(refused.readUntilClose()).isEmpty();

        // The downloads: the ones reset end early, every other one arrives whole.
        int whole = 0;
        int cut = 0;
        for (final RawHttpClient hog : hogs) {
            if (readsWholeDownload(hog, upstream.big())) {
                whole++;
            } else {
                cut++;
            }
        }
        assertThat(cut).as("downloads reset").isPositive().isEqualTo((int) stat(OverloadStat.RESET_STREAMS_TOTAL));
        assertThat(whole).as("downloads served whole").isPositive().isEqualTo(HOGS - cut);

        // The hogs are gone: every action stops, and requests are served again.
        await("every action off", () -> stat(OverloadStat.SHED_REQUESTS_ACTIVE) == 0
            && stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_ACTIVE) == 0
            && stat(OverloadStat.DISABLE_KEEPALIVE_ACTIVE) == 0);
        final RawHttpClient after = connect(0);
        after.send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
        final RawResponse ok = after.readResponse();
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.bodyAsString()).isEqualTo("small\n");

        assertThat(stat(OverloadStat.SHED_REQUESTS_TOTAL)).isGreaterThanOrEqualTo(1);
        assertThat(stat(OverloadStat.STOP_ACCEPTING_CONNECTIONS_TOTAL)).isGreaterThanOrEqualTo(1);
        assertThat(stat(OverloadStat.DISABLE_KEEPALIVE_TOTAL)).isGreaterThanOrEqualTo(1);
        assertThat(peakPressure).as("direct memory never reached its budget (percent)").isLessThan(100);
    }

    /** Reads one download: true if it is a 200 with every byte of the body right, false if it was cut short. */
    private static boolean readsWholeDownload(final RawHttpClient hog, final int length) {
        try {
            final RawResponse r = hog.readResponse();
            final byte[] body = r.body();
            if (r.status() != 200 || body.length != length) {
                return false;
            }
            for (int i = 0; i < body.length; i++) {
                if (body[i] != GatedUpstream.pattern(i)) {
                    throw new AssertionError("download corrupted at byte " + i);
                }
            }
            return true;
        } catch (final IOException e) {
            return false;   // reset: end of stream or connection reset before the body's end
        }
    }
}
