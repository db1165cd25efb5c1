package io.strait.core.route;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strait.core.config.HeaderMatcherConfig;
import io.strait.core.config.HostPort;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.ListenerProtocol;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.RouteMatchConfig;
import io.strait.core.config.VirtualHostConfig;
import io.strait.core.config.WeightedClusterConfig;
import io.strait.core.http.HttpMethods;
import io.strait.core.http.HttpRequestHead;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RouteTable#match} and {@link Route#pickCluster} per request; mirrors {@code VirtualHostSelectionTest}
 * and {@code RouteMatchTest}. Run with {@code -prof gc}: exact-domain, wildcard-domain, prefix, path and
 * header-exact matches should report 0 B/op ({@code gc.alloc.rate.norm}); a regex match (re2j, with this thread's
 * reused view and matcher) allocates only re2j's small per-match objects. Confined to one benchmark thread
 * ({@code Scope.Thread}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteMatchBenchmark {

    /** Number of virtual hosts with exact domains (and as many wildcard ones). */
    @Param({"4", "256"})
    public int virtualHosts;

    private RouteTable table;
    private Route weightedRoute;
    private HttpRequestHead exactHostPrefix;
    private HttpRequestHead exactHostWithPortPath;
    private HttpRequestHead wildcardHostHeader;
    private HttpRequestHead defaultHostRegex;
    private final SplittableRandom random = new SplittableRandom(1);

    /** Builds the table and the request heads. */
    @Setup(Level.Trial)
    public void setUp() {
        final List<VirtualHostConfig> vhosts = new ArrayList<>();
        for (int i = 0; i < virtualHosts; i++) {
            vhosts.add(new VirtualHostConfig("exact" + i, List.of("host" + i + ".example.com"), routes(), null));
            vhosts.add(new VirtualHostConfig("wild" + i, List.of("*.zone" + i + ".example.net"), routes(), null));
        }
        vhosts.add(new VirtualHostConfig("default", List.of("*"), routes(), null));
        table = RouteTable.compile(new ListenerConfig("bench", new HostPort("127.0.0.1", 0), ListenerProtocol.HTTP,
            vhosts, null, null, null), name -> name.equals("a") ? 0 : name.equals("b") ? 1 : 2);

        final int mid = virtualHosts / 2;
        exactHostPrefix = parse("GET /api/v1/users/42?x=1 HTTP/1.1\r\nHost: host" + mid + ".example.com\r\n"
            + "User-Agent: bench\r\nAccept: */*\r\n\r\n");
        exactHostWithPortPath = parse("GET /healthz HTTP/1.1\r\nHost: HOST" + mid + ".Example.com:8080\r\n\r\n");
        wildcardHostHeader = parse("GET /canary/x HTTP/1.1\r\nHost: a.b.zone" + mid + ".example.net\r\n"
            + "Accept: */*\r\nX-Canary: 1\r\n\r\n");
        defaultHostRegex = parse("GET /files/report.pdf HTTP/1.1\r\nHost: unknown.org\r\n\r\n");
        weightedRoute = table.match(wildcardHostHeader);
        check(table.match(exactHostPrefix), "exact" + mid, 0);
        check(table.match(exactHostWithPortPath), "exact" + mid, 1);
        check(weightedRoute, "wild" + mid, 2);
        check(table.match(defaultHostRegex), "default", 3);
    }

    /** Releases the heads' buffers. */
    @TearDown(Level.Trial)
    public void tearDown() {
        exactHostPrefix.release();
        exactHostWithPortPath.release();
        wildcardHostHeader.release();
        defaultHostRegex.release();
    }

    /** Exact domain, first route (a prefix). */
    @Benchmark
    public Route exactHostPrefix() {
        return table.match(exactHostPrefix);
    }

    /** Exact domain after stripping the port, case-folded; second route (an exact path). */
    @Benchmark
    public Route exactHostWithPortPath() {
        return table.match(exactHostWithPortPath);
    }

    /** Wildcard domain; third route (prefix plus a header matcher). */
    @Benchmark
    public Route wildcardHostHeader() {
        return table.match(wildcardHostHeader);
    }

    /** Default virtual host; fourth route (a regex). */
    @Benchmark
    public Route defaultHostRegex() {
        return table.match(defaultHostRegex);
    }

    /** A weighted pick. */
    @Benchmark
    public int pickWeighted() {
        return weightedRoute.pickCluster(random.nextLong());
    }

    private static List<RouteConfig> routes() {
        return List.of(
            route(new RouteMatchConfig("/api/", null, null, List.of(), List.of()), "a", null),
            route(new RouteMatchConfig(null, "/healthz", null, List.of(), List.of()), "b", null),
            route(new RouteMatchConfig("/canary/", null, null,
                List.of(new HeaderMatcherConfig("x-canary", "1", null, null, null, false)), List.of()), null,
                List.of(new WeightedClusterConfig("a", 10), new WeightedClusterConfig("b", 90))),
            route(new RouteMatchConfig(null, null, "/files/[^/]+\\.pdf", List.of(), List.of()), "c", null));
    }

    private static RouteConfig route(final RouteMatchConfig match, final String cluster,
                                     final List<WeightedClusterConfig> weighted) {
        return new RouteConfig(match, cluster, weighted, Duration.ofSeconds(5), null, null, List.of(), List.of(),
            List.of(), List.of(), List.of(), null);
    }

    private static void check(final Route route, final String vhost, final int index) {
        if (route == null || !route.virtualHostName().equals(vhost) || route.index() != index) {
            throw new IllegalStateException("expected " + vhost + "#" + index + ", got " + route);
        }
    }

    /** Records a head's path and headers as offsets, as the HTTP/1.1 codec does (simple parsing, setup only). */
    private static HttpRequestHead parse(final String text) {
        final ByteBuf raw = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.US_ASCII));
        final int lineEnd = text.indexOf("\r\n");
        final int sp1 = text.indexOf(' ');
        final int sp2 = text.indexOf(' ', sp1 + 1);
        final HttpRequestHead head = new HttpRequestHead();
        head.reset(raw, HttpMethods.of(raw, 0, sp1), HttpRequestHead.VERSION_1_1);
        head.pathOffsets(sp1 + 1, sp2);
        int pos = lineEnd + 2;
        while (pos < text.length()) {
            final int end = text.indexOf("\r\n", pos);
            if (end == pos) {
                break;
            }
            final int colon = text.indexOf(':', pos);
            int vStart = colon + 1;
            while (text.charAt(vStart) == ' ') {
                vStart++;
            }
            final int index = head.headers().addWire(pos, colon, vStart, end);
            if (text.regionMatches(true, pos, "host", 0, 4) && colon == pos + 4) {
                head.hostIndex(index);
            }
            pos = end + 2;
        }
        return head;
    }
}
