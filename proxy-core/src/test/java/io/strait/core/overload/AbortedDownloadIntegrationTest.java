package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.server.ProxyServer;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Downloads that clients stop reading and then abort with an RST (what perf-tests/overload-memory.sh does at the end
 * of a hold): each exchange ends as a downstream abort and its upstream connection is closed by the proxy. That is
 * not the upstream's fault, so {@code upstream_cx_protocol_error} must stay 0.
 */
class AbortedDownloadIntegrationTest {

    private static final long MIB = 1024 * 1024;
    private static final int CLIENTS = 20;
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private GatedUpstream upstream;
    private ProxyServer server;
    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (final Socket c : clients) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void abortedDownloadsAreNotUpstreamProtocolErrors() throws Exception {
        upstream = new GatedUpstream((int) (8 * MIB));
        final ConfigResult parsed = ConfigLoader.parse("""
            runtime: { event_loops: 2 }
            listeners:
              - name: main
                address: 127.0.0.1:0
                limits: { connection_buffer: 256KiB }
                virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
            clusters:
              - name: up
                endpoints: [ { address: 127.0.0.1:%d } ]
            """.formatted(upstream.port()), "aborted-download-test");
        assertThat(parsed.errors()).isEmpty();
        server = ProxyServer.start(parsed.config());
        final int port = server.boundAddress("main").getPort();
        for (int i = 0; i < CLIENTS; i++) {
            final Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", port));
            clients.add(s);
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        await("every download at the upstream", () -> upstream.waiting() == CLIENTS);
        upstream.open();
        await("every response head through", () -> cluster(ClusterStat.UPSTREAM_RQ_2XX) == CLIENTS);
        Thread.sleep(200);   // let the proxy's buffers fill: the downloads are stalled, not starting
        for (final Socket s : clients) {
            s.setSoLinger(true, 0);   // the release: an RST, as a client killed mid-download
            s.close();
        }
        await("every downstream connection closed", () -> http(HttpStat.DOWNSTREAM_CX_ACTIVE) == 0);
        await("every upstream connection closed", () -> cluster(ClusterStat.UPSTREAM_CX_ACTIVE) == 0);
        assertThat(http(HttpStat.DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ)).isEqualTo(CLIENTS);
        assertThat(cluster(ClusterStat.UPSTREAM_CX_PROTOCOL_ERROR)).as("protocol errors counted").isZero();
    }

    private long http(final HttpStat stat) {
        return server.stats().scope("http.main.", HttpStat.class).value(stat);
    }

    private long cluster(final ClusterStat stat) {
        return server.stats().scope("cluster.up.", ClusterStat.class).value(stat);
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(20);
        }
    }
}
