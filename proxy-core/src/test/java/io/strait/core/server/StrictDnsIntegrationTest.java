package io.strait.core.server;

import io.netty.channel.EventLoop;
import io.strait.core.accesslog.AccessLogs;
import io.strait.core.cluster.Cluster;
import io.strait.core.cluster.EndpointResolver;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.StatsScope;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import io.strait.lb.Host;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on epoll with two loops: a {@code strict_dns} cluster's name is resolved off the loops by an injected
 * resolver (no real DNS), and the traffic follows its answers. Two upstreams listen on the same port, one on
 * 127.0.0.1 and one on 127.0.0.2, so only the resolved address tells them apart. The refresh rate is an hour: the
 * test runs each refresh itself ({@code refreshNow}), then waits for every loop to have run the rebuild it queued.
 */
class StrictDnsIntegrationTest {

    private static final String NAME = "backend.test";

    private final TestUpstream a = new TestUpstream("a");
    private final TestUpstream b = new TestUpstream("b");
    private final FakeResolver resolver = new FakeResolver();
    private ProxyServer server;

    /** Answers {@value #NAME} with what the test set, records every call's thread, and knows no other name. */
    private static final class FakeResolver implements EndpointResolver {
        volatile InetAddress[] answer;
        final List<String> threads = new CopyOnWriteArrayList<>();

        @Override
        public InetAddress[] resolve(final String host) throws UnknownHostException {
            threads.add(Thread.currentThread().getName());
            final InetAddress[] now = answer;
            if (!NAME.equals(host) || now == null) {
                throw new UnknownHostException(host);
            }
            return now.clone();
        }
    }

    private static InetAddress ip(final int last) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    private void start(final InetAddress... first) throws Exception {
        a.start("127.0.0.1", 0);
        b.start("127.0.0.2", a.port());
        resolver.answer = first.length == 0 ? null : first;
        final String yaml = String.join("\n",
            "runtime: { event_loops: 2, transport: epoll }",
            "listeners:",
            "  - name: main",
            "    address: 127.0.0.1:0",
            "    virtual_hosts: [ { domains: [ \"*\" ], routes: [ { match: { prefix: / }, cluster: dyn } ] } ]",
            "clusters:",
            "  - name: dyn",
            "    type: strict_dns",
            "    dns_refresh_rate: 1h",
            "    endpoints: [ { address: \"" + NAME + ":" + a.port() + "\" } ]",
            "");
        final ConfigResult result = ConfigLoader.parse(yaml, "dns.yaml");
        assertThat(result.errors()).isEmpty();
        server = ProxyServer.start(result.config(), AccessLogs.Options.DEFAULT, resolver);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        a.close();
        b.close();
    }

    /** Runs one refresh on the DNS thread, then waits until every loop has run the rebuild it was handed. */
    private void refresh() throws Exception {
        server.dns().refreshNow();
        for (final EventLoop loop : server.workerLoops()) {
            loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        }
    }

    /** The upstream that served one request on a new connection (or the status when no upstream did). */
    private String servedBy() throws Exception {
        try (RawHttpClient c = new RawHttpClient(server.boundAddress("main").getPort())) {
            final RawResponse r = c.get("/", "x");
            return r.status() == 200 ? r.header("x-upstream") : Integer.toString(r.status());
        }
    }

    private List<String> servedBy(final int requests) throws Exception {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            out.add(servedBy());
        }
        return out;
    }

    private StatsScope<ClusterStat> stats() {
        return server.snapshot().cluster(0).stats();
    }

    @Test
    void trafficFollowsTheResolvedAddressAndAFailedRefreshKeepsTheLastAnswer() throws Exception {
        start(ip(1));
        assertThat(servedBy(6)).containsOnly("a");

        resolver.answer = new InetAddress[] {ip(2)};
        refresh();
        assertThat(servedBy(6)).as("the name now points at 127.0.0.2").containsOnly("b");
        assertThat(stats().value(ClusterStat.MEMBERSHIP_CHANGE)).isEqualTo(2);

        resolver.answer = null;   // the lookup fails: the last answer stays, as Envoy's STRICT_DNS keeps it
        refresh();
        assertThat(servedBy(4)).containsOnly("b");
        assertThat(stats().value(ClusterStat.UPDATE_FAILURE)).isEqualTo(1);

        resolver.answer = new InetAddress[] {ip(2)};
        refresh();
        assertThat(stats().value(ClusterStat.UPDATE_NO_REBUILD)).as("same answer: nothing rebuilt").isEqualTo(1);
        assertThat(stats().value(ClusterStat.UPDATE_ATTEMPT)).isEqualTo(4);
        assertThat(stats().value(ClusterStat.UPDATE_SUCCESS)).isEqualTo(3);
    }

    @Test
    void aNameWithSeveralAddressesIsOneHostPerAddressAndHostsThatStayAreKept() throws Exception {
        start(ip(1));
        final Cluster cluster = server.snapshot().cluster(0);
        final Host first = cluster.hosts().get(0);
        assertThat(first.address().getPort()).as("the port comes from the endpoint").isEqualTo(a.port());

        resolver.answer = new InetAddress[] {ip(1), ip(2)};
        refresh();
        assertThat(cluster.hosts()).hasSize(2);
        assertThat(cluster.hosts().get(0)).as("the host that stayed is the same object").isSameAs(first);
        assertThat(stats().value(ClusterStat.MEMBERSHIP_TOTAL)).isEqualTo(2);
        assertThat(servedBy(8)).as("round robin over both addresses").contains("a", "b");

        resolver.answer = new InetAddress[] {ip(1)};
        refresh();
        assertThat(cluster.hosts()).containsExactly(first);
        assertThat(servedBy(4)).containsOnly("a");
    }

    @Test
    void aNameThatDoesNotResolveHasNoHostAndIsNeverLookedUpOnALoop() throws Exception {
        start();
        assertThat(server.snapshot().cluster(0).hosts()).isEmpty();
        assertThat(servedBy(3)).as("no host: 503 at once, and no lookup").containsOnly("503");
        assertThat(stats().value(ClusterStat.UPDATE_FAILURE)).isEqualTo(1);

        resolver.answer = new InetAddress[] {ip(1)};
        refresh();
        assertThat(servedBy(3)).containsOnly("a");
        assertThat(resolver.threads).as("one lookup at start, one per refresh, all on the DNS thread")
            .hasSize(2).allMatch(t -> t.startsWith("strait-dns"));
    }
}
