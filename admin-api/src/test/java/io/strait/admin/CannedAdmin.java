package io.strait.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread-safe. A stand-in for the admin server that serves the dashboard page from the classpath and canned JSON in
 * the admin's shapes (Envoy's), on 127.0.0.1, so a browser test checks the page's arithmetic and rendering against
 * numbers it knows: numbers in, numbers shown.
 *
 * <p>Every answered {@code /stats} is the next of a series in which the counters grow by fixed steps (listener
 * {@code ingress}: +{@value #INGRESS_STEP} requests, +{@value #INGRESS_4XX_STEP} 4xx, +{@value #INGRESS_5XX_STEP}
 * 5xx; cluster {@code api}: +{@value #API_STEP} requests, +{@value #API_5XX_STEP} 5xx; cluster {@code idle}: none),
 * and the histograms show fixed quantiles. Every {@code /clusters} is the next of a series in which the hosts of
 * {@code api} gain {@value #HOST_A_STEP} and {@value #HOST_B_STEP} requests. {@link #failStats(int)} makes
 * {@code /stats} answer an error status instead, {@link #requireToken(String)} makes the JSON endpoints want a bearer
 * token.
 */
final class CannedAdmin implements AutoCloseable {

    static final int INGRESS_BASE = 1000;
    static final int INGRESS_STEP = 20;
    static final int INGRESS_4XX_STEP = 3;
    static final int INGRESS_5XX_STEP = 1;
    static final int API_BASE = 500;
    static final int API_STEP = 10;
    static final int API_5XX_STEP = 2;
    static final int HOST_A_BASE = 60;
    static final int HOST_A_STEP = 6;
    static final int HOST_B_BASE = 40;
    static final int HOST_B_STEP = 4;

    /** The quantiles of Envoy's {@code supported_quantiles}. */
    static final double[] QUANTILES = {0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100};
    /** The interval values of {@code http.ingress.downstream_rq_time}, one per quantile, in ms. */
    static final double[] INGRESS_MS = {0.2, 0.9, 1.5, 2.0, 3.25, 4.0, 9.75, 10.5, 11.0, 12.0};
    /** The interval values of {@code cluster.api.upstream_rq_time}, one per quantile, in ms. */
    static final double[] API_MS = {0.1, 0.6, 1.25, 1.5, 2.5, 3.0, 7.5, 8.0, 9.0, 10.0};

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicInteger statsServed = new AtomicInteger();
    private final AtomicInteger clustersServed = new AtomicInteger();
    private volatile int statsFailure;
    private volatile String token;

    CannedAdmin() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The page's address. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** From now on the JSON endpoints answer 401 without {@code Authorization: Bearer <token>} (the page is free). */
    void requireToken(final String t) {
        token = t;
    }

    /** From now on {@code /stats} answers {@code status} (0: answers normally again). */
    void failStats(final int status) {
        statsFailure = status;
    }

    private void handle(final HttpExchange ex) throws IOException {
        try (ex) {
            final String path = ex.getRequestURI().getPath();
            final String t = token;
            if (t != null && !path.equals("/")
                && !("Bearer " + t).equals(ex.getRequestHeaders().getFirst("authorization"))) {
                send(ex, 401, "text/plain", "unauthorized\n");
                return;
            }
            switch (path) {
                case "/" -> send(ex, 200, "text/html; charset=utf-8", page());
                case "/stats" -> {
                    final int failure = statsFailure;
                    if (failure != 0) {
                        send(ex, failure, "text/plain", "canned failure\n");
                    } else {
                        final int n = statsServed.incrementAndGet();
                        send(ex, 200, "application/json", JSON.writeValueAsString(stats(n)));
                    }
                }
                case "/clusters" -> send(ex, 200, "application/json",
                    JSON.writeValueAsString(clusters(clustersServed.incrementAndGet())));
                case "/server_info" -> send(ex, 200, "application/json", JSON.writeValueAsString(serverInfo()));
                default -> send(ex, 404, "text/plain", "no " + path + "\n");
            }
        }
    }

    private static String page() throws IOException {
        try (InputStream in = CannedAdmin.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IOException("io/strait/admin/dashboard.html is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void send(final HttpExchange ex, final int status, final String type, final String body)
        throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("content-type", type);
        ex.getResponseHeaders().set("cache-control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The {@code n}th answer of {@code /stats?format=json}. */
    static Map<String, Object> stats(final int n) {
        final List<Object> stats = new ArrayList<>();
        stats.add(scalar("cluster.api.membership_healthy", 1));
        stats.add(scalar("cluster.api.membership_total", 2));
        stats.add(scalar("cluster.api.upstream_rq_5xx", API_5XX_STEP * n));
        stats.add(scalar("cluster.api.upstream_rq_active", 1));
        stats.add(scalar("cluster.api.upstream_rq_total", API_BASE + API_STEP * n));
        stats.add(scalar("cluster.idle.membership_healthy", 0));
        stats.add(scalar("cluster.idle.membership_total", 1));
        stats.add(scalar("cluster.idle.upstream_rq_total", 7));
        stats.add(scalar("http.ingress.downstream_cx_active", 5));
        stats.add(scalar("http.ingress.downstream_rq_4xx", INGRESS_4XX_STEP * n));
        stats.add(scalar("http.ingress.downstream_rq_5xx", INGRESS_5XX_STEP * n));
        stats.add(scalar("http.ingress.downstream_rq_active", 3));
        stats.add(scalar("http.ingress.downstream_rq_total", INGRESS_BASE + INGRESS_STEP * n));
        stats.add(scalar("listener.ingress.downstream_cx_overflow", 0));
        final List<Object> computed = new ArrayList<>();
        computed.add(histogram("cluster.api.upstream_rq_time", API_MS));
        computed.add(histogram("cluster.idle.upstream_rq_time", null));
        computed.add(histogram("http.ingress.downstream_rq_time", INGRESS_MS));
        final List<Object> supported = new ArrayList<>();
        for (final double q : QUANTILES) {
            supported.add(q);
        }
        final Map<String, Object> histograms = new LinkedHashMap<>();
        histograms.put("supported_quantiles", supported);
        histograms.put("computed_quantiles", computed);
        stats.add(Map.of("histograms", histograms));
        return Map.of("stats", stats);
    }

    private static Map<String, Object> scalar(final String name, final long value) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("value", value);
        return m;
    }

    /** A histogram whose interval values are {@code ms} (null: no sample, as Envoy shows an empty one). */
    private static Map<String, Object> histogram(final String name, final double[] ms) {
        final List<Object> values = new ArrayList<>();
        for (int i = 0; i < QUANTILES.length; i++) {
            final Map<String, Object> v = new LinkedHashMap<>();
            v.put("interval", ms == null ? null : ms[i]);
            v.put("cumulative", ms == null ? null : ms[i] * 2);
            values.add(v);
        }
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("values", values);
        return m;
    }

    /** The {@code n}th answer of {@code /clusters?format=json}. */
    static Map<String, Object> clusters(final int n) {
        final List<Object> api = List.of(
            host("127.0.0.1", 8081, HOST_A_BASE + HOST_A_STEP * n, 0, 1, 2, health(true, false, false), "", 1),
            host("127.0.0.1", 8082, HOST_B_BASE + HOST_B_STEP * n, 7, 0, 1, health(false, false, true), "", 3));
        final List<Object> idle = List.of(
            host("::1", 8083, 7, 7, 0, 0, health(false, true, false), "connect refused", 1));
        return Map.of("cluster_statuses", List.of(cluster("api", api), cluster("idle", idle)));
    }

    private static Map<String, Object> cluster(final String name, final List<Object> hosts) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("host_statuses", hosts);
        return m;
    }

    private static Map<String, Object> health(final boolean healthy, final boolean activeFailed,
                                              final boolean outlier) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("healthy", healthy);
        m.put("failed_active_health_check", activeFailed);
        m.put("failed_outlier_check", outlier);
        m.put("pending_dynamic_removal", false);
        return m;
    }

    private static Map<String, Object> host(final String ip, final int port, final long total, final long errors,
                                            final long active, final long cx, final Map<String, Object> health,
                                            final String reason, final int weight) {
        final Map<String, Object> address = new LinkedHashMap<>();
        address.put("address", ip);
        address.put("port_value", port);
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("address", Map.of("socket_address", address));
        m.put("stats", List.of(scalar("rq_active", active), scalar("rq_total", total), scalar("rq_error", errors),
            scalar("cx_active", cx)));
        m.put("health_status", health);
        m.put("health_reason", reason);
        m.put("weight", weight);
        return m;
    }

    /** {@code /server_info}; no {@code jdk} field, to show the page copes with what is missing. */
    static Map<String, Object> serverInfo() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", "9.9.9-test");
        m.put("state", "SERVING");
        m.put("uptime_seconds", 3725);
        m.put("transport", "epoll (canned)");
        m.put("event_loops", 2);
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
