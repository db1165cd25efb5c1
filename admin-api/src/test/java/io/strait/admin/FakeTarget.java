package io.strait.admin;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.LoopStats;
import io.strait.core.stats.StatVisitor;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A proxy as the admin sees it, made by hand: a real {@link StatsRegistry} (two loops) with a listener "ingress" and a
 * cluster "api", and whatever hosts, listeners and answers a test sets. Records the actions called on it.
 */
class FakeTarget implements AdminTarget {

    final StatsRegistry registry = new StatsRegistry(2);
    final StatsScope<ClusterStat> api = registry.scope("cluster.api.", ClusterStat.class);
    final StatsScope<HttpStat> http = registry.scope("http.ingress.", HttpStat.class);
    final StatsScope<ListenerStat> listener = registry.scope("listener.ingress.", ListenerStat.class);
    final LoopStats<ClusterStat> api0 = api.loop(0);
    final LoopStats<ClusterStat> api1 = api.loop(1);
    final LoopStats<HttpStat> http0 = http.loop(0);

    volatile List<ClusterStatus> clusters = List.of(new ClusterStatus("api", List.of(
        new HostStatus("127.0.0.1", 8081, 1, false, false, false, "", 0, 5, 0, 1, 5, 0, 2, 1),
        new HostStatus("127.0.0.1", 8082, 3, true, false, false, "health check: connection refused", 2, 7, 4, 0,
            1, 3, 6, 4))));
    volatile List<ListenerInfo> listeners = List.of(new ListenerInfo("ingress", "127.0.0.1", 10000, "http", false),
        new ListenerInfo("secure", "::1", 10443, "http", true));
    volatile ServerState state = ServerState.SERVING;
    volatile ActionResult reloadResult = ActionResult.notImplemented("configuration reload is not supported yet");
    volatile ActionResult drainResult = ActionResult.ok("draining 2 listeners");
    final Map<String, String> runtime = new LinkedHashMap<>(Map.of("health_check.min_interval", "1s"));
    final List<String> calls = new CopyOnWriteArrayList<>();
    final CountDownLatch quit = new CountDownLatch(1);

    @Override
    public void forEachStat(final StatVisitor visitor) {
        registry.forEach(visitor);
    }

    @Override
    public List<ClusterStatus> clusters() {
        return clusters;
    }

    @Override
    public List<ListenerInfo> listeners() {
        return listeners;
    }

    @Override
    public Object configDump() {
        return ConfigTree.of(new Sample(new Sample.Admin("127.0.0.1:9901", "/etc/strait/token"),
            List.of(new Sample.Header("authorization", "Basic c2VjcmV0"), new Sample.Header("x-env", "prod")),
            Duration.ofMillis(1500), "hunter2"));
    }

    /** A config-like record tree with a secret in it. */
    record Sample(Admin admin, List<Header> requestHeadersToAdd, Duration drainTimeout, String clientSecret) {
        record Admin(String address, String authTokenFile) {
        }

        record Header(String name, String value) {
        }
    }

    @Override
    public List<CertificateInfo> certificates() {
        return List.of(new CertificateInfo("secure", "/etc/strait/a.pem", "CN=a.example.com",
            List.of("a.example.com", "127.0.0.1"), "1a2b3c", Instant.parse("2027-01-31T00:00:00Z")),
            new CertificateInfo(null, "payments", CertificateInfo.CLIENT, "/etc/strait/frontend.pem", "CN=frontend",
                List.of("spiffe://example.org/ns/demo/sa/frontend"), "4d5e", Instant.parse("2026-12-11T00:00:00Z")));
    }

    @Override
    public ServerInfo serverInfo() {
        return new ServerInfo("0.1.0-test", Duration.ofSeconds(42), "21.0.2", "nio (test)", 2);
    }

    @Override
    public ServerState state() {
        return state;
    }

    @Override
    public ActionResult healthCheckFailed(final boolean failed) {
        calls.add("healthcheck " + (failed ? "fail" : "ok"));
        return AdminTarget.super.healthCheckFailed(failed);
    }

    @Override
    public ActionResult drainListeners() {
        calls.add("drain");
        return drainResult;
    }

    @Override
    public ActionResult reload() {
        calls.add("reload");
        return reloadResult;
    }

    @Override
    public Map<String, String> runtime() {
        synchronized (runtime) {
            return new LinkedHashMap<>(runtime);
        }
    }

    @Override
    public ActionResult runtimeModify(final Map<String, String> values) {
        final List<String> unknown = new ArrayList<>();
        for (final String k : values.keySet()) {
            if (k.startsWith("bad")) {
                unknown.add("unknown runtime key '" + k + "'");
            }
        }
        if (!unknown.isEmpty()) {
            return ActionResult.rejected("nothing changed", unknown);
        }
        synchronized (runtime) {
            runtime.putAll(values);
        }
        return ActionResult.ok("OK");
    }

    @Override
    public ActionResult setLogLevel(final String logger, final String level) {
        calls.add("log " + (logger == null ? "root" : logger) + "=" + level);
        return ActionResult.ok((logger == null ? "root" : logger) + " now logs at " + level);
    }

    @Override
    public ActionResult reopenLogs() {
        calls.add("reopen");
        return ActionResult.ok("reopened 1 access log");
    }

    @Override
    public void quit() {
        calls.add("quit");
        quit.countDown();
    }
}
