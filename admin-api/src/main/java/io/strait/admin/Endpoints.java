package io.strait.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Confined to the admin thread. The table of endpoints: path, method, one line of help and handler; dispatches a
 * request to its endpoint, answering 404 (with a pointer to {@code /help}) for an unknown path and 405 (with
 * {@code Allow}) for the wrong method. Also serves {@code /} (the dashboard resource {@code
 * io/strait/admin/dashboard.html} when the jar has it, else a page of links) and {@code /help}.
 */
final class Endpoints {

    /** The dashboard page, served at {@code /} when present. */
    static final String DASHBOARD = "dashboard.html";

    /**
     * One endpoint.
     *
     * @param path     its path
     * @param post     true for an action (POST only), false for a page (GET only)
     * @param help     one line for {@code /help}
     * @param handler  what answers it
     */
    record Endpoint(String path, boolean post, String help, Function<AdminRequest, AdminResponse> handler) {
    }

    private final Map<String, Endpoint> table = new LinkedHashMap<>();
    private final String index;

    Endpoints(final ReadEndpoints read, final ActionEndpoints act) {
        add("/", false, "this page (the dashboard)", r -> new AdminResponse(200, AdminResponse.HTML, indexPage(),
            Map.of(), null));
        add("/help", false, "this list", r -> AdminResponse.text(200, help()));
        add("/stats", false, "stats as 'name: value' lines; ?format=json|prometheus, ?filter=<regex>, ?usedonly",
            read::stats);
        add("/stats/prometheus", false, "stats in Prometheus text exposition format 0.0.4", read::prometheus);
        add("/clusters", false, "every cluster's hosts: health, weight, requests; ?format=json", read::clusters);
        add("/listeners", false, "every listener's name, address, protocol, TLS; ?format=json", read::listeners);
        add("/config_dump", false, "the effective configuration as JSON, secrets redacted", read::configDump);
        add("/certs", false, "the listeners' certificates: subject, SANs, serial, expiry", read::certs);
        add("/server_info", false, "version, state, uptime, JDK, transport, event loops", read::serverInfo);
        add("/ready", false, "200 LIVE when serving, 503 when starting or draining", read::ready);
        add("/runtime", false, "the runtime overrides in force", read::runtime);
        add("/overload", false, "the overload manager: each resource's use and pressure, each action's trigger and "
            + "state", read::overload);
        add("/healthcheck/fail", true, "make /ready answer 503 (drain this instance from load balancers)",
            act::healthCheckFail);
        add("/healthcheck/ok", true, "undo /healthcheck/fail", act::healthCheckOk);
        add("/drain_listeners", true, "stop accepting connections; open ones finish", act::drainListeners);
        add("/reload", true, "reload the configuration file; answers its errors if it has any", act::reload);
        add("/runtime_modify", true, "set runtime overrides: ?key=value&...", act::runtimeModify);
        add("/logging", true, "set log levels: ?level=<level> or ?<logger>=<level>", act::logging);
        add("/reset_counters", true, "make every counter read 0 from now on", act::resetCounters);
        add("/reopen_logs", true, "reopen the access logs (after logrotate)", act::reopenLogs);
        add("/quitquitquit", true, "drain and exit", act::quit);
        this.index = loadDashboard();
    }

    private void add(final String path, final boolean post, final String help,
                     final Function<AdminRequest, AdminResponse> handler) {
        table.put(path, new Endpoint(path, post, help, handler));
    }

    AdminResponse dispatch(final AdminRequest r) {
        final Endpoint e = table.get(r.path());
        if (e == null) {
            return AdminResponse.text(404, "no admin endpoint " + r.path() + " (GET /help lists them)");
        }
        final String method = e.post() ? "POST" : "GET";
        if (!r.method().equals(method)) {
            return AdminResponse.text(405, r.path() + " takes " + method + (e.post()
                ? " only: it changes the server's state" : " only")).withHeader("Allow", method);
        }
        return e.handler().apply(r);
    }

    String help() {
        final StringBuilder sb = new StringBuilder("admin commands are:\n");
        for (final Endpoint e : table.values()) {
            sb.append(String.format("  %-4s %-20s %s%n", e.post() ? "POST" : "GET", e.path(), e.help()));
        }
        return sb.toString();
    }

    private String indexPage() {
        return index != null ? index : placeholder();
    }

    private String placeholder() {
        final StringBuilder sb = new StringBuilder(2048).append("<!doctype html>\n<html><head><meta charset=\"utf-8\">"
            + "<title>Strait admin</title></head>\n<body><h1>Strait admin</h1>\n<p>The dashboard is not in this "
            + "build. JSON and text endpoints:</p>\n<ul>\n");
        for (final Endpoint e : table.values()) {
            if (e.path().equals("/")) {
                continue;
            }
            sb.append("<li>");
            if (e.post()) {
                sb.append("POST <code>").append(e.path()).append("</code>");
            } else {
                sb.append("<a href=\"").append(e.path()).append("\">").append(e.path()).append("</a>");
            }
            sb.append(": ").append(escape(e.help())).append("</li>\n");
        }
        sb.append("<li><a href=\"/stats?format=json\">/stats?format=json</a></li>\n");
        sb.append("<li><a href=\"/clusters?format=json\">/clusters?format=json</a></li>\n");
        return sb.append("</ul>\n</body></html>\n").toString();
    }

    private static String escape(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String loadDashboard() {
        try (InputStream in = Endpoints.class.getResourceAsStream(DASHBOARD)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            return null;
        }
    }
}
