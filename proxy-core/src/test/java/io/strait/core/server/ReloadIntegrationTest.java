package io.strait.core.server;

import io.strait.core.cluster.Cluster;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.StraitConfig;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.ServerStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Configuration reload over real loopback sockets ({@link ProxyServer#reload}): requests keep flowing while routes
 * and cluster membership change, each request goes where the configuration in force when it started said, and a
 * reload that cannot be applied changes nothing.
 */
class ReloadIntegrationTest {

    /** Config "A": /r goes to cluster x (upstream a), cluster pool holds upstream a. "B" swaps both to b. */
    private static final String CONFIG = """
        runtime: { event_loops: 2 }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /r }, cluster: x }
                  - { match: { prefix: /p }, cluster: pool }
                  - { match: { prefix: /k }, cluster: kept }
        clusters:
          - { name: x, endpoints: [ { address: 127.0.0.1:${upstream:a} } ] }
          - { name: y, endpoints: [ { address: 127.0.0.1:${upstream:b} } ] }
          - { name: pool, endpoints: [ { address: 127.0.0.1:${upstream:a} } ] }
          - { name: kept, endpoints: [ { address: 127.0.0.1:${upstream:c} } ] }
        """;

    private static final Pattern POOL = Pattern.compile(
        "(- \\{ name: pool, endpoints: \\[ \\{ address: 127\\.0\\.0\\.1:)(\\d+)");

    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of(CONFIG).upstreams("a", "b", "c");

    /** Config A (generation even) or B (odd), as text. */
    private String text(final int generation) {
        final String a = proxy.yaml();
        if (generation % 2 == 0) {
            return a;
        }
        final Matcher m = POOL.matcher(a.replace("cluster: x }", "cluster: y }"));
        assertThat(m.find()).isTrue();
        return m.replaceFirst("$1" + proxy.upstream("b").port());
    }

    private static StraitConfig parse(final String yaml) {
        final ConfigResult r = ConfigLoader.parse(yaml, "reload.yaml");
        assertThat(r.errors()).isEmpty();
        return r.config();
    }

    /** The upstream config {@code generation} sends /r and /p to. */
    private static String target(final int generation) {
        return generation % 2 == 0 ? "a" : "b";
    }

    @Test
    void twentyReloadsUnderTrafficFailNoRequestAndEachGoesWhereItsConfigSaid() throws Exception {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        final List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger ok = new AtomicInteger();
        final int port = proxy.port("main");
        final List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            final boolean keepAlive = t != 2;   // two keep-alive clients, one with a new connection per request
            final Thread th = new Thread(() -> {
                RawHttpClient client = null;
                int i = 0;
                try {
                    while (!stop.get() && i < 20_000) {
                        final String path = (i++ % 2 == 0) ? "/r" : "/p";
                        if (client == null) {
                            client = new RawHttpClient(port);
                        }
                        final int before = completed.get();
                        final RawResponse res = client.get(path, "x");
                        final int after = started.get();
                        if (res.status() != 200 || res.header("x-upstream") == null) {
                            wrong.add(path + ": status " + res.status());
                            continue;
                        }
                        final String up = res.header("x-upstream");
                        // No reload began while it ran: exactly its generation's target; else one of those in force.
                        boolean allowed = false;
                        for (int g = before; g <= after; g++) {
                            allowed |= up.equals(target(g));
                        }
                        if (!allowed || before == after && !up.equals(target(before))) {
                            wrong.add(path + " in generations " + before + ".." + after + " went to " + up);
                        }
                        ok.incrementAndGet();
                        if (!keepAlive) {
                            client.close();
                            client = null;
                        }
                    }
                } catch (final Exception e) {
                    wrong.add("client failed: " + e);
                } finally {
                    if (client != null) {
                        client.close();
                    }
                }
            });
            th.start();
            clients.add(th);
        }
        final Cluster kept = proxy.cluster("kept");
        for (int g = 1; g <= 20; g++) {
            Thread.sleep(50);
            final StraitConfig next = parse(text(g));
            started.incrementAndGet();
            final ReloadResult r = proxy.server().reload(next);
            completed.incrementAndGet();
            assertThat(r.errors()).as("reload %d", g).isEmpty();
            assertThat(r.applied()).isTrue();
        }
        Thread.sleep(100);
        stop.set(true);
        for (final Thread th : clients) {
            th.join(30_000);
        }
        assertThat(wrong).isEmpty();
        assertThat(ok.get()).isGreaterThan(100);
        // The cluster no reload changed is the same object: its hosts and health went on.
        assertThat(proxy.server().snapshot().cluster(proxy.server().snapshot().indexOf(kept))).isSameAs(kept);
    }

    @Test
    void aKeepAliveConnectionMovesToTheNewRoutesAtItsNextRequestAndCountersSurvive() throws Exception {
        try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
            assertThat(client.get("/r", "x").header("x-upstream")).isEqualTo("a");
            assertThat(client.get("/k", "x").header("x-upstream")).isEqualTo("c");
            final long keptBefore = proxy.stat("kept", ClusterStat.UPSTREAM_RQ_TOTAL);
            assertThat(proxy.server().reload(parse(text(1))).ok()).isTrue();
            assertThat(client.get("/r", "x").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/p", "x").header("x-upstream")).isEqualTo("b");
            assertThat(client.get("/k", "x").header("x-upstream")).isEqualTo("c");
            assertThat(proxy.stat("kept", ClusterStat.UPSTREAM_RQ_TOTAL)).isEqualTo(keptBefore + 1);
        }
        // The pooled upstream connection of the unchanged cluster was kept: still one connection to c.
        assertThat(proxy.upstream("c").connectionCount()).isEqualTo(1);
    }

    @Test
    void aReloadThatCannotApplyChangesNothingAndNamesTheField() throws Exception {
        final String bad = text(1).replace("event_loops: 2", "event_loops: 3");
        final ReloadResult r = proxy.server().reload(parse(bad));
        assertThat(r.applied()).isFalse();
        assertThat(r.errors()).singleElement().asString().contains("runtime.event_loops");
        try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
            assertThat(client.get("/r", "x").header("x-upstream")).isEqualTo("a");
        }
    }

    @Test
    void theBatchWaitNeedsARestart() throws Exception {
        final String batched = text(1).replace("event_loops: 2", "event_loops: 2, batch_wait: 100us");
        final ReloadResult r = proxy.server().reload(parse(batched));
        assertThat(r.applied()).isFalse();
        assertThat(r.errors()).containsExactly("runtime.batch_wait: 0 -> 100us needs a restart (see hot restart)");
        try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
            assertThat(client.get("/r", "x").header("x-upstream")).isEqualTo("a");
        }
    }

    @Test
    void aFileThatDoesNotValidateIsRefusedWithItsLinesAndCounted(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("strait.yaml");
        Files.writeString(file, text(1).replace("cluster: y }", "cluster: nowhere }"));
        final ReloadResult refused = proxy.server().reload(file);
        assertThat(refused.applied()).isFalse();
        assertThat(refused.errors()).isNotEmpty().allSatisfy(e -> assertThat(e).contains("strait.yaml:"));
        assertThat(String.join("\n", refused.errors())).contains("nowhere");
        assertThat(serverStat(ServerStat.RELOAD_FAILURE)).isEqualTo(1);
        try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
            assertThat(client.get("/r", "x").header("x-upstream")).isEqualTo("a");
        }
        Files.writeString(file, text(1));
        assertThat(proxy.server().reload(file).ok()).isTrue();
        assertThat(serverStat(ServerStat.RELOAD_SUCCESS)).isEqualTo(1);
        try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
            assertThat(client.get("/r", "x").header("x-upstream")).isEqualTo("b");
        }
    }

    private long serverStat(final ServerStat stat) {
        return proxy.server().stats().scope("server.", ServerStat.class).value(stat);
    }

    @Test
    void listenersAreBoundAndUnboundByReload() throws Exception {
        final String withExtra = proxy.yaml().replace("""
            clusters:
            """, """
              - name: extra
                address: 127.0.0.1:0
                virtual_hosts:
                  - domains: [ "*" ]
                    routes: [ { match: { prefix: / }, cluster: kept } ]
            clusters:
            """);
        assertThat(proxy.server().reload(parse(withExtra)).ok()).isTrue();
        final int extra = proxy.server().boundAddress("extra").getPort();
        try (RawHttpClient client = new RawHttpClient(extra)) {
            assertThat(client.get("/any", "x").header("x-upstream")).isEqualTo("c");
            // Removed while this connection is open and idle: it is drained (closed), new connections refused.
            assertThat(proxy.server().reload(parse(proxy.yaml())).ok()).isTrue();
            assertThat(client.isClosedByPeer(ProxyFixture.WAIT)).isTrue();
        }
        assertThat(proxy.server().boundAddress("extra")).isNull();
        assertThatThrownBy(() -> new Socket("127.0.0.1", extra).close()).isInstanceOf(ConnectException.class);
        // The main listener was never touched.
        try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
            assertThat(client.get("/r", "x").status()).isEqualTo(200);
        }
    }

    @Test
    void aListenerWhoseAddressCannotBeBoundIsReportedAndTheRestApplies() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getLoopbackAddress())) {
            final String withBusy = text(1).replace("""
                clusters:
                """, """
                  - name: busy
                    address: 127.0.0.1:%d
                    virtual_hosts:
                      - domains: [ "*" ]
                        routes: [ { match: { prefix: / }, cluster: kept } ]
                clusters:
                """.formatted(taken.getLocalPort()));
            final ReloadResult r = proxy.server().reload(parse(withBusy));
            assertThat(r.applied()).isTrue();
            assertThat(r.errors()).singleElement().asString().contains("listeners.busy.address");
            try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
                assertThat(client.get("/r", "x").header("x-upstream")).isEqualTo("b");
            }
        }
    }
}
