package io.strait.core.testing;

import io.strait.core.server.ProxyServer;
import io.strait.core.snapshot.ListenerRuntime;
import io.strait.core.cluster.Cluster;
import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.lb.Host;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Thread-safe: JUnit drives the callbacks on its own thread; once started, the accessors read volatile state and may
 * be called from any thread. Runs a Strait {@link ProxyServer} on a YAML configuration over real loopback sockets,
 * with the {@link TestUpstream}s it routes to, for one test class:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ProxyExtension proxy = ProxyExtension.of("""
 *     runtime: { event_loops: 2, transport: epoll }
 *     listeners:
 *       - name: main
 *         address: 127.0.0.1:0
 *         virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: api } ] } ]
 *     clusters:
 *       - name: api
 *         endpoints: [ { address: 127.0.0.1:${upstream:a} }, { address: 127.0.0.1:${port:dead} } ]
 *     """).upstreams("a");
 * </pre>
 *
 * <p>Registered on a static field it starts before all tests and closes after them, as Armeria's
 * {@code ServerExtension} does; registered on an instance field it starts and closes around each test. Starting
 * binds the declared upstreams, replaces the placeholders, parses the text and starts the proxy; closing closes
 * the proxy, then everything the placeholders opened. On a static field the upstreams are not reset between tests
 * (a test that scripts one, {@code defaultStatus} and the like, undoes it or uses an upstream of its own); each
 * start resets them, so on an instance field every test sees fresh ones.
 *
 * <table>
 *   <caption>Placeholders: {@code ${kind:name}}; a name stands for the same port wherever it appears</caption>
 *   <tr><th>Placeholder</th><th>Replaced by</th></tr>
 *   <tr><td>{@code ${upstream:NAME}}</td><td>the port of the {@link TestUpstream} {@code NAME}, declared with
 *       {@link #upstreams(String...)} or {@link #upstream(String, Consumer)}</td></tr>
 *   <tr><td>{@code ${port:NAME}}</td><td>a loopback port nothing listens on (connects are refused)</td></tr>
 *   <tr><td>{@code ${blackhole:NAME}}</td><td>the port of a loopback socket that never accepts and whose backlog
 *       is full, so connects to it time out</td></tr>
 *   <tr><td>{@code ${file:NAME}}</td><td>the absolute path of a file {@code NAME} in a directory of this start's
 *       own, deleted with everything in it when the proxy closes; {@link #file(String)} returns it. Not created,
 *       unless declared with {@link #file(String, FileContent)}, which writes it before the proxy starts (a
 *       certificate, say)</td></tr>
 * </table>
 * Any other placeholder, or an upstream not declared, fails the start with a message naming the placeholder and
 * its line:column in the text, as config errors do.
 *
 * <p>Naming: a test class that runs real sockets on 127.0.0.1 (this extension, {@link TestUpstream},
 * {@link RawHttpClient}) is an {@code *IntegrationTest}; a unit test, one on an {@code EmbeddedChannel} included,
 * is a {@code *Test}.
 */
public final class ProxyExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {

    private static final String UPSTREAM = "upstream";
    private static final String PORT = "port";
    private static final String BLACKHOLE = "blackhole";
    private static final String FILE = "file";

    private final String yamlTemplate;
    /** Declared upstreams by name, in declaration order; filled before the start only. */
    private final Map<String, TestUpstream> upstreams = new LinkedHashMap<>();
    private final Map<String, Consumer<? super TestUpstream>> setups = new LinkedHashMap<>();
    /** Files to write before the proxy starts, by name; filled before the start only. */
    private final Map<String, FileContent> fileContents = new LinkedHashMap<>();

    private volatile Running running;
    private volatile boolean perTest;
    /** The unique id of the class context that started the proxy, which alone closes it; null per test. */
    private volatile String owner;

    private ProxyExtension(final String yamlTemplate) {
        this.yamlTemplate = yamlTemplate;
    }

    /**
     * Returns an extension for the configuration {@code yaml}, with the placeholders of the class comment.
     *
     * @param yaml a Strait configuration (a text block reads best)
     */
    public static ProxyExtension of(final String yaml) {
        return new ProxyExtension(yaml);
    }

    /**
     * Declares upstreams, each a {@link TestUpstream} of that name ({@code x-upstream: NAME}) that
     * {@code ${upstream:NAME}} refers to.
     *
     * @return this
     * @throws IllegalStateException once started
     */
    public synchronized ProxyExtension upstreams(final String... names) {
        for (final String name : names) {
            upstream(name, u -> { });
        }
        return this;
    }

    /**
     * Declares one upstream and scripts it before the proxy starts (e.g. {@code u -> u.defaultStatus(503)}, so
     * that even the first health check sees it).
     *
     * @return this
     * @throws IllegalStateException once started
     */
    public synchronized ProxyExtension upstream(final String name, final Consumer<? super TestUpstream> setup) {
        if (running != null) {
            throw new IllegalStateException("declare upstreams before the proxy starts");
        }
        if (upstreams.containsKey(name)) {
            throw new IllegalArgumentException("upstream " + name + " is declared twice");
        }
        upstreams.put(name, new TestUpstream(name));
        setups.put(name, setup);
        return this;
    }

    /**
     * Declares the file {@code ${file:name}} and what to write into it at each start, before the proxy starts.
     *
     * @return this
     * @throws IllegalStateException once started
     */
    public synchronized ProxyExtension file(final String name, final FileContent content) {
        if (running != null) {
            throw new IllegalStateException("declare files before the proxy starts");
        }
        if (fileContents.putIfAbsent(name, content) != null) {
            throw new IllegalArgumentException("file " + name + " is declared twice");
        }
        return this;
    }

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        // A @Nested class inherits the extension: it shares the proxy its enclosing class started.
        if (running == null) {
            start(sourceName(context));
            owner = context.getUniqueId();
        }
    }

    @Override
    public void beforeEach(final ExtensionContext context) throws Exception {
        if (running == null) {
            perTest = true;
            start(sourceName(context));
        }
    }

    @Override
    public void afterEach(final ExtensionContext context) throws Exception {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(final ExtensionContext context) throws Exception {
        if (context.getUniqueId().equals(owner)) {
            owner = null;
            stop();
        }
    }

    /** Returns the running proxy, for what the accessors do not cover. */
    public ProxyServer server() {
        return running().server;
    }

    /** Returns the configuration as parsed: the text with its placeholders replaced. */
    public String yaml() {
        return running().yaml;
    }

    /** Returns the bound port of the listener named {@code listener}. */
    public int port(final String listener) {
        final InetSocketAddress a = server().boundAddress(listener);
        if (a == null) {
            throw new IllegalArgumentException("no listener " + listener + "; listeners: "
                + server().boundAddresses().keySet());
        }
        return a.getPort();
    }

    /** Returns the port that {@code ${port:name}} or {@code ${blackhole:name}} stood for. */
    public int placeholderPort(final String kind, final String name) {
        final Integer p = running().ports.get(kind + ':' + name);
        if (p == null) {
            throw new IllegalArgumentException("no placeholder ${" + kind + ':' + name + "} in the configuration");
        }
        return p;
    }

    /** Returns the path that {@code ${file:name}} stood for (the file exists once the proxy wrote it). */
    public Path file(final String name) {
        final Path p = running().files.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no placeholder ${" + FILE + ':' + name + "} in the configuration");
        }
        return p;
    }

    /** Returns the declared upstream {@code name} (running unless a test closed it). */
    public TestUpstream upstream(final String name) {
        running();
        final TestUpstream u = upstreams.get(name);
        if (u == null) {
            throw new IllegalArgumentException("no upstream " + name + "; declared: " + upstreams.keySet());
        }
        return u;
    }

    /** Returns the cluster named {@code name} of the configuration in force. */
    public Cluster cluster(final String name) {
        final ProxyServer s = server();
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < s.snapshot().clusterCount(); i++) {
            final Cluster c = s.snapshot().cluster(i);
            if (c.name().equals(name)) {
                return c;
            }
            names.add(c.name());
        }
        throw new IllegalArgumentException("no cluster " + name + "; clusters: " + names);
    }

    /** Returns the host of cluster {@code cluster} that is upstream {@code upstream} (matched by port). */
    public Host host(final String cluster, final String upstream) {
        final Cluster c = cluster(cluster);
        final int port = upstream(upstream).port();
        for (final Host h : c.hosts()) {
            if (h.address().getPort() == port) {
                return h;
            }
        }
        throw new IllegalArgumentException("cluster " + cluster + " has no host on upstream " + upstream + "'s port "
            + port);
    }

    /** Returns a cluster stat's current value, summed over the event loops. */
    public long stat(final String cluster, final ClusterStat stat) {
        return cluster(cluster).stats().value(stat);
    }

    /** Returns a listener's HTTP stat's current value, summed over the event loops. */
    public long stat(final String listener, final HttpStat stat) {
        final ListenerRuntime l = server().snapshot().listener(listener);
        if (l == null) {
            throw new IllegalArgumentException("no listener " + listener);
        }
        return l.stats().value(stat);
    }

    /** Returns an HTTP stat's current value summed over every listener (with one listener, that listener's). */
    public long stat(final HttpStat stat) {
        long sum = 0;
        for (final ListenerRuntime l : server().snapshot().listeners()) {
            sum += l.stats().value(stat);
        }
        return sum;
    }

    private Running running() {
        final Running r = running;
        if (r == null) {
            throw new IllegalStateException("the proxy is not running (register the extension with"
                + " @RegisterExtension, and use it from tests)");
        }
        return r;
    }

    private static String sourceName(final ExtensionContext context) {
        return context.getRequiredTestClass().getSimpleName() + ".yaml";
    }

    /**
     * Starts the upstreams (reset first, so a per-test start sees fresh ones), then the proxy on the expanded text.
     *
     * @param source the name config errors give the text
     */
    synchronized void start(final String source) throws Exception {
        if (running != null) {
            throw new IllegalStateException("already started");
        }
        final Running r = new Running();
        try {
            for (final Map.Entry<String, TestUpstream> e : upstreams.entrySet()) {
                e.getValue().reset();
                setups.get(e.getKey()).accept(e.getValue());
                e.getValue().start();
            }
            r.yaml = expand(source, r);
            for (final Map.Entry<String, FileContent> e : fileContents.entrySet()) {
                e.getValue().write(filePath(e.getKey(), r));
            }
            final ConfigResult result = ConfigLoader.parse(r.yaml, source);
            if (!result.ok()) {
                throw new IllegalStateException("invalid test configuration:\n" + result.errors().stream()
                    .map(ConfigError::format).collect(Collectors.joining("\n")) + "\n--- " + source + " ---\n"
                    + r.yaml);
            }
            r.server = ProxyServer.start(result.config());
        } catch (final Exception | Error e) {
            close(r);
            throw e;
        }
        running = r;
    }

    /** Closes the proxy, then the upstreams and whatever the placeholders opened; does nothing when stopped. */
    synchronized void stop() throws Exception {
        final Running r = running;
        running = null;
        if (r != null) {
            close(r);
        }
    }

    private void close(final Running r) throws IOException, InterruptedException {
        try {
            if (r.server != null) {
                r.server.close();
            }
        } finally {
            for (final TestUpstream u : upstreams.values()) {
                u.close();
            }
            for (final Socket s : r.sockets) {
                s.close();
            }
            for (final ServerSocket s : r.serverSockets) {
                s.close();
            }
            if (r.dir != null) {
                deleteTree(r.dir);
            }
        }
    }

    /** Replaces every placeholder of the template, opening what they stand for; records the ports in {@code r}. */
    private String expand(final String source, final Running r) throws IOException {
        final StringBuilder out = new StringBuilder(yamlTemplate.length());
        int from = 0;
        while (true) {
            final int open = yamlTemplate.indexOf("${", from);
            if (open < 0) {
                return out.append(yamlTemplate, from, yamlTemplate.length()).toString();
            }
            out.append(yamlTemplate, from, open);
            final int close = yamlTemplate.indexOf('}', open);
            final int newline = yamlTemplate.indexOf('\n', open);
            if (close < 0 || newline >= 0 && newline < close) {
                throw placeholderError(source, open, "unclosed placeholder "
                    + yamlTemplate.substring(open, newline < 0 ? yamlTemplate.length() : newline));
            }
            final String placeholder = yamlTemplate.substring(open, close + 1);
            final String body = placeholder.substring(2, placeholder.length() - 1);
            final int colon = body.indexOf(':');
            final String kind = colon < 0 ? body : body.substring(0, colon);
            final String name = colon < 0 ? "" : body.substring(colon + 1);
            out.append(resolve(source, open, placeholder, kind, name, r));
            from = close + 1;
        }
    }

    private String resolve(final String source, final int at, final String placeholder, final String kind,
                           final String name, final Running r) throws IOException {
        if (name.isEmpty()
            || !(kind.equals(UPSTREAM) || kind.equals(PORT) || kind.equals(BLACKHOLE) || kind.equals(FILE))) {
            throw placeholderError(source, at, "unknown placeholder " + placeholder + ": expected ${" + UPSTREAM
                + ":NAME}, ${" + PORT + ":NAME}, ${" + BLACKHOLE + ":NAME} or ${" + FILE + ":NAME}");
        }
        if (kind.equals(FILE)) {
            if (name.contains("/") || name.contains("\\") || name.equals("..")) {
                throw placeholderError(source, at, "placeholder " + placeholder + ": a file name, not a path");
            }
            return filePath(name, r).toString();
        }
        if (kind.equals(UPSTREAM)) {
            final TestUpstream u = upstreams.get(name);
            if (u == null) {
                throw placeholderError(source, at, "unknown placeholder " + placeholder + ": no upstream named "
                    + name + "; declared with upstreams(...): " + upstreams.keySet());
            }
            return Integer.toString(u.port());
        }
        final String key = kind + ':' + name;
        final Integer known = r.ports.get(key);
        if (known != null) {
            return known.toString();
        }
        final int port = kind.equals(PORT) ? closedPort() : blackhole(r);
        r.ports.put(key, port);
        return Integer.toString(port);
    }

    private IllegalArgumentException placeholderError(final String source, final int at, final String message) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (yamlTemplate.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new IllegalArgumentException(source + ":" + line + ":" + (at - lineStart + 1) + ": " + message);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Opens a listening socket that never accepts and fills its backlog, so the kernel drops further SYNs and a
     * connect to it times out; the sockets go into {@code r} to be closed with it.
     */
    private static int blackhole(final Running r) throws IOException {
        final ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        r.serverSockets.add(s);
        for (int i = 0; i < 4; i++) {
            final Socket filler = new Socket();
            try {
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()), 200);
                r.sockets.add(filler);
            } catch (final IOException full) {
                filler.close();
                break;
            }
        }
        return s.getLocalPort();
    }

    /** Returns the path of file {@code name} in the directory of {@code r}, making the directory first. */
    private static Path filePath(final String name, final Running r) throws IOException {
        if (r.dir == null) {
            r.dir = Files.createTempDirectory("strait-proxy-extension");
        }
        return r.files.computeIfAbsent(name, r.dir::resolve);
    }

    /** Deletes {@code dir} and everything in it, deepest first. */
    private static void deleteTree(final Path dir) throws IOException {
        final List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (final Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

    /** Thread-confined to the starting thread: writes a declared file's content. */
    @FunctionalInterface
    public interface FileContent {
        /** Writes the content to {@code path} (a new file in an existing directory). */
        void write(Path path) throws IOException;
    }

    /** What one start opened; written by the starting thread before it is published through {@code running}. */
    private static final class Running {
        final Map<String, Integer> ports = new LinkedHashMap<>();
        final List<ServerSocket> serverSockets = new ArrayList<>();
        final List<Socket> sockets = new ArrayList<>();
        final Map<String, Path> files = new LinkedHashMap<>();
        /** The directory of the {@code ${file:NAME}} placeholders, made by the first one. */
        Path dir;
        String yaml;
        ProxyServer server;
    }
}
