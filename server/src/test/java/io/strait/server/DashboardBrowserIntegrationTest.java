package io.strait.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strait.admin.AdminOptions;
import io.strait.admin.AdminServer;
import io.strait.admin.DashboardView;
import io.strait.admin.HeadlessChromium;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard end to end: a real Strait (listener {@code ingress}, cluster {@code api} of two upstreams, cluster
 * {@code web} of one that gets no traffic) and its real admin server, the page in a real headless Chromium. After a
 * known number of requests (some answered 503) the page shows exactly those totals; under live traffic it shows a
 * request rate for {@code api} and none for {@code web}; its host table shows every host as {@code /clusters} does.
 * The screenshot under traffic lands in {@code target/dashboard.png}, and also at the path of the system property
 * {@code dashboard.screenshot} when set (which also runs the traffic for {@code dashboard.seconds}, 75 by default,
 * so the charts have a history): {@code mvn -pl server -am verify -Dtest=DashboardBrowserIntegrationTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Ddashboard.screenshot=$PWD/docs/dashboard.png}.
 */
class DashboardBrowserIntegrationTest {

    @RegisterExtension
    static final ProxyExtension PROXY = ProxyExtension.of("""
        runtime: { event_loops: 2 }
        listeners:
          - name: ingress
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /web }, cluster: web }
                  - { match: { prefix: / }, cluster: api }
        clusters:
          - name: api
            endpoints: [ { address: 127.0.0.1:${upstream:a} }, { address: 127.0.0.1:${upstream:b} } ]
          - name: web
            endpoints: [ { address: 127.0.0.1:${upstream:c} } ]
        """).upstreams("a", "b", "c");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int KNOWN_REQUESTS = 200;
    /** One request in this many of the known ones (and of the live traffic) asks the upstream for a 503. */
    private static final int ONE_IN_FAILS = 4;

    private AdminServer admin;
    private HeadlessChromium browser;

    @BeforeEach
    void start() throws Exception {
        admin = AdminServer.start(AdminOptions.defaults(new InetSocketAddress("127.0.0.1", 0)),
            new ProxyAdminTarget(PROXY.server(), null, () -> { }));
        browser = HeadlessChromium.launch(HeadlessChromium.binaryOrSkip(), 1400, 1000);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        admin.close();
    }

    private DashboardView awaitView(final Predicate<DashboardView> condition) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
            .until(() -> DashboardView.read(browser), condition);
    }

    private static boolean shows(final DashboardView v, final String kind, final String name, final String metric,
                                 final long value) {
        final DashboardView.Figure f = v.metric(kind, name, metric);
        return f != null && f.known() && f.number() == value;
    }

    @Test
    void showsTheTotalsRatesAndHostsOfARunningStrait() throws Exception {
        final int port = PROXY.port("ingress");
        long failed = 0;
        try (RawHttpClient client = new RawHttpClient(port)) {
            for (int i = 0; i < KNOWN_REQUESTS; i++) {
                final boolean fail = i % ONE_IN_FAILS == 0;
                final RawResponse r = client.get(fail ? "/status/503" : "/known/" + i, "dash.test");
                assertThat(r.status()).isEqualTo(fail ? 503 : 200);
                failed += fail ? 1 : 0;
            }
        }
        final long knownFailed = failed;
        assertThat(PROXY.upstream("a").requestCount() + PROXY.upstream("b").requestCount()).isEqualTo(KNOWN_REQUESTS);

        browser.open(URI.create("http://127.0.0.1:" + admin.localAddress().getPort() + "/"));
        final DashboardView known = awaitView(v -> shows(v, "cluster", "api", "rq_total", KNOWN_REQUESTS)
            && shows(v, "listener", "ingress", "rq_total", KNOWN_REQUESTS) && v.hosts().size() == 3);
        assertThat(known.banner()).isNull();
        assertThat(known.state()).isEqualTo("SERVING");
        assertThat(known.info("version")).isEqualTo(Version.get());
        assertThat(known.metric("cluster", "api", "rq_5xx").number()).isEqualTo(knownFailed);
        assertThat(known.metric("listener", "ingress", "rq_5xx").number()).isEqualTo(knownFailed);
        assertThat(known.metric("cluster", "web", "rq_total").number()).isZero();
        assertThat(known.summary("hosts_healthy").text()).isEqualTo("3 / 3");
        assertHostsAsTheAdminReports(known);
        for (final String u : new String[] {"a", "b"}) {
            // Per-host totals are what each upstream received: the requests split over the two hosts.
            assertThat(known.host("api", "127.0.0.1:" + PROXY.upstream(u).port()).field("rq_total"))
                .isEqualTo(String.valueOf(PROXY.upstream(u).requestCount()));
        }

        final Load load = new Load(port);
        final Thread sender = new Thread(load, "dashboard-load");
        sender.start();
        try {
            final DashboardView live = awaitView(v -> v.metric("cluster", "api", "rps").known()
                && v.metric("cluster", "api", "rps").number() > 0 && v.metric("cluster", "api", "p50").known());
            assertThat(Double.parseDouble(live.metric("cluster", "api", "rps").delta())).isPositive();
            assertThat(live.metric("listener", "ingress", "rps").number()).isPositive();
            assertThat(live.metric("cluster", "web", "rps").number()).as("no traffic went to web").isZero();
            assertThat(live.summary("total_rps").number()).isPositive();
            assertThat(live.chartPoints("cluster", "api", "rate")).isPositive();
            assertThat(live.chartSeries("cluster", "api", "latency")).contains("p50");
            final String docs = System.getProperty("dashboard.screenshot");
            if (docs != null) {
                // A screenshot for the README: let the charts fill with a few minutes' worth of varying traffic.
                Thread.sleep(TimeUnit.SECONDS.toMillis(Long.getLong("dashboard.seconds", 75)));
            }
            final byte[] png = browser.screenshot();
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target", "dashboard.png"), png);
            if (docs != null) {
                Files.write(Path.of(docs), png);
            }
        } finally {
            load.stop();
            sender.join(WAIT.toMillis());
        }
        assertThat(load.error()).isNull();
        final long total = KNOWN_REQUESTS + load.sent();
        final long failedTotal = knownFailed + load.failed();
        final DashboardView after = awaitView(v -> shows(v, "cluster", "api", "rq_total", total)
            && shows(v, "listener", "ingress", "rq_total", total));
        assertThat(after.metric("cluster", "api", "rq_5xx").number()).isEqualTo(failedTotal);
        assertThat(after.metric("listener", "ingress", "rq_5xx").number()).isEqualTo(failedTotal);
        assertThat(after.metric("cluster", "web", "rq_total").number()).isZero();
        assertThat(after.metric("cluster", "api", "peak_rps").number()).isPositive();
        assertHostsAsTheAdminReports(after);
    }

    /** Every host of {@code /clusters?format=json} has its row, with the same address, health, weight and counts. */
    private void assertHostsAsTheAdminReports(final DashboardView v) throws Exception {
        final JsonNode clusters = adminJson("/clusters?format=json").path("cluster_statuses");
        int hosts = 0;
        for (final JsonNode c : clusters) {
            for (final JsonNode h : c.path("host_statuses")) {
                final JsonNode a = h.path("address").path("socket_address");
                final DashboardView.Host row = v.host(c.path("name").asText(),
                    a.path("address").asText() + ":" + a.path("port_value").asInt());
                final boolean healthy = h.path("health_status").path("healthy").asBoolean();
                assertThat(row.healthy()).isEqualTo(healthy);
                assertThat(row.field("health")).isEqualTo(healthy ? "healthy" : "unhealthy");
                assertThat(row.field("weight")).isEqualTo(h.path("weight").asText());
                for (final JsonNode s : h.path("stats")) {
                    if (!s.path("name").asText().equals("rq_active")) {
                        assertThat(row.field(s.path("name").asText())).as("%s of %s", s.path("name"), row.host())
                            .isEqualTo(s.path("value").asText());
                    }
                }
                hosts++;
            }
        }
        assertThat(v.hosts()).hasSize(hosts);
        for (final String u : new String[] {"a", "b"}) {
            assertThat(v.host("api", "127.0.0.1:" + PROXY.upstream(u).port()).healthy()).isTrue();
        }
        assertThat(v.host("web", "127.0.0.1:" + PROXY.upstream("c").port()).healthy()).isTrue();
    }

    private JsonNode adminJson(final String path) throws IOException, InterruptedException {
        final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + admin.localAddress().getPort() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /**
     * Live traffic to cluster {@code api} on one keep-alive connection, paced at a rate that swings between about
     * 40 and 200 requests/s so the charts have a shape; one request in {@value #ONE_IN_FAILS} asks for a 503 and
     * one in five for a few milliseconds of upstream delay. Bounded: at most {@value #MAX_REQUESTS} requests.
     */
    private static final class Load implements Runnable {

        private static final int MAX_REQUESTS = 40_000;

        private final int port;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private volatile Throwable error;

        Load(final int port) {
            this.port = port;
        }

        @Override
        public void run() {
            final long t0 = System.nanoTime();
            try (RawHttpClient client = new RawHttpClient(port)) {
                for (int i = 0; i < MAX_REQUESTS && running.get(); i++) {
                    final boolean fail = i % ONE_IN_FAILS == 1;
                    final String path = fail ? "/status/503" : i % 5 == 2 ? "/delay/" + (2 + i % 7) : "/live/" + i;
                    final RawResponse r = client.get(path, "dash.test");
                    if (r.status() != (fail ? 503 : 200)) {
                        throw new IOException(path + " answered " + r.status());
                    }
                    sent.incrementAndGet();
                    failed.addAndGet(fail ? 1 : 0);
                    final double seconds = (System.nanoTime() - t0) / 1e9;
                    final double rate = 120 + 80 * Math.sin(seconds / 9);
                    LockSupport.parkNanos((long) (1e9 / rate));
                }
            } catch (final IOException | RuntimeException e) {
                error = e;
            }
        }

        void stop() {
            running.set(false);
        }

        long sent() {
            return sent.get();
        }

        long failed() {
            return failed.get();
        }

        Throwable error() {
            return error;
        }
    }
}
