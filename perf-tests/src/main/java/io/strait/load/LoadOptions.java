package io.strait.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Immutable: the parameters of one load run, validated. Built with {@link #builder()}, whose
 * {@link Builder#set(String, String)} takes the same keys as the command line's long options (without the dashes),
 * so scenario files and flags go through one parser.
 *
 * @param url              target, {@code http://host:port/path?query}
 * @param method           request method, e.g. {@code GET}
 * @param headers          extra request headers, {@code name: value}, in order
 * @param bodySize         request body bytes (0 = none; more than 0 adds {@code content-length})
 * @param connections      active connections (request slots), spread over the threads
 * @param threads          worker threads, one event loop each
 * @param rate             open loop: total requests per second; 0 = closed loop
 * @param duration         measured time
 * @param warmup           time before the measured part, not counted
 * @param timeout          per request (and connect) timeout
 * @param pipeline         most requests outstanding per connection
 * @param newConnectionPerRequest one request per connection, then close and reconnect (churn)
 * @param idleConnections  extra connections that are only held open
 * @param allowRemote      permit a target that is not a loopback address
 * @param jsonFile         where to write the JSON result, or null
 * @param hgrmFile         where to write the corrected percentile distribution, or null
 * @param watchPid         a process whose CPU time over the measured part is reported (0: none), e.g. the proxy
 * @param kvFile           where to write the headline figures as {@code key=value} lines (for scripts), or null
 * @param quiet            no summary on stdout
 * @param scenario         the scenario file's name, or null
 * @param busyPoll         the worker loops poll without sleeping (one busy core per thread; sends on time)
 * @param tls              TLS to the target ({@link TlsOptions#OFF} for plain TCP)
 * @param protocol         {@code h1} (HTTP/1.1) or {@code h2} (HTTP/2 cleartext with prior knowledge)
 * @param streams          h2: most concurrent streams per connection (h2load's {@code -m}); 1 for h1
 */
public record LoadOptions(URI url, String method, List<String> headers, int bodySize, int connections, int threads,
                          double rate, Duration duration, Duration warmup, Duration timeout, int pipeline,
                          boolean newConnectionPerRequest, int idleConnections, boolean allowRemote, String jsonFile,
                          String hgrmFile, boolean quiet, String scenario, boolean busyPoll, String kvFile,
                          int watchPid, TlsOptions tls, String protocol, int streams) {

    /** HTTP/1.1, the default protocol. */
    public static final String H1 = "h1";
    /** HTTP/2 cleartext with prior knowledge (h2c without upgrade). */
    public static final String H2 = "h2";

    /** Checks the combination and copies the header list. */
    public LoadOptions {
        headers = List.copyOf(headers);
        protocol = protocol == null ? H1 : protocol.toLowerCase(Locale.ROOT);
        if (url == null) {
            throw new IllegalArgumentException("url is required (--url http://127.0.0.1:PORT/path)");
        }
        final boolean https = "https".equalsIgnoreCase(url.getScheme());
        if (!("http".equalsIgnoreCase(url.getScheme()) || https) || url.getHost() == null) {
            throw new IllegalArgumentException("url must be http[s]://host[:port]/path, got " + url);
        }
        if (tls == null) {
            tls = TlsOptions.OFF;
        }
        if (https && !tls.enabled()) {
            tls = new TlsOptions(true, tls.sni(), tls.caFile(), tls.versions(), tls.resume());
        }
        positive("connections", connections);
        positive("threads", threads);
        positive("pipeline", pipeline);
        if (bodySize < 0 || idleConnections < 0 || rate < 0) {
            throw new IllegalArgumentException("body-size, idle-connections and rate must not be negative");
        }
        if (duration.isNegative() || duration.isZero() || warmup.isNegative() || timeout.isNegative()
            || timeout.isZero()) {
            throw new IllegalArgumentException("duration and timeout must be positive, warmup not negative");
        }
        if (newConnectionPerRequest && pipeline > 1) {
            throw new IllegalArgumentException("new-connection-per-request sends one request per connection:"
                + " pipeline must be 1");
        }
        positive("streams", streams);
        if (!H1.equals(protocol) && !H2.equals(protocol)) {
            throw new IllegalArgumentException("protocol must be h1 or h2, got '" + protocol + "'");
        }
        if (H2.equals(protocol) && (pipeline > 1 || newConnectionPerRequest)) {
            throw new IllegalArgumentException("pipeline and new-connection-per-request are HTTP/1.1 only;"
                + " with protocol h2 use streams (concurrent requests per connection)");
        }
        if (H1.equals(protocol) && streams > 1) {
            throw new IllegalArgumentException("streams is for protocol h2; with h1 use pipeline");
        }
        if (H2.equals(protocol) && tls.enabled()) {
            throw new IllegalArgumentException("protocol h2 is cleartext (prior knowledge) only for now;"
                + " h2 over TLS (ALPN) is not implemented");
        }
    }

    /** Returns true for HTTP/2 ({@code protocol = h2}). */
    public boolean h2() {
        return H2.equals(protocol);
    }

    /** Plain TCP, HTTP/1.1: the parameters before TLS and HTTP/2 (for callers of the old arity). */
    public LoadOptions(final URI url, final String method, final List<String> headers, final int bodySize,
                       final int connections, final int threads, final double rate, final Duration duration,
                       final Duration warmup, final Duration timeout, final int pipeline,
                       final boolean newConnectionPerRequest, final int idleConnections, final boolean allowRemote,
                       final String jsonFile, final String hgrmFile, final boolean quiet, final String scenario,
                       final boolean busyPoll, final String kvFile, final int watchPid) {
        this(url, method, headers, bodySize, connections, threads, rate, duration, warmup, timeout, pipeline,
            newConnectionPerRequest, idleConnections, allowRemote, jsonFile, hgrmFile, quiet, scenario, busyPoll,
            kvFile, watchPid, TlsOptions.OFF, H1, 1);
    }

    /** HTTP/1.1 with the given TLS options: the parameters before HTTP/2. */
    public LoadOptions(final URI url, final String method, final List<String> headers, final int bodySize,
                       final int connections, final int threads, final double rate, final Duration duration,
                       final Duration warmup, final Duration timeout, final int pipeline,
                       final boolean newConnectionPerRequest, final int idleConnections, final boolean allowRemote,
                       final String jsonFile, final String hgrmFile, final boolean quiet, final String scenario,
                       final boolean busyPoll, final String kvFile, final int watchPid,
                       final TlsOptions tls) {
        this(url, method, headers, bodySize, connections, threads, rate, duration, warmup, timeout, pipeline,
            newConnectionPerRequest, idleConnections, allowRemote, jsonFile, hgrmFile, quiet, scenario, busyPoll,
            kvFile, watchPid, tls, H1, 1);
    }

    /** Plain TCP with the given protocol: the parameters before TLS. */
    public LoadOptions(final URI url, final String method, final List<String> headers, final int bodySize,
                       final int connections, final int threads, final double rate, final Duration duration,
                       final Duration warmup, final Duration timeout, final int pipeline,
                       final boolean newConnectionPerRequest, final int idleConnections, final boolean allowRemote,
                       final String jsonFile, final String hgrmFile, final boolean quiet, final String scenario,
                       final boolean busyPoll, final String kvFile, final int watchPid,
                       final String protocol, final int streams) {
        this(url, method, headers, bodySize, connections, threads, rate, duration, warmup, timeout, pipeline,
            newConnectionPerRequest, idleConnections, allowRemote, jsonFile, hgrmFile, quiet, scenario, busyPoll,
            kvFile, watchPid, TlsOptions.OFF, protocol, streams);
    }

    private static void positive(final String name, final int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }

    /** Returns true for a constant-rate (open loop) run. */
    public boolean openLoop() {
        return rate > 0;
    }

    /** Returns the target port (80, or 443 for {@code https}, when the URL has none). */
    public int port() {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /** Returns the request target: path (at least {@code /}) and query. */
    public String target() {
        final String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    /**
     * Resolves the target, refusing a non-loopback address unless {@link #allowRemote()}.
     *
     * @throws IllegalArgumentException when the host does not resolve or is remote and not allowed
     */
    public InetSocketAddress resolve() {
        final InetAddress a;
        try {
            a = InetAddress.getByName(url.getHost());
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve " + url.getHost(), e);
        }
        if (!a.isLoopbackAddress() && !allowRemote) {
            throw new IllegalArgumentException(url.getHost() + " (" + a.getHostAddress() + ") is not a loopback"
                + " address; pass --allow-remote to load a remote target");
        }
        return new InetSocketAddress(a, port());
    }

    /** Returns the parameters as ordered key/value pairs (the keys of {@link Builder#set}), for reports. */
    public Map<String, Object> describe() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", url.toString());
        m.put("method", method);
        m.put("headers", headers);
        m.put("body-size", bodySize);
        m.put("connections", connections);
        m.put("threads", threads);
        m.put("rate", rate);
        m.put("mode", openLoop() ? "open-loop" : "closed-loop");
        m.put("duration-ms", duration.toMillis());
        m.put("warmup-ms", warmup.toMillis());
        m.put("timeout-ms", timeout.toMillis());
        m.put("pipeline", pipeline);
        m.put("new-connection-per-request", newConnectionPerRequest);
        m.put("idle-connections", idleConnections);
        m.put("busy-poll", busyPoll);
        m.put("protocol", protocol);
        m.put("streams", streams);
        m.put("scenario", scenario);
        m.put("tls", tls.enabled());
        if (tls.enabled()) {
            m.put("sni", tls.sni());
            m.put("ca-file", tls.caFile());
            m.put("tls-versions", tls.versions());
            m.put("tls-resume", tls.resume());
        }
        return m;
    }

    /** Returns a builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses a duration: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, {@code 250us}, or a bare number of
     * seconds (fractions allowed).
     */
    public static Duration parseDuration(final String text) {
        final String s = text.trim().toLowerCase(Locale.ROOT);
        final String[][] units = {{"ms", "1000000"}, {"us", "1000"}, {"s", "1000000000"}, {"m", "60000000000"},
            {"h", "3600000000000"}};
        try {
            for (final String[] u : units) {
                if (s.endsWith(u[0])) {
                    final double v = Double.parseDouble(s.substring(0, s.length() - u[0].length()).trim());
                    return Duration.ofNanos(Math.round(v * Long.parseLong(u[1])));
                }
            }
            return Duration.ofNanos(Math.round(Double.parseDouble(s) * 1e9));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (e.g. 10s, 500ms, 2m)", e);
        }
    }

    /** Not thread-safe: a mutable set of parameters with the defaults, validated by {@link #build()}. */
    public static final class Builder {
        /** The keys {@link #set} knows, as in the long options. */
        public static final List<String> KEYS = List.of("url", "method", "header", "body-size", "connections",
            "threads", "rate", "duration", "warmup", "timeout", "pipeline", "new-connection-per-request",
            "idle-connections", "allow-remote", "json", "hgrm", "quiet", "busy-poll", "requires", "description", "path",
            "kv", "compare-rate", "watch-pid", "tls", "sni", "ca-file", "tls-versions", "tls-resume", "protocol",
            "streams");

        private URI url;
        private String method = "GET";
        private final List<String> headers = new ArrayList<>();
        private int bodySize;
        private int connections = 64;
        private int threads = 1;
        private double rate;
        private Duration duration = Duration.ofSeconds(10);
        private Duration warmup = Duration.ZERO;
        private Duration timeout = Duration.ofSeconds(2);
        private int pipeline = 1;
        private boolean churn;
        private int idle;
        private boolean allowRemote;
        private String json;
        private String hgrm;
        private boolean quiet;
        private String scenario;
        private boolean busyPoll;
        private String path;
        private String kv;
        private int watchPid;
        private boolean tls;
        private String sni;
        private String caFile;
        private List<String> tlsVersions = TlsOptions.DEFAULT_VERSIONS;
        private boolean tlsResume;
        private String protocol = H1;
        private int streams = 1;

        private Builder() {
        }

        /**
         * Sets one parameter from text. {@code header} adds a header, replacing an earlier one of the same name.
         *
         * @throws IllegalArgumentException for an unknown key or a bad value
         */
        public Builder set(final String key, final String value) {
            final String v = value.trim();
            switch (key) {
                case "url" -> {
                    try {
                        url = new URI(v);
                    } catch (final URISyntaxException e) {
                        throw new IllegalArgumentException("bad url '" + v + "': " + e.getMessage(), e);
                    }
                }
                case "method" -> method = v.toUpperCase(Locale.ROOT);
                case "header" -> header(v);
                case "body-size" -> bodySize = (int) size(key, v);
                case "connections" -> connections = integer(key, v);
                case "threads" -> threads = integer(key, v);
                case "rate" -> rate = number(key, v);
                case "duration" -> duration = parseDuration(v);
                case "warmup" -> warmup = parseDuration(v);
                case "timeout" -> timeout = parseDuration(v);
                case "pipeline" -> pipeline = integer(key, v);
                case "new-connection-per-request" -> churn = bool(key, v);
                case "idle-connections" -> idle = integer(key, v);
                case "allow-remote" -> allowRemote = bool(key, v);
                case "json" -> json = v;
                case "hgrm" -> hgrm = v;
                case "quiet" -> quiet = bool(key, v);
                case "busy-poll" -> busyPoll = bool(key, v);
                case "description" -> { }
                case "path" -> {
                    if (!v.startsWith("/")) {
                        throw new IllegalArgumentException("path must start with '/', got '" + v + "'");
                    }
                    path = v;
                }
                case "kv" -> kv = v;
                case "watch-pid" -> watchPid = integer(key, v);
                case "tls" -> tls = bool(key, v);
                case "sni" -> sni = v;
                case "ca-file" -> caFile = v;
                case "tls-versions" -> tlsVersions = List.of(v.split("\\s*,\\s*"));
                case "tls-resume" -> tlsResume = bool(key, v);
                case "protocol" -> protocol = v.toLowerCase(Locale.ROOT);
                case "streams" -> streams = integer(key, v);
                case "compare-rate" -> number(key, v);   // compare.sh's fixed rate for this scenario; checked here
                case "requires" -> throw new IllegalArgumentException("this scenario needs '" + v
                    + "', which strait-load does not support yet");
                default -> throw new IllegalArgumentException("unknown key '" + key + "'; known: " + KEYS);
            }
            return this;
        }

        /** Records the scenario file's name. */
        public Builder scenario(final String name) {
            scenario = name;
            return this;
        }

        /** Returns the headers set so far. */
        public List<String> headers() {
            return Collections.unmodifiableList(headers);
        }

        private void header(final String v) {
            final int colon = v.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header must be 'name: value', got '" + v + "'");
            }
            final String name = v.substring(0, colon).trim();
            headers.removeIf(h -> h.substring(0, h.indexOf(':')).trim().equalsIgnoreCase(name));
            headers.add(name + ": " + v.substring(colon + 1).trim());
        }

        /** Validates and returns the options. */
        public LoadOptions build() {
            URI target = url;
            if (path != null && url != null) {
                // The scenario's resource on whatever host the command line names.
                try {
                    target = new URI(url.getScheme() + "://" + url.getRawAuthority() + path);
                } catch (final URISyntaxException e) {
                    throw new IllegalArgumentException("bad path '" + path + "': " + e.getMessage(), e);
                }
            }
            return new LoadOptions(target, method, headers, bodySize, connections, threads, rate, duration, warmup,
                timeout, pipeline, churn, idle, allowRemote, json, hgrm, quiet, scenario, busyPoll, kv, watchPid,
                new TlsOptions(tls, sni, caFile, tlsVersions, tlsResume), protocol, streams);
        }

        private static int integer(final String key, final String v) {
            try {
                return Integer.parseInt(v.replace("_", ""));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not an integer: '" + v + "'", e);
            }
        }

        private static double number(final String key, final String v) {
            try {
                return Double.parseDouble(v.replace("_", ""));
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a number: '" + v + "'", e);
            }
        }

        private static long size(final String key, final String v) {
            final String s = v.toLowerCase(Locale.ROOT).replace("_", "");
            long mult = 1;
            String digits = s;
            if (s.endsWith("kib") || s.endsWith("k")) {
                mult = 1024;
                digits = s.substring(0, s.length() - (s.endsWith("kib") ? 3 : 1));
            } else if (s.endsWith("mib") || s.endsWith("m")) {
                mult = 1024 * 1024;
                digits = s.substring(0, s.length() - (s.endsWith("mib") ? 3 : 1));
            }
            final long n;
            try {
                n = Long.parseLong(digits.trim()) * mult;
            } catch (final NumberFormatException e) {
                throw new IllegalArgumentException(key + ": not a size: '" + v + "' (e.g. 1024, 64k, 1m)", e);
            }
            if (n > Integer.MAX_VALUE - 64 * 1024) {
                throw new IllegalArgumentException(key + ": too large: " + v);
            }
            return n;
        }

        private static boolean bool(final String key, final String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new IllegalArgumentException(key + ": not a boolean: '" + v + "'");
            };
        }
    }
}
