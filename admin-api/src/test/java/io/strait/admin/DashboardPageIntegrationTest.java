package io.strait.admin;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

import static io.strait.admin.CannedAdmin.API_5XX_STEP;
import static io.strait.admin.CannedAdmin.API_STEP;
import static io.strait.admin.CannedAdmin.HOST_A_BASE;
import static io.strait.admin.CannedAdmin.HOST_A_STEP;
import static io.strait.admin.CannedAdmin.HOST_B_BASE;
import static io.strait.admin.CannedAdmin.HOST_B_STEP;
import static io.strait.admin.CannedAdmin.INGRESS_4XX_STEP;
import static io.strait.admin.CannedAdmin.INGRESS_5XX_STEP;
import static io.strait.admin.CannedAdmin.INGRESS_BASE;
import static io.strait.admin.CannedAdmin.INGRESS_STEP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard page in a real headless Chromium against {@link CannedAdmin} on loopback: the rates, percentiles,
 * host rows and server facts it shows are the ones the JSON it polled implies, and a failing endpoint raises the
 * error banner until polling succeeds again. Skipped without a browser, failed without one under
 * {@code CI_REQUIRE_CHROMIUM=1}.
 */
class DashboardPageIntegrationTest {

    private static HeadlessChromium browser;
    private CannedAdmin admin;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = HeadlessChromium.launch(HeadlessChromium.binaryOrSkip(), 1400, 1000);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void startAdmin() throws Exception {
        admin = new CannedAdmin();
    }

    @AfterEach
    void stopAdmin() {
        admin.close();
    }

    private static DashboardView awaitView(final Predicate<DashboardView> condition) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> DashboardView.read(browser), condition);
    }

    /** Asserts that a rate figure is the counter delta it shows over the interval it shows. */
    private static void assertRate(final DashboardView.Figure f, final int delta) {
        assertThat(f.delta()).as("delta behind %s", f).isEqualTo(String.valueOf(delta));
        final double interval = Double.parseDouble(f.intervalMs());
        assertThat(interval).as("poll interval of %s", f).isPositive();
        assertThat(f.number()).as("rate %s", f).isCloseTo(delta * 1000.0 / interval, withinPercentage(0.5));
    }

    @Test
    void showsTheRatesPercentilesAndHostsImpliedByWhatItPolls() throws Exception {
        browser.open(admin.uri());
        final DashboardView v = awaitView(d -> d.polls() >= 3 && d.metric("cluster", "api", "rps") != null
            && d.metric("cluster", "api", "rps").known() && d.hosts().size() == 3
            && !d.hosts().get(0).field("rps").equals("–"));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "dashboard-canned.png"), browser.screenshot());

        assertThat(v.banner()).isNull();
        assertThat(v.state()).isEqualTo("SERVING");
        assertThat(v.info("version")).isEqualTo("9.9.9-test");
        assertThat(v.info("uptime_seconds")).isEqualTo("1h 02m 05s");
        assertThat(v.info("transport")).isEqualTo("epoll (canned)");
        assertThat(v.info("event_loops")).isEqualTo("2");
        assertThat(v.info("jdk")).isNull();

        assertRate(v.metric("listener", "ingress", "rps"), INGRESS_STEP);
        assertRate(v.metric("listener", "ingress", "rate_4xx"), INGRESS_4XX_STEP);
        assertRate(v.metric("listener", "ingress", "rate_5xx"), INGRESS_5XX_STEP);
        assertRate(v.metric("cluster", "api", "rps"), API_STEP);
        assertRate(v.metric("cluster", "api", "rate_5xx"), API_5XX_STEP);
        assertRate(v.metric("cluster", "idle", "rps"), 0);
        assertThat(v.metric("cluster", "api", "rate_4xx").known()).as("no 4xx counter, no 4xx rate").isFalse();
        assertThat(v.metric("listener", "ingress", "error_pct").text())
            .isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", 100.0 * INGRESS_5XX_STEP / INGRESS_STEP));
        assertThat(v.summary("total_rps").number()).isEqualTo(v.metric("listener", "ingress", "rps").number());
        assertThat(v.summary("total_active").text()).isEqualTo("3");
        assertThat(v.summary("hosts_healthy").text()).isEqualTo("1 / 3");

        final double ingressTotal = v.metric("listener", "ingress", "rq_total").number();
        assertThat(ingressTotal).isGreaterThan(INGRESS_BASE);
        assertThat((ingressTotal - INGRESS_BASE) % INGRESS_STEP).isZero();
        assertThat(v.metric("cluster", "idle", "rq_total").text()).isEqualTo("7");
        assertThat(v.metric("cluster", "api", "rq_5xx").number()).isPositive();
        assertThat(v.metric("cluster", "api", "rq_5xx").number() % API_5XX_STEP).isZero();
        assertThat(v.metric("cluster", "idle", "rq_5xx").text()).as("no 5xx counter").isEqualTo("–");

        assertThat(v.metric("listener", "ingress", "p50").text()).isEqualTo("1.50");
        assertThat(v.metric("listener", "ingress", "p90").text()).isEqualTo("3.25");
        assertThat(v.metric("listener", "ingress", "p99").text()).isEqualTo("9.75");
        assertThat(v.metric("cluster", "api", "p99").text()).isEqualTo("7.50");
        assertThat(v.metric("cluster", "idle", "p99").known()).as("an empty histogram has no p99").isFalse();

        assertThat(v.chartSeries("cluster", "api", "rate")).contains("rps", "r5xx");
        assertThat(v.chartPoints("cluster", "api", "rate")).isPositive();
        assertThat(v.chartSeries("listener", "ingress", "latency")).containsExactly("p50", "p90", "p99");
        assertThat(v.chartPoints("listener", "ingress", "latency")).isGreaterThanOrEqualTo(3 * 3);

        final DashboardView.Host a = v.host("api", "127.0.0.1:8081");
        assertThat(a.healthy()).isTrue();
        assertThat(a.field("health")).isEqualTo("healthy");
        assertThat(a.field("weight")).isEqualTo("1");
        assertThat(a.field("rq_error")).isEqualTo("0");
        assertThat(a.field("rq_active")).isEqualTo("1");
        assertThat(a.field("cx_active")).isEqualTo("2");
        assertThat((Integer.parseInt(a.field("rq_total")) - HOST_A_BASE) % HOST_A_STEP).isZero();
        assertThat(Double.parseDouble(a.field("rps"))).isPositive();
        final DashboardView.Host b = v.host("api", "127.0.0.1:8082");
        assertThat(b.healthy()).isFalse();
        assertThat(b.field("health")).isEqualTo("unhealthy");
        assertThat(b.field("reason")).isEqualTo("ejected by outlier detection");
        assertThat(b.field("weight")).isEqualTo("3");
        assertThat(b.field("rq_error")).isEqualTo("7");
        assertThat((Integer.parseInt(b.field("rq_total")) - HOST_B_BASE) % HOST_B_STEP).isZero();
        final DashboardView.Host c = v.host("idle", "[::1]:8083");
        assertThat(c.healthy()).isFalse();
        assertThat(c.field("reason")).isEqualTo("failed active health check; connect refused");
        assertThat(c.field("rq_total")).isEqualTo("7");
    }

    @Test
    void showsABannerWhilePollingFailsAndRecoversWhenItSucceedsAgain() throws Exception {
        browser.open(admin.uri());
        final DashboardView before = awaitView(d -> d.polls() >= 2 && d.metric("cluster", "api", "rps") != null
            && d.metric("cluster", "api", "rps").known());
        assertThat(before.banner()).isNull();

        admin.failStats(503);
        final DashboardView failing = awaitView(d -> d.banner() != null);
        assertThat(failing.banner()).contains("stats?format=json: HTTP 503 canned failure", "Retrying");
        assertThat(failing.failures()).isPositive();
        assertThat(failing.metric("cluster", "api", "rq_total").known())
            .as("the last good figures stay on the page").isTrue();
        final int pollsWhileFailing = awaitView(d -> d.failures() >= failing.failures() + 1).polls();

        admin.failStats(0);
        final DashboardView after = awaitView(d -> d.banner() == null);
        assertThat(after.polls()).isGreaterThan(pollsWhileFailing);
        assertThat(after.metric("cluster", "api", "rps").known()).isTrue();
    }

    @Test
    void sendsTheBearerTokenOfItsFragmentAndSaysWhenOneIsWanted() throws Exception {
        admin.requireToken("s3cret");
        browser.open(admin.uri());
        final DashboardView refused = awaitView(d -> d.banner() != null);
        assertThat(refused.banner()).contains("HTTP 401", "add #token=<token> to this URL");

        browser.open(admin.uri().resolve("/#token=s3cret"));
        final DashboardView allowed = awaitView(d -> d.polls() >= 2 && d.banner() == null
            && d.metric("cluster", "api", "rq_total") != null && d.metric("cluster", "api", "rq_total").known());
        assertThat(allowed.info("version")).isEqualTo("9.9.9-test");
        final DashboardView later = awaitView(d -> d.polls() >= allowed.polls() + 2);
        assertThat(later.failures()).as("no poll failed once the token was there").isEqualTo(allowed.failures());
        assertThat(later.banner()).isNull();
    }
}
