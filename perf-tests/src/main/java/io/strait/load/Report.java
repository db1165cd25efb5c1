package io.strait.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/** Stateless: renders a {@link LoadResult} as a wrk-like summary, as JSON and as an HdrHistogram .hgrm file. */
public final class Report {

    /** Percentiles listed in the summary and in the JSON. */
    static final double[] PERCENTILES = {50, 75, 90, 99, 99.9, 99.99, 100};

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    /** Prints the wrk-like summary. */
    public static void summary(final LoadResult r, final PrintStream out) {
        final LoadOptions o = r.options();
        out.printf(Locale.ROOT, "Running %s test @ %s%n", seconds(o.duration().toNanos()), o.url());
        out.printf(Locale.ROOT, "  %d threads and %d connections, %s%s%s%s, %s%n", o.threads(), o.connections(),
            o.openLoop() ? String.format(Locale.ROOT, "open loop at %.0f req/s", o.rate()) : "closed loop",
            o.h2() ? ", HTTP/2 (h2c), " + o.streams() + " streams per connection" : "",
            o.pipeline() > 1 ? ", pipeline " + o.pipeline() : "",
            o.newConnectionPerRequest() ? ", new connection per request" : "", r.transport());
        if (o.tls().enabled()) {
            final long hs = r.get(LoadCounter.TLS_HANDSHAKES);
            final long resumed = r.get(LoadCounter.TLS_RESUMED);
            out.printf(Locale.ROOT, "  TLS (%s, session resumption %s): %d handshakes, %d full, %d resumed,"
                + " %d failed%n", String.join(",", o.tls().versions()), o.tls().resume() ? "on" : "off", hs,
                hs - resumed, resumed, r.get(LoadCounter.TLS_HANDSHAKE_ERRORS));
        }
        if (o.idleConnections() > 0) {
            out.printf(Locale.ROOT, "  plus %d idle connections (%d lost or failed)%n", o.idleConnections(),
                r.get(LoadCounter.IDLE_LOST));
        }
        final Histogram c = r.corrected();
        final Histogram u = r.uncorrected();
        out.printf(Locale.ROOT, "  Latency %s%10s%10s%10s%10s%10s%10s%n",
            o.openLoop() ? "(ms)      " : "(ms)      ", "mean", "p50", "p90", "p99", "p99.9", "max");
        line(out, o.openLoop() ? "  corrected     " : "  service time  ", c);
        if (o.openLoop()) {
            line(out, "  uncorrected   ", u);
        }
        out.printf(Locale.ROOT, "  %d requests in %s, %s read, %s written%n", r.requests(),
            seconds(r.elapsedNanos()), bytes(r.get(LoadCounter.BYTES_READ)), bytes(r.get(LoadCounter.BYTES_WRITTEN)));
        out.printf(Locale.ROOT, "  Status: 2xx %d, 3xx %d, 4xx %d, 5xx %d, 1xx %d%n", r.get(LoadCounter.STATUS_2XX),
            r.get(LoadCounter.STATUS_3XX), r.get(LoadCounter.STATUS_4XX), r.get(LoadCounter.STATUS_5XX),
            r.get(LoadCounter.STATUS_1XX));
        if (r.errors() > 0) {
            out.printf(Locale.ROOT,
                "  Errors: connect %d, reset %d, timeout %d, parse %d, connection %d, non-2xx %d%n",
                r.get(LoadCounter.CONNECT_ERRORS), r.get(LoadCounter.RESET_ERRORS), r.get(LoadCounter.TIMEOUT_ERRORS),
                r.get(LoadCounter.PARSE_ERRORS), r.get(LoadCounter.CONNECTION_ERRORS),
                LoadCounter.non2xx(r.counters()));
        }
        if (r.get(LoadCounter.UNSENT) > 0) {
            out.printf(Locale.ROOT, "  %d requests due on the schedule were never sent: the generator fell behind"
                + " the rate%n", r.get(LoadCounter.UNSENT));
        }
        out.printf(Locale.ROOT, "Requests/sec: %10.2f%n", r.requestsPerSecond());
        out.printf(Locale.ROOT, "Transfer/sec: %10s%n", bytes(r.elapsedNanos() <= 0 ? 0
            : (long) (r.get(LoadCounter.BYTES_READ) * 1e9 / r.elapsedNanos())));
        if (r.cpuNanos() >= 0 && r.requests() > 0) {
            out.printf(Locale.ROOT, "Generator CPU: %.2f us/request%n", r.cpuNanos() / 1000.0 / r.requests());
        }
        if (jitTooLong(r)) {
            out.printf(Locale.ROOT, "Generator JIT: %d ms of compilation in the measured part (%.0f%% of it): its CPU"
                + " per request includes JIT warm-up; use a longer --warmup%n", r.jitMillis(),
                100.0 * r.jitMillis() * 1e6 / r.elapsedNanos());
        }
    }

    /** Returns true when the JIT compiled for more than 2 % of the measured part: the warm-up was too short. */
    static boolean jitTooLong(final LoadResult r) {
        return r.jitMillis() >= 0 && r.elapsedNanos() > 0 && r.jitMillis() * 1e6 > 0.02 * r.elapsedNanos();
    }

    private static void line(final PrintStream out, final String label, final Histogram h) {
        out.printf(Locale.ROOT, "%s%10.3f%10.3f%10.3f%10.3f%10.3f%10.3f%n", label, h.getMean() / 1000.0,
            ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0);
    }

    private static double ms(final Histogram h, final double p) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(p) / 1000.0;
    }

    /** Returns the result as a JSON tree. */
    public static ObjectNode json(final LoadResult r) {
        final ObjectNode root = JSON.createObjectNode();
        root.put("tool", "strait-load");
        final ObjectNode params = root.putObject("parameters");
        for (final Map.Entry<String, Object> e : r.options().describe().entrySet()) {
            params.set(e.getKey(), JSON.valueToTree(e.getValue()));
        }
        root.put("transport", r.transport());
        root.put("startEpochMillis", r.startEpochMillis());
        root.put("elapsedSeconds", r.elapsedNanos() / 1e9);
        root.put("stoppedEarly", r.stoppedEarly());
        final ObjectNode totals = root.putObject("totals");
        totals.put("requests", r.requests());
        totals.put("sent", r.get(LoadCounter.SENT));
        totals.put("abandoned", r.get(LoadCounter.ABANDONED));
        totals.put("unsent", r.get(LoadCounter.UNSENT));
        totals.put("bytesRead", r.get(LoadCounter.BYTES_READ));
        totals.put("bytesWritten", r.get(LoadCounter.BYTES_WRITTEN));
        totals.put("connectionsOpened", r.get(LoadCounter.CONNECTIONS_OPENED));
        totals.put("idleLost", r.get(LoadCounter.IDLE_LOST));
        totals.put("tlsHandshakes", r.get(LoadCounter.TLS_HANDSHAKES));
        totals.put("tlsResumed", r.get(LoadCounter.TLS_RESUMED));
        totals.put("tlsHandshakeErrors", r.get(LoadCounter.TLS_HANDSHAKE_ERRORS));
        final ObjectNode status = totals.putObject("status");
        for (final LoadCounter c : new LoadCounter[] {LoadCounter.STATUS_1XX, LoadCounter.STATUS_2XX,
            LoadCounter.STATUS_3XX, LoadCounter.STATUS_4XX, LoadCounter.STATUS_5XX}) {
            status.put(c.label(), r.get(c));
        }
        final ObjectNode errors = totals.putObject("errors");
        errors.put("total", r.errors());
        for (final LoadCounter c : LoadCounter.values()) {
            if (c.transportError()) {
                errors.put(c.label(), r.get(c));
            }
        }
        errors.put("non2xx", LoadCounter.non2xx(r.counters()));
        root.put("requestsPerSecond", r.requestsPerSecond());
        root.put("bytesReadPerSecond", r.elapsedNanos() <= 0 ? 0 : r.get(LoadCounter.BYTES_READ) * 1e9
            / r.elapsedNanos());
        if (r.cpuNanos() >= 0) {
            root.put("generatorCpuSeconds", r.cpuNanos() / 1e9);
            root.put("generatorCpuMicrosPerRequest", r.requests() == 0 ? 0 : r.cpuNanos() / 1000.0 / r.requests());
        }
        if (r.jitMillis() >= 0) {
            root.put("generatorJitMillis", r.jitMillis());
        }
        root.set("latencyCorrected", latency(r.corrected()));
        root.set("latencyUncorrected", latency(r.uncorrected()));
        final ArrayNode timeline = root.putArray("timeline");
        for (final LoadResult.Second s : r.timeline()) {
            final ObjectNode n = timeline.addObject();
            n.put("second", s.second());
            n.put("epochMillis", s.epochMillis());
            n.put("requests", s.requests());
            n.put("errors", s.errors());
            n.put("p50Ms", s.p50Millis());
            n.put("p99Ms", s.p99Millis());
            n.put("uncorrectedP99Ms", s.uncorrectedP99Millis());
        }
        final ObjectNode hist = root.putObject("histograms");
        hist.put("unit", "microseconds");
        hist.put("encoding", "HdrHistogram encodeIntoCompressedByteBuffer, base64");
        hist.put("corrected", encode(r.corrected()));
        hist.put("uncorrected", encode(r.uncorrected()));
        return root;
    }

    private static ObjectNode latency(final Histogram h) {
        final ObjectNode n = JSON.createObjectNode();
        n.put("unit", "ms");
        n.put("count", h.getTotalCount());
        n.put("min", h.getTotalCount() == 0 ? 0 : h.getMinValue() / 1000.0);
        n.put("mean", h.getMean() / 1000.0);
        n.put("stdev", h.getStdDeviation() / 1000.0);
        n.put("max", h.getMaxValue() / 1000.0);
        final ObjectNode p = n.putObject("percentiles");
        for (final double q : PERCENTILES) {
            p.put(q == Math.rint(q) ? String.valueOf((int) q) : String.valueOf(q), ms(h, q));
        }
        return n;
    }

    /**
     * Writes the headline figures as {@code key=value} lines, one per line, for shell scripts: {@code requests},
     * {@code errors}, {@code rps}, {@code p50_ms}, {@code p90_ms}, {@code p99_ms}, {@code p999_ms}, {@code max_ms}
     * (corrected latency), {@code mode} ({@code open-loop} or {@code closed-loop}), {@code watched_ticks} (the
     * {@code --watch-pid} process's CPU clock ticks over the measured part, -1 without one), {@code protocol}
     * ({@code h1} or {@code h2}), {@code streams} and the TLS handshakes of the measured part: {@code tls_handshakes}
     * (full and resumed), {@code tls_resumed}, {@code tls_handshake_errors} (0 without TLS), {@code generator_jit_ms}
     * (strait-load's own JIT compilation time in the measured part, -1 when unknown).
     */
    public static void writeKeyValues(final LoadResult r, final Path file) throws IOException {
        final Histogram h = r.corrected();
        final String text = String.format(java.util.Locale.ROOT,
            "requests=%d%nerrors=%d%nrps=%.2f%np50_ms=%.4f%np90_ms=%.4f%np99_ms=%.4f%np999_ms=%.4f%nmax_ms=%.4f%n"
                + "mode=%s%nwatched_ticks=%d%nprotocol=%s%nstreams=%d%ntls_handshakes=%d%ntls_resumed=%d%n"
                + "tls_handshake_errors=%d%ngenerator_jit_ms=%d%n",
            r.requests(), r.errors(), r.requestsPerSecond(), ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9),
            h.getTotalCount() == 0 ? 0.0 : h.getMaxValue() / 1000.0, r.options().openLoop() ? "open-loop"
                : "closed-loop", r.watchedTicks(), r.options().protocol(), r.options().streams(),
            r.get(LoadCounter.TLS_HANDSHAKES), r.get(LoadCounter.TLS_RESUMED), r.get(LoadCounter.TLS_HANDSHAKE_ERRORS),
            r.jitMillis());
        java.nio.file.Files.writeString(file, text, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Returns the histogram compressed ({@code encodeIntoCompressedByteBuffer}) and base64-encoded. */
    public static String encode(final Histogram h) {
        final ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        final int len = h.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len));
    }

    /** Decodes what {@link #encode} produced. */
    public static Histogram decode(final String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (final java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("not a compressed histogram", e);
        }
    }

    /** Writes the JSON result to a file. */
    public static void writeJson(final LoadResult r, final Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(json(r)) + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Writes the corrected histogram's percentile distribution, values in milliseconds (as wrk2's
     * {@code --u_latency} output and HdrHistogram's plotter expect).
     */
    public static void writeHgrm(final Histogram h, final Path file) throws IOException {
        try (PrintStream ps = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            h.outputPercentileDistribution(ps, 5, 1000.0);
        }
    }

    private static String seconds(final long nanos) {
        return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
    }

    private static String bytes(final long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.2fGB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.2fMB", b / (double) (1L << 20));
        }
        if (b >= 1L << 10) {
            return String.format(Locale.ROOT, "%.2fKB", b / (double) (1L << 10));
        }
        return b + "B";
    }
}
