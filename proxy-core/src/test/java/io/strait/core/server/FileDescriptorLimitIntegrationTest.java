package io.strait.core.server;

import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Strait in a child JVM under a low {@code ulimit -n}, with far more client connections than descriptors: the
 * situation measured in the issue (21,000 idle connections against a 20,000 descriptor limit), scaled down.
 *
 * <ul>
 *   <li>With {@code runtime.max_connections: auto} (half the limit) the connections over the cap are closed at once and
 *   counted, and the connections already open keep being served, upstream connects included.
 *   <li>With a cap above the limit, accepts fail with EMFILE: each failure is counted, the log gets one line per
 *   interval (not a stack trace per loop per second), and once clients go away new connections are served again.
 * </ul>
 */
class FileDescriptorLimitIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final TestUpstream upstream = new TestUpstream("u");
    private final List<Socket> idle = new ArrayList<>();
    private final List<RawHttpClient> clients = new ArrayList<>();
    private final List<String> output = new CopyOnWriteArrayList<>();
    private Process child;
    private BufferedReader childOut;
    private OutputStream childIn;
    private int port;

    @AfterEach
    void stop() throws Exception {
        System.out.println("child output:\n" + String.join("\n", output));
        for (final RawHttpClient c : clients) {
            c.close();
        }
        for (final Socket s : idle) {
            s.close();
        }
        if (child != null) {
            childIn.close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        upstream.close();
    }

    /** Starts Strait in a child JVM whose descriptor limit is {@code nofile}, with {@code runtime} as runtime map. */
    private void startChild(final int nofile, final String runtime) throws Exception {
        upstream.start();
        final Path config = dir.resolve("strait.yaml");
        Files.writeString(config, String.join("\n",
            "runtime: " + runtime,
            "listeners:",
            "  - name: main",
            "    address: 127.0.0.1:0",
            "    virtual_hosts: [ { domains: [ \"*\" ], routes: [ { match: { prefix: / }, cluster: u } ] } ]",
            "clusters:",
            "  - { name: u, endpoints: [ { address: 127.0.0.1:" + upstream.port() + " } ] }",
            ""));
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + nofile + " && exec \"$@\"",
            "strait-child", java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), LowFdProxyMain.class.getName(), config.toString()));
        child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final Process started = child;
        final Thread watchdog = new Thread(() -> {   // a hung child must not hang the build
            try {
                if (!started.waitFor(3, TimeUnit.MINUTES)) {
                    started.destroyForcibly();
                }
            } catch (final InterruptedException e) {
                started.destroyForcibly();
            }
        }, "child-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        childIn = child.getOutputStream();
        childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        final String first = readUntil(line -> line.startsWith("PORT "));
        port = Integer.parseInt(first.substring(5).trim());
    }

    /** Reads the child's output until a line matches (every line read is kept in {@link #output}). */
    private String readUntil(final java.util.function.Predicate<String> p) throws IOException {
        final long deadline = System.nanoTime() + WAIT.toNanos();
        String line;
        while ((line = childOut.readLine()) != null) {
            output.add(line);
            if (p.test(line)) {
                return line;
            }
            if (System.nanoTime() - deadline > 0) {
                break;
            }
        }
        throw new IllegalStateException("child ended or timed out; its output: " + output);
    }

    /** The child's counters and gauges. */
    private Map<String, Long> stats() throws IOException {
        childIn.write("stats\n".getBytes(StandardCharsets.US_ASCII));
        childIn.flush();
        final Map<String, Long> out = new HashMap<>();
        final int from = output.size();
        readUntil(line -> line.equals("END"));
        for (final String line : output.subList(from, output.size())) {
            if (line.startsWith("STAT ")) {
                final String[] parts = line.split(" ");
                out.put(parts[1], Long.parseLong(parts[2]));
            }
        }
        return out;
    }

    private void openIdle(final int n) throws IOException {
        for (int i = 0; i < n; i++) {
            final Socket s = new Socket();
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            idle.add(s);
        }
    }

    private long lines(final String fragment) {
        return output.stream().filter(l -> l.contains(fragment)).count();
    }

    @Test
    void underTheAutoCapOpenConnectionsKeepBeingServedAndTheRestAreClosedAtOnce() throws Exception {
        startChild(512, "{ event_loops: 1, transport: epoll }");   // auto: 256 connections
        for (int i = 0; i < 40; i++) {
            final RawHttpClient c = new RawHttpClient(port);
            clients.add(c);
            assertThat(c.get("/", "x").status()).isEqualTo(200);
        }
        openIdle(300);   // 340 in all against a cap of 256
        await().atMost(WAIT).until(() -> stats().getOrDefault("listener.main.downstream_global_cx_overflow", 0L)
            == 340 - 256);
        // All 40 at once: most need a new upstream connection, which still gets a descriptor.
        for (final RawHttpClient c : clients) {
            c.send(RawHttpClient.request("GET", "/delay/200", "x"));
        }
        for (final RawHttpClient c : clients) {
            assertThat(c.readResponse().status()).as("an open connection is still served").isEqualTo(200);
        }
        assertThat(lines("Too many open files")).as("the cap kept the process off EMFILE").isZero();
    }

    @Test
    void acceptFailuresAreCountedLoggedOncePerIntervalAndServiceComesBack() throws Exception {
        startChild(256, "{ event_loops: 1, transport: epoll, max_connections: 100000 }");
        final long start = System.nanoTime();
        openIdle(400);   // the kernel's backlog takes them; the child runs out of descriptors accepting them
        await().atMost(WAIT).until(() -> stats().getOrDefault("listener.main.downstream_cx_accept_error", 0L) >= 5);
        final long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        stats();   // one more round trip: every line logged so far has been read
        assertThat(lines("accept failed")).as("one line per 10 s, not one per failure")
            .isBetween(1L, 1 + elapsedSeconds / 10);
        assertThat(lines("exceptionCaught() event was fired")).as("no stack trace from the pipeline's tail").isZero();

        for (final Socket s : idle) {
            s.close();
        }
        idle.clear();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            try (RawHttpClient c = new RawHttpClient(port)) {
                return c.get("/", "x").status() == 200;
            }
        });
    }
}
