package io.strait.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One test per endpoint, over loopback HTTP against an admin server on a {@link FakeTarget}. */
class AdminServerIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    private final FakeTarget target = new FakeTarget();
    private AdminServer server;
    private AdminClient client;

    @BeforeEach
    void start() throws Exception {
        final AdminOptions d = AdminOptions.defaults(new InetSocketAddress("127.0.0.1", 0));
        server = AdminServer.start(new AdminOptions(d.address(), null, d.maxConnections(), d.maxHeadBytes(),
            d.maxBodyBytes(), d.idleTimeout(), java.time.Duration.ofHours(1), CLOCK), target);
        client = new AdminClient(server.localAddress());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private static JsonNode json(final HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    @Test
    void runsOnItsOwnThread() throws Exception {
        final String[] name = new String[1];
        final FakeTarget probe = new FakeTarget() {
            @Override
            public ServerState state() {
                name[0] = Thread.currentThread().getName();
                return ServerState.SERVING;
            }
        };
        try (AdminServer other = AdminServer.start(AdminOptions.defaults(new InetSocketAddress("127.0.0.1", 0)),
            probe)) {
            assertThat(new AdminClient(other.localAddress()).get("/ready").statusCode()).isEqualTo(200);
        }
        assertThat(name[0]).startsWith(AdminServer.THREAD_NAME);
    }

    @Test
    void indexLinksToTheEndpoints() throws Exception {
        final HttpResponse<String> r = client.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(r.body()).contains("<a href=\"/stats?format=json\">", "<a href=\"/clusters\">",
            "POST <code>/quitquitquit</code>");
    }

    @Test
    void helpListsEveryEndpointWithItsMethod() throws Exception {
        final HttpResponse<String> r = client.get("/help");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("GET  /stats/prometheus", "POST /reload", "POST /quitquitquit",
            "GET  /ready", "GET  /overload");
        assertThat(r.body().lines().count()).isEqualTo(22);
    }

    @Test
    void statsText() throws Exception {
        target.api0.add(ClusterStat.UPSTREAM_RQ_TOTAL, 7);
        target.api1.add(ClusterStat.UPSTREAM_RQ_TOTAL, 5);
        target.api0.inc(ClusterStat.UPSTREAM_RQ_ACTIVE);
        target.api0.record(ClusterStat.UPSTREAM_RQ_TIME, 1000);
        target.api1.record(ClusterStat.UPSTREAM_RQ_TIME, 3000);
        final HttpResponse<String> r = client.get("/stats");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().lines()).contains("cluster.api.upstream_rq_total: 12", "cluster.api.upstream_rq_active: 1",
            "http.ingress.downstream_rq_total: 0",
            // 1 ms and 3 ms as the highest values of their HdrHistogram buckets (2 significant digits: 1000-1003 us
            // and 2992-3007 us).
            "cluster.api.upstream_rq_time: P0(nan,1.003) P25(nan,1.003) P50(nan,1.003) P75(nan,3.007) "
                + "P90(nan,3.007) P95(nan,3.007) P99(nan,3.007) P99.5(nan,3.007) P99.9(nan,3.007) P100(nan,3.007)",
            "http.ingress.downstream_rq_time: P0(nan,nan) P25(nan,nan) P50(nan,nan) P75(nan,nan) P90(nan,nan) "
                + "P95(nan,nan) P99(nan,nan) P99.5(nan,nan) P99.9(nan,nan) P100(nan,nan)");
        // Counters and gauges first, histograms after them, as Envoy prints them.
        final List<String> lines = r.body().lines().toList();
        assertThat(lines.indexOf("cluster.api.upstream_rq_total: 12"))
            .isLessThan(lines.indexOf(lines.stream().filter(l -> l.startsWith("cluster.api.upstream_cx_connect_ms"))
                .findFirst().orElseThrow()));
    }

    @Test
    void statsFilterAndUsedOnly() throws Exception {
        target.api0.add(ClusterStat.UPSTREAM_RQ_2XX, 3);
        target.http0.inc(HttpStat.DOWNSTREAM_RQ_TOTAL);
        final HttpResponse<String> used = client.get("/stats?usedonly");
        assertThat(used.body().lines()).containsExactly("cluster.api.upstream_rq_2xx: 3",
            "http.ingress.downstream_rq_total: 1");
        final HttpResponse<String> filtered = client.get("/stats?filter=%5Ecluster%5C.api%5C.upstream_rq_%5Cdxx");
        assertThat(filtered.body().lines()).containsExactly("cluster.api.upstream_rq_2xx: 3",
            "cluster.api.upstream_rq_3xx: 0", "cluster.api.upstream_rq_4xx: 0", "cluster.api.upstream_rq_5xx: 0");
        final HttpResponse<String> both = client.get("/stats?filter=rq_&usedonly");
        assertThat(both.body().lines()).containsExactly("cluster.api.upstream_rq_2xx: 3",
            "http.ingress.downstream_rq_total: 1");
    }

    @Test
    void statsBadFilterIs400WithTheReason() throws Exception {
        final HttpResponse<String> r = client.get("/stats?filter=(unclosed");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("invalid regex in filter: ").contains("missing closing )");
        assertThat(client.get("/stats?format=xml").statusCode()).isEqualTo(400);
    }

    @Test
    void statsJsonHasEnvoysShapeWithIntervals() throws Exception {
        target.api0.add(ClusterStat.UPSTREAM_RQ_TOTAL, 4);
        target.api0.record(ClusterStat.UPSTREAM_RQ_TIME, 2000);
        server.rollInterval();
        target.api0.record(ClusterStat.UPSTREAM_RQ_TIME, 10_000);
        target.api1.record(ClusterStat.UPSTREAM_RQ_TIME, 10_000);
        server.rollInterval();
        final JsonNode stats = json(client.get("/stats?format=json")).get("stats");
        final List<String> names = new ArrayList<>();
        stats.forEach(s -> {
            if (s.has("name")) {
                names.add(s.get("name").asText());
            }
        });
        assertThat(names).contains("cluster.api.upstream_rq_total", "http.ingress.downstream_rq_total");
        final JsonNode total = find(stats, "cluster.api.upstream_rq_total");
        assertThat(total.get("value").asLong()).isEqualTo(4);
        final JsonNode histograms = stats.get(stats.size() - 1).get("histograms");
        assertThat(histograms.get("supported_quantiles").toString()).isEqualTo("[0,25,50,75,90,95,99,99.5,99.9,100]");
        final JsonNode rqTime = find(histograms.get("computed_quantiles"), "cluster.api.upstream_rq_time");
        final JsonNode values = rqTime.get("values");
        assertThat(values).hasSize(10);
        // Interval: the two 10 ms samples of the last completed interval; cumulative: all three.
        assertThat(values.get(0).get("interval").asDouble()).isBetween(9.9, 10.1);
        assertThat(values.get(0).get("cumulative").asDouble()).isBetween(1.98, 2.02);
        assertThat(values.get(9).get("cumulative").asDouble()).isBetween(9.9, 10.1);
        final JsonNode empty = find(histograms.get("computed_quantiles"), "http.ingress.downstream_rq_time");
        assertThat(empty.get("values").get(0).get("interval").isNull()).isTrue();
        assertThat(empty.get("values").get(0).get("cumulative").isNull()).isTrue();
    }

    @Test
    void anIntervalHoldsOnlyItsOwnSamplesAcrossQuietRolls() throws Exception {
        target.api0.record(ClusterStat.UPSTREAM_RQ_TIME, 2000);
        server.rollInterval();
        assertThat(intervalQuantile(0)).as("the first interval: one 2 ms sample").isBetween(1.98, 2.02);
        server.rollInterval();
        assertThat(intervalQuantileNode(0).isNull()).as("nothing recorded in the second interval").isTrue();
        target.api1.record(ClusterStat.UPSTREAM_RQ_TIME, 10_000);
        server.rollInterval();
        assertThat(intervalQuantile(0)).as("the third: only its own 10 ms sample").isBetween(9.9, 10.1);
        assertThat(intervalQuantile(9)).isBetween(9.9, 10.1);
        server.rollInterval();
        assertThat(intervalQuantileNode(9).isNull()).isTrue();
        final JsonNode cumulative = rqTimeValues().get(0).get("cumulative");
        assertThat(cumulative.asDouble()).as("the cumulative one keeps both").isBetween(1.98, 2.02);
    }

    private double intervalQuantile(final int index) throws Exception {
        return intervalQuantileNode(index).asDouble();
    }

    private JsonNode intervalQuantileNode(final int index) throws Exception {
        return rqTimeValues().get(index).get("interval");
    }

    private JsonNode rqTimeValues() throws Exception {
        final JsonNode stats = json(client.get("/stats?format=json")).get("stats");
        final JsonNode histograms = stats.get(stats.size() - 1).get("histograms");
        return find(histograms.get("computed_quantiles"), "cluster.api.upstream_rq_time").get("values");
    }

    private static JsonNode find(final JsonNode array, final String name) {
        for (final JsonNode n : array) {
            if (n.has("name") && n.get("name").asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError(name + " not in " + array);
    }

    @Test
    void clustersText() throws Exception {
        final HttpResponse<String> r = client.get("/clusters");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().lines()).containsExactly(
            "api::127.0.0.1:8081::cx_active::1",
            "api::127.0.0.1:8081::cx_connect_fail::1",
            "api::127.0.0.1:8081::cx_total::2",
            "api::127.0.0.1:8081::rq_active::0",
            "api::127.0.0.1:8081::rq_error::0",
            "api::127.0.0.1:8081::rq_success::5",
            "api::127.0.0.1:8081::rq_timeout::0",
            "api::127.0.0.1:8081::rq_total::5",
            "api::127.0.0.1:8081::health_flags::healthy",
            "api::127.0.0.1:8081::weight::1",
            "api::127.0.0.1:8082::cx_active::0",
            "api::127.0.0.1:8082::cx_connect_fail::4",
            "api::127.0.0.1:8082::cx_total::6",
            "api::127.0.0.1:8082::rq_active::2",
            "api::127.0.0.1:8082::rq_error::4",
            "api::127.0.0.1:8082::rq_success::1",
            "api::127.0.0.1:8082::rq_timeout::3",
            "api::127.0.0.1:8082::rq_total::7",
            "api::127.0.0.1:8082::health_flags::/failed_active_hc",
            "api::127.0.0.1:8082::health_reason::health check: connection refused",
            "api::127.0.0.1:8082::weight::3");
    }

    @Test
    void clustersJsonHasEnvoysShape() throws Exception {
        final JsonNode c = json(client.get("/clusters?format=json")).get("cluster_statuses").get(0);
        assertThat(c.get("name").asText()).isEqualTo("api");
        final JsonNode h = c.get("host_statuses").get(1);
        assertThat(h.get("address").get("socket_address").get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(h.get("address").get("socket_address").get("port_value").asInt()).isEqualTo(8082);
        assertThat(h.get("stats").toString()).isEqualTo("[{\"type\":\"GAUGE\",\"name\":\"rq_active\",\"value\":2},"
            + "{\"name\":\"rq_total\",\"value\":7},{\"name\":\"rq_error\",\"value\":4},"
            + "{\"name\":\"rq_success\",\"value\":1},{\"name\":\"rq_timeout\",\"value\":3},"
            + "{\"name\":\"cx_total\",\"value\":6},{\"name\":\"cx_connect_fail\",\"value\":4},"
            + "{\"type\":\"GAUGE\",\"name\":\"cx_active\",\"value\":0}]");
        assertThat(h.get("health_status").toString()).isEqualTo("{\"healthy\":false,"
            + "\"failed_active_health_check\":true,\"failed_outlier_check\":false,\"pending_dynamic_removal\":false}");
        assertThat(h.get("weight").asInt()).isEqualTo(3);
        assertThat(h.get("health_reason").asText()).isEqualTo("health check: connection refused");
    }

    @Test
    void listeners() throws Exception {
        assertThat(client.get("/listeners").body().lines())
            .containsExactly("ingress::127.0.0.1:10000::http", "secure::[::1]:10443::http::tls");
        final JsonNode l = json(client.get("/listeners?format=json")).get("listener_statuses");
        assertThat(l.get(1).get("name").asText()).isEqualTo("secure");
        assertThat(l.get(1).get("local_address").get("socket_address").get("port_value").asInt()).isEqualTo(10443);
        assertThat(l.get(1).get("tls").asBoolean()).isTrue();
    }

    @Test
    void configDumpRedactsSecrets() throws Exception {
        final JsonNode c = json(client.get("/config_dump"));
        assertThat(c.get("admin").get("auth_token_file").asText()).isEqualTo("/etc/strait/token");
        assertThat(c.get("client_secret").asText()).isEqualTo(ConfigTree.REDACTED);
        assertThat(c.get("drain_timeout").asText()).isEqualTo("1.5s");
        assertThat(c.get("request_headers_to_add").get(0).get("value").asText()).isEqualTo(ConfigTree.REDACTED);
        assertThat(c.get("request_headers_to_add").get(1).get("value").asText()).isEqualTo("prod");
        assertThat(c.toString()).doesNotContain("hunter2", "c2VjcmV0");
    }

    @Test
    void certs() throws Exception {
        final JsonNode c = json(client.get("/certs")).get("certificates").get(0);
        assertThat(c.get("listener").asText()).isEqualTo("secure");
        assertThat(c.get("subject").asText()).isEqualTo("CN=a.example.com");
        assertThat(c.get("subject_alt_names").toString()).isEqualTo("[\"a.example.com\",\"127.0.0.1\"]");
        assertThat(c.get("serial_number").asText()).isEqualTo("1a2b3c");
        assertThat(c.get("expiration_time").asText()).isEqualTo("2027-01-31T00:00:00Z");
        assertThat(c.get("days_until_expiration").asLong()).isEqualTo(61);
        final JsonNode client = json(this.client.get("/certs")).get("certificates").get(1);
        assertThat(client.has("listener")).isFalse();
        assertThat(client.get("cluster").asText()).isEqualTo("payments");
        assertThat(client.get("kind").asText()).isEqualTo("client");
        assertThat(client.get("subject_alt_names").get(0).asText())
            .isEqualTo("spiffe://example.org/ns/demo/sa/frontend");
        assertThat(client.get("days_until_expiration").asLong()).isEqualTo(10);
    }

    @Test
    void serverInfo() throws Exception {
        final JsonNode i = json(client.get("/server_info"));
        assertThat(i.get("version").asText()).isEqualTo("0.1.0-test");
        assertThat(i.get("state").asText()).isEqualTo("SERVING");
        assertThat(i.get("uptime_seconds").asLong()).isEqualTo(42);
        assertThat(i.get("jdk").asText()).isEqualTo("21.0.2");
        assertThat(i.get("transport").asText()).isEqualTo("nio (test)");
        assertThat(i.get("event_loops").asInt()).isEqualTo(2);
        assertThat(i.get("health_check_failed").asBoolean()).isFalse();
    }

    @Test
    void readyFollowsTheState() throws Exception {
        assertThat(client.get("/ready").statusCode()).isEqualTo(200);
        assertThat(client.get("/ready").body()).isEqualTo("LIVE\n");
        target.state = ServerState.STARTING;
        assertThat(client.get("/ready").statusCode()).isEqualTo(503);
        assertThat(client.get("/ready").body()).isEqualTo("STARTING\n");
        target.state = ServerState.DRAINING;
        assertThat(client.get("/ready").statusCode()).isEqualTo(503);
        assertThat(client.get("/ready").body()).isEqualTo("DRAINING\n");
    }

    @Test
    void healthCheckFailAndOk() throws Exception {
        assertThat(client.post("/healthcheck/fail").statusCode()).isEqualTo(200);
        assertThat(client.get("/ready").statusCode()).isEqualTo(503);
        assertThat(json(client.get("/server_info")).get("health_check_failed").asBoolean()).isTrue();
        assertThat(client.post("/healthcheck/ok").statusCode()).isEqualTo(200);
        assertThat(client.get("/ready").statusCode()).isEqualTo(200);
        assertThat(target.calls).containsExactly("healthcheck fail", "healthcheck ok");
    }

    @Test
    void drainListeners() throws Exception {
        final HttpResponse<String> r = client.post("/drain_listeners");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("draining 2 listeners\n");
        assertThat(target.calls).containsExactly("drain");
    }

    @Test
    void reloadAnswersOkErrorsOrNotImplemented() throws Exception {
        HttpResponse<String> r = client.post("/reload");
        assertThat(r.statusCode()).isEqualTo(501);
        assertThat(r.body()).isEqualTo("configuration reload is not supported yet\n");
        target.reloadResult = ActionResult.rejected("2 error(s); the running configuration stays",
            List.of("s.yaml:3:5: clusters[0].name: missing", "s.yaml:9:1: listeners: missing"));
        r = client.post("/reload");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body().lines()).containsExactly("2 error(s); the running configuration stays",
            "s.yaml:3:5: clusters[0].name: missing", "s.yaml:9:1: listeners: missing");
        target.reloadResult = ActionResult.ok("reloaded");
        assertThat(client.post("/reload").statusCode()).isEqualTo(200);
    }

    @Test
    void overloadIsTheTargetsTree() throws Exception {
        final JsonNode tree = json(client.get("/overload"));
        assertThat(tree.get("enabled").asBoolean()).as("a target without an overload manager").isFalse();
        assertThat(client.post("/overload").statusCode()).isEqualTo(405);
    }

    @Test
    void runtimeAndRuntimeModify() throws Exception {
        assertThat(json(client.get("/runtime")).get("entries").get("health_check.min_interval").asText())
            .isEqualTo("1s");
        assertThat(client.post("/runtime_modify?a.b=1&c=x%20y").statusCode()).isEqualTo(200);
        assertThat(client.postForm("/runtime_modify", "d=4").statusCode()).isEqualTo(200);
        final JsonNode entries = json(client.get("/runtime")).get("entries");
        assertThat(entries.get("a.b").asText()).isEqualTo("1");
        assertThat(entries.get("c").asText()).isEqualTo("x y");
        assertThat(entries.get("d").asText()).isEqualTo("4");
        final HttpResponse<String> bad = client.post("/runtime_modify?bad.key=1");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("unknown runtime key 'bad.key'");
        assertThat(client.post("/runtime_modify").statusCode()).isEqualTo(400);
    }

    @Test
    void logging() throws Exception {
        assertThat(client.post("/logging?level=debug").statusCode()).isEqualTo(200);
        assertThat(client.post("/logging?io.strait.core=WARN").body()).isEqualTo("io.strait.core now logs at warn\n");
        final HttpResponse<String> bad = client.post("/logging?level=loud");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("unknown level 'loud'");
        assertThat(client.post("/logging").statusCode()).isEqualTo(400);
        assertThat(target.calls).containsExactly("log root=debug", "log io.strait.core=warn");
    }

    @Test
    void resetCountersZeroesCountersNotGauges() throws Exception {
        target.api0.add(ClusterStat.UPSTREAM_RQ_TOTAL, 9);
        target.api0.add(ClusterStat.UPSTREAM_CX_ACTIVE, 2);
        assertThat(client.post("/reset_counters").statusCode()).isEqualTo(200);
        target.api1.add(ClusterStat.UPSTREAM_RQ_TOTAL, 2);
        assertThat(client.get("/stats?filter=upstream_%28rq_total%7Ccx_active%29").body().lines())
            .containsExactly("cluster.api.upstream_cx_active: 2", "cluster.api.upstream_rq_total: 2");
    }

    @Test
    void reopenLogs() throws Exception {
        final HttpResponse<String> r = client.post("/reopen_logs");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(target.calls).containsExactly("reopen");
    }

    @Test
    void quitAnswersThenQuits() throws Exception {
        final HttpResponse<String> r = client.post("/quitquitquit");
        assertThat(r.statusCode()).isEqualTo(200);
        target.quit.await();
        assertThat(target.calls).containsExactly("quit");
    }

    @Test
    void mutationsAnswer405ToGetWithAllow() throws Exception {
        for (final String path : List.of("/healthcheck/fail", "/healthcheck/ok", "/drain_listeners", "/reload",
            "/runtime_modify", "/logging", "/reset_counters", "/reopen_logs", "/quitquitquit")) {
            final HttpResponse<String> r = client.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(405);
            assertThat(r.headers().firstValue("allow")).as(path).hasValue("POST");
        }
        assertThat(target.calls).isEmpty();
        assertThat(client.post("/stats").headers().firstValue("allow")).hasValue("GET");
    }

    @Test
    void unknownPathIs404WithAHint() throws Exception {
        final HttpResponse<String> r = client.get("/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("no admin endpoint /nope (GET /help lists them)\n");
    }
}
