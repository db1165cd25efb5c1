package io.strait.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Not thread-safe: one test thread drives it. A headless Chromium process (Debian's {@code chromium}) driven over the
 * DevTools protocol on a loopback WebSocket: open a page, evaluate JavaScript in it, take a screenshot. The browser
 * runs with a throw-away profile directory, picks its own debugging port ({@code --remote-debugging-port=0}, read
 * back from the profile's {@code DevToolsActivePort}) and is killed on {@link #close()}. Shared with the server
 * module's end-to-end test through this module's test-jar.
 *
 * <p>{@link #binaryOrSkip()} finds the binary: {@code $STRAIT_CHROMIUM}, else {@code chromium},
 * {@code chromium-browser}, {@code google-chrome} on the {@code PATH}. Without one a test is skipped, unless
 * {@code CI_REQUIRE_CHROMIUM=1} (set by {@code .ci/run}), where it fails: CI must not pass by skipping.
 */
public final class HeadlessChromium implements AutoCloseable {

    /** Set to 1 to make a missing browser a failure instead of a skip. */
    public static final String REQUIRE_ENV = "CI_REQUIRE_CHROMIUM";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long CALL_TIMEOUT_SECONDS = 30;
    private static final long START_TIMEOUT_MILLIS = 30_000;

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final String sessionId;
    /** Kills the browser if the test JVM exits without {@link #close()}. */
    private final Thread killer;

    private HeadlessChromium(final Process process, final Path profile, final URI browserEndpoint,
                             final int width, final int height) throws Exception {
        this.process = process;
        this.profile = profile;
        this.killer = new Thread(process::destroyForcibly, "chromium-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
            .buildAsync(browserEndpoint, new Receiver()).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        final String targetId = call(null, "Target.createTarget", params("url", "about:blank"))
            .path("targetId").asText();
        final ObjectNode attach = params("targetId", targetId);
        attach.put("flatten", true);
        this.sessionId = call(null, "Target.attachToTarget", attach).path("sessionId").asText();
        final ObjectNode metrics = JSON.createObjectNode();
        metrics.put("width", width);
        metrics.put("height", height);
        metrics.put("deviceScaleFactor", 1);
        metrics.put("mobile", false);
        call(sessionId, "Emulation.setDeviceMetricsOverride", metrics);
    }

    /** The browser to run, or a skipped test (a failed one when {@value #REQUIRE_ENV}=1). */
    public static Path binaryOrSkip() {
        final Optional<Path> found = find();
        if (found.isEmpty()) {
            final String why = "no chromium on this machine (apt-get install chromium, or set STRAIT_CHROMIUM)";
            if ("1".equals(System.getenv(REQUIRE_ENV))) {
                Assertions.fail(why + ", and " + REQUIRE_ENV + "=1 says the browser tests must run");
            }
            Assumptions.abort(why);
        }
        return found.get();
    }

    public static Optional<Path> find() {
        final String explicit = System.getenv("STRAIT_CHROMIUM");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        final String path = System.getenv().getOrDefault("PATH", "");
        for (final String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (final String dir : path.split(java.io.File.pathSeparator)) {
                final Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /** Starts the browser with a {@code width} x {@code height} viewport and one blank page. */
    public static HeadlessChromium launch(final Path binary, final int width, final int height) throws Exception {
        final Path profile = Files.createTempDirectory("strait-chromium");
        final List<String> command = new ArrayList<>(List.of(binary.toString(),
            "--headless=new", "--disable-gpu", "--no-sandbox", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-dev-shm-usage",
            "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
            "--disable-backgrounding-occluded-windows", "--hide-scrollbars", "--mute-audio",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
            "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "about:blank"));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(profile.resolve("chromium.log").toFile()).start();
        try {
            return new HeadlessChromium(process, profile, endpoint(process, profile), width, height);
        } catch (final Exception | AssertionError e) {
            process.destroyForcibly();
            deleteTree(profile);
            throw e;
        }
    }

    /** Reads the port and browser path Chromium writes to its profile once the DevTools server listens. */
    private static URI endpoint(final Process process, final Path profile) throws Exception {
        final Path file = profile.resolve("DevToolsActivePort");
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("chromium exited with " + process.exitValue() + ": " + log(profile));
            }
            if (Files.exists(file)) {
                final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.size() >= 2 && !lines.get(1).isBlank()) {
                    return URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("chromium did not open its DevTools port within " + START_TIMEOUT_MILLIS + " ms: "
            + log(profile));
    }

    private static String log(final Path profile) {
        try {
            final String s = Files.readString(profile.resolve("chromium.log"));
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (final IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Loads {@code url} in the page and waits for its load event. */
    public void open(final URI url) throws Exception {
        call(sessionId, "Page.enable", JSON.createObjectNode());
        final JsonNode r = call(sessionId, "Page.navigate", params("url", url.toString()));
        if (r.hasNonNull("errorText")) {
            throw new IOException("cannot load " + url + ": " + r.get("errorText").asText());
        }
        // Navigation is committed; wait for the document to be complete before the test reads it.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CALL_TIMEOUT_SECONDS);
        while (!"complete".equals(evaluate("document.readyState").asText())) {
            if (System.nanoTime() > deadline) {
                throw new IOException(url + " did not finish loading");
            }
            Thread.sleep(20);
        }
    }

    /** The value of a JavaScript expression in the page (JSON-serializable values; promises are awaited). */
    public JsonNode evaluate(final String expression) throws Exception {
        final ObjectNode p = params("expression", expression);
        p.put("returnByValue", true);
        p.put("awaitPromise", true);
        final JsonNode r = call(sessionId, "Runtime.evaluate", p);
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** A PNG of the viewport. */
    public byte[] screenshot() throws Exception {
        final JsonNode r = call(sessionId, "Page.captureScreenshot", params("format", "png"));
        return Base64.getDecoder().decode(r.path("data").asText());
    }

    private static ObjectNode params(final String key, final String value) {
        final ObjectNode n = JSON.createObjectNode();
        n.put(key, value);
        return n;
    }

    private JsonNode call(final String session, final String method, final ObjectNode params) throws Exception {
        final int id = ids.incrementAndGet();
        final ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", params);
        if (session != null) {
            msg.put("sessionId", session);
        }
        final CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(JSON.writeValueAsString(msg), true).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        final JsonNode reply = answer.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (reply.has("error")) {
            throw new IOException(method + " failed: " + reply.get("error"));
        }
        return reply.path("result");
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (final Exception e) {
            // The browser is killed below either way.
        }
        final List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // The browser ends its renderers and helpers itself; any it left behind go too.
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        Runtime.getRuntime().removeShutdownHook(killer);
        deleteTree(profile);
    }

    private static void deleteTree(final Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Collects each message's fragments and completes the call it answers (events are ignored). */
    private final class Receiver implements WebSocket.Listener {

        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(final WebSocket ws, final CharSequence data, final boolean last) {
            text.append(data);
            if (last) {
                final String message = text.toString();
                text.setLength(0);
                try {
                    final JsonNode n = JSON.readTree(message);
                    final CompletableFuture<JsonNode> f = n.has("id") ? pending.remove(n.get("id").asInt()) : null;
                    if (f != null) {
                        f.complete(n);
                    }
                } catch (final IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket ws, final int status, final String reason) {
            final IOException e = new IOException("DevTools socket closed: " + status + " " + reason);
            pending.values().forEach(f -> f.completeExceptionally(e));
            return null;
        }

        @Override
        public void onError(final WebSocket ws, final Throwable error) {
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }
}
