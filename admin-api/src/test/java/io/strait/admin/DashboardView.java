package io.strait.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;

/**
 * Immutable. What the dashboard page shows at one moment, read out of its DOM in one script run (so every figure is
 * from the same poll): poll counts, the error banner, the server info, each listener's and cluster's figures and
 * charts, and the host table. Only what is drawn is read: the text of the elements and the data attributes the page
 * sets next to it.
 *
 * @param json the snapshot as the reading script returned it
 */
public record DashboardView(JsonNode json) {

    /** Returns one JSON object describing the page; see the accessors for its shape. */
    private static final String READ = """
        (() => {
          const figure = (n) => n ? { text: n.textContent.trim(), value: n.getAttribute('data-value'),
            delta: n.getAttribute('data-delta'), intervalMs: n.getAttribute('data-interval-ms') } : null;
          const banner = document.getElementById('error-banner');
          const out = {
            polls: Number(document.getElementById('poll-count').getAttribute('data-value')),
            failures: Number(document.getElementById('poll-failures').getAttribute('data-value')),
            banner: banner.hidden ? null : banner.textContent,
            state: document.getElementById('state').textContent,
            info: {}, summary: {}, cards: {}, hosts: []
          };
          document.querySelectorAll('#server-info dd').forEach(d => out.info[d.dataset.field] = d.textContent);
          document.querySelectorAll('#summary [data-metric]').forEach(n => out.summary[n.dataset.metric] = figure(n));
          document.querySelectorAll('[data-listener], [data-cluster]:not(tr)').forEach(card => {
            const key = card.dataset.listener !== undefined ? 'listener:' + card.dataset.listener
              : 'cluster:' + card.dataset.cluster;
            const c = { metrics: {}, charts: {} };
            card.querySelectorAll('[data-metric]').forEach(n => c.metrics[n.dataset.metric] = figure(n));
            card.querySelectorAll('svg[data-chart]').forEach(s => c.charts[s.dataset.chart] = {
              points: Number(s.getAttribute('data-points')),
              series: Array.from(s.querySelectorAll('path[data-series]')).map(p => p.dataset.series) });
            out.cards[key] = c;
          });
          document.querySelectorAll('#hosts tr[data-host]').forEach(tr => {
            const h = { cluster: tr.dataset.cluster, host: tr.dataset.host, healthy: tr.dataset.healthy === 'true',
              fields: {} };
            tr.querySelectorAll('td[data-field]').forEach(td => h.fields[td.dataset.field] = figure(td));
            out.hosts.push(h);
          });
          return JSON.stringify(out);
        })()
        """;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Reads the page now. */
    public static DashboardView read(final HeadlessChromium browser) throws Exception {
        return new DashboardView(MAPPER.readTree(browser.evaluate(READ).asText()));
    }

    /** Polls the page has finished, failed or not. */
    public int polls() {
        return json.path("polls").asInt();
    }

    /** Polls in which some endpoint failed. */
    public int failures() {
        return json.path("failures").asInt();
    }

    /** The error banner's text, or null while it is hidden. */
    public String banner() {
        return json.path("banner").isNull() ? null : json.path("banner").asText();
    }

    /** The server state badge. */
    public String state() {
        return json.path("state").asText();
    }

    /** A server info field as shown (e.g. {@code version}), or null when not shown. */
    public String info(final String field) {
        final JsonNode n = json.path("info").path(field);
        return n.isMissingNode() ? null : n.asText();
    }

    /** A summary tile's figure ({@code total_rps}, {@code hosts_healthy}...). */
    public Figure summary(final String metric) {
        return Figure.of(json.path("summary").path(metric));
    }

    /** Whether the page has a card for listener or cluster {@code name} ({@code kind} "listener" or "cluster"). */
    public boolean hasCard(final String kind, final String name) {
        return json.path("cards").has(kind + ":" + name);
    }

    /** A figure of a card: {@code rps}, {@code rate_4xx}, {@code rate_5xx}, {@code p50}..., {@code rq_total}. */
    public Figure metric(final String kind, final String name, final String metric) {
        return Figure.of(json.path("cards").path(kind + ":" + name).path("metrics").path(metric));
    }

    /** The points drawn in a card's chart ({@code rate} or {@code latency}), over all its lines. */
    public int chartPoints(final String kind, final String name, final String chart) {
        return json.path("cards").path(kind + ":" + name).path("charts").path(chart).path("points").asInt();
    }

    /** The series a card's chart draws a line for. */
    public List<String> chartSeries(final String kind, final String name, final String chart) {
        final List<String> out = new ArrayList<>();
        json.path("cards").path(kind + ":" + name).path("charts").path(chart).path("series")
            .forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The rows of the host table. */
    public List<Host> hosts() {
        final List<Host> out = new ArrayList<>();
        json.path("hosts").forEach(n -> out.add(new Host(n)));
        return out;
    }

    /** The host table's row for {@code host} (host:port) of {@code cluster}. */
    public Host host(final String cluster, final String host) {
        return hosts().stream().filter(h -> h.cluster().equals(cluster) && h.host().equals(host)).findFirst()
            .orElseThrow(() -> new AssertionError("no row for " + cluster + " " + host + " in " + json.path("hosts")));
    }

    /**
     * A figure as shown: its text and the attributes beside it.
     *
     * @param text       what the operator reads
     * @param value      the number behind it (empty when unknown)
     * @param delta      for a rate, the counter delta it came from
     * @param intervalMs for a rate, the milliseconds between the two polls
     */
    public record Figure(String text, String value, String delta, String intervalMs) {

        static Figure of(final JsonNode n) {
            if (n.isMissingNode() || n.isNull()) {
                return null;
            }
            return new Figure(n.path("text").asText(), n.path("value").asText(null), n.path("delta").asText(null),
                n.path("intervalMs").asText(null));
        }

        /** The value as a number; fails when the page shows none. */
        public double number() {
            if (value == null || value.isEmpty()) {
                throw new AssertionError("no value shown (text '" + text + "')");
            }
            return Double.parseDouble(value);
        }

        /** Whether the page shows a number here. */
        public boolean known() {
            return value != null && !value.isEmpty();
        }
    }

    /**
     * A host table row.
     *
     * @param json the row as read
     */
    public record Host(JsonNode json) {

        public String cluster() {
            return json.path("cluster").asText();
        }

        public String host() {
            return json.path("host").asText();
        }

        public boolean healthy() {
            return json.path("healthy").asBoolean();
        }

        /** A cell's text: address, health, reason, weight, rq_active, rps, rq_total, rq_error, cx_active. */
        public String field(final String name) {
            return json.path("fields").path(name).path("text").asText();
        }
    }
}
