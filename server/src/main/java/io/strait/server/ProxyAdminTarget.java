package io.strait.server;

import io.strait.admin.ActionResult;
import io.strait.admin.AdminTarget;
import io.strait.admin.CertificateInfo;
import io.strait.admin.ClusterStatus;
import io.strait.admin.ConfigTree;
import io.strait.admin.HostStatus;
import io.strait.admin.ListenerInfo;
import io.strait.admin.ServerInfo;
import io.strait.admin.ServerState;
import io.strait.core.cluster.Cluster;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.OverloadConfig;
import io.strait.core.overload.OverloadManager;
import io.strait.core.server.ProxyServer;
import io.strait.core.server.ReloadResult;
import io.strait.core.snapshot.ProxySnapshot;
import io.strait.core.stats.StatVisitor;
import io.strait.lb.Host;
import io.strait.lb.HostStat;
import io.strait.lb.HostStats;
import io.strait.lb.health.OutlierDetector;
import io.strait.tls.CertificateFiles;
import io.strait.tls.TlsClientOptions;

import java.util.Map;
import java.util.LinkedHashMap;
import java.nio.file.Path;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Thread-safe (reads the proxy's published state). The running {@link ProxyServer} as the admin server sees it.
 * Per-host stats are each {@link Host}'s own counters ({@link HostStats}, summed over the event loops as they are
 * read) and its active-request count.
 */
final class ProxyAdminTarget implements AdminTarget {

    private final ProxyServer server;
    /** The file {@code POST /reload} reads again; null when the proxy did not start from one (the bundled demo). */
    private final Path configFile;
    private final Runnable quit;

    /**
     * @param server     the running proxy
     * @param configFile the configuration file {@code POST /reload} reads again, or null
     * @param quit       what {@code /quitquitquit} does (the launcher: exit through the draining shutdown hook)
     */
    ProxyAdminTarget(final ProxyServer server, final Path configFile, final Runnable quit) {
        this.server = server;
        this.configFile = configFile;
        this.quit = quit;
    }

    @Override
    public void forEachStat(final StatVisitor visitor) {
        server.stats().forEach(visitor);
    }

    @Override
    public List<ClusterStatus> clusters() {
        final ProxySnapshot s = server.snapshot();
        final List<ClusterStatus> out = new ArrayList<>(s.clusterCount());
        for (int i = 0; i < s.clusterCount(); i++) {
            final Cluster c = s.cluster(i);
            final OutlierDetector detector = c.outlierDetector();
            final List<HostStatus> hosts = new ArrayList<>();
            for (final Host h : c.hosts()) {
                final boolean ejected = detector != null && detector.isEjected(h);
                final boolean failedCheck = !h.isHealthy() && !ejected;
                final String reason = ejected ? "ejected by outlier detection (" + detector.timesEjected(h)
                    + " time(s) so far)" : failedCheck ? "failing active health checks" : "";
                final InetSocketAddress a = h.address();
                final HostStats st = h.stats();
                hosts.add(new HostStatus(a.getHostString(), a.getPort(), h.weight(), failedCheck, ejected, false,
                    reason, h.activeRequests(), st.value(HostStat.RQ_TOTAL), st.value(HostStat.RQ_ERROR),
                    st.value(HostStat.CX_ACTIVE), st.value(HostStat.RQ_SUCCESS), st.value(HostStat.RQ_TIMEOUT),
                    st.value(HostStat.CX_TOTAL), st.value(HostStat.CX_CONNECT_FAIL)));
            }
            out.add(new ClusterStatus(c.name(), hosts));
        }
        return out;
    }

    @Override
    public List<ListenerInfo> listeners() {
        final List<ListenerInfo> out = new ArrayList<>();
        for (final ListenerConfig l : server.snapshot().config().listeners()) {
            final InetSocketAddress bound = server.boundAddress(l.name());
            out.add(new ListenerInfo(l.name(), bound == null ? l.address().host() : bound.getHostString(),
                bound == null ? l.address().port() : bound.getPort(), l.protocol().name().toLowerCase(Locale.ROOT),
                l.tls() != null));
        }
        return out;
    }

    @Override
    public Object configDump() {
        return ConfigTree.of(server.snapshot().config());
    }

    @Override
    public List<CertificateInfo> certificates() {
        final List<CertificateInfo> out = new ArrayList<>();
        for (final ListenerConfig l : server.snapshot().config().listeners()) {
            if (l.tls() == null) {
                continue;
            }
            for (final CertificateFiles f : l.tls().options().certificates()) {
                final X509Certificate cert = leaf(f);
                if (cert != null) {
                    out.add(new CertificateInfo(l.name(), f.cert().toString(),
                        cert.getSubjectX500Principal().getName(), sans(cert), cert.getSerialNumber().toString(16),
                        cert.getNotAfter().toInstant()));
                }
            }
        }
        for (final ClusterConfig c : server.snapshot().config().clusters()) {
            if (c.tls() == null) {
                continue;
            }
            final TlsClientOptions o = c.tls().options();
            if (o.clientCertificate() != null) {
                final X509Certificate cert = leaf(o.clientCertificate());
                if (cert != null) {
                    out.add(info(c.name(), CertificateInfo.CLIENT, o.clientCertificate().cert(), cert));
                }
            }
            for (final X509Certificate ca : all(o.caFile())) {
                out.add(info(c.name(), CertificateInfo.CA, o.caFile(), ca));
            }
        }
        return out;
    }

    private static CertificateInfo info(final String cluster, final String kind, final Path path,
                                        final X509Certificate cert) {
        return new CertificateInfo(null, cluster, kind, path.toString(), cert.getSubjectX500Principal().getName(),
            sans(cert), cert.getSerialNumber().toString(16), cert.getNotAfter().toInstant());
    }

    /** Every certificate of a PEM bundle, or none if it cannot be read now. */
    private static List<X509Certificate> all(final Path file) {
        final List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (final Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (final IOException | CertificateException e) {
            return List.of();
        }
        return out;
    }

    /** The first certificate of the chain file, or null if it cannot be read now. */
    private static X509Certificate leaf(final CertificateFiles f) {
        try (InputStream in = Files.newInputStream(f.cert())) {
            final Collection<? extends Certificate> chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(in);
            return chain.isEmpty() ? null : (X509Certificate) chain.iterator().next();
        } catch (final IOException | CertificateException e) {
            return null;
        }
    }

    private static List<String> sans(final X509Certificate cert) {
        final List<String> out = new ArrayList<>();
        try {
            final Collection<List<?>> names = cert.getSubjectAlternativeNames();
            if (names != null) {
                for (final List<?> n : names) {
                    out.add(String.valueOf(n.get(1)));
                }
            }
        } catch (final CertificateParsingException e) {
            out.add("(unreadable: " + e.getMessage() + ")");
        }
        return out;
    }

    @Override
    public ServerInfo serverInfo() {
        return new ServerInfo(Version.get(), Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()),
            Runtime.version().toString(), server.transport().name() + " (" + server.transport().reason() + ")",
            server.eventLoops());
    }

    @Override
    public ServerState state() {
        return server.isDraining() ? ServerState.DRAINING : ServerState.SERVING;
    }

    @Override
    public ActionResult reload() {
        if (configFile == null) {
            return ActionResult.notImplemented("this proxy did not start from a configuration file (the bundled demo "
                + "config): there is no file to reload; run it with -c FILE");
        }
        final ReloadResult r = server.reload(configFile);
        if (!r.applied()) {
            return ActionResult.rejected("configuration reload refused; the running configuration stays",
                r.errors());
        }
        return r.errors().isEmpty() ? ActionResult.ok("configuration reloaded from " + configFile)
            : new ActionResult(ActionResult.Outcome.OK, "configuration reloaded from " + configFile
                + "; these parts could not be applied", r.errors());
    }

    /**
     * The overload manager: its configuration, each resource's reading at the last sample and each action's trigger
     * and scale in force (0: off, 1: in force; a scaled shed between).
     */
    @Override
    public Map<String, Object> overload() {
        final OverloadManager m = server.overload();
        final OverloadConfig c = m.config();
        final Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", c.enabled());
        out.put("refresh_interval_ms", c.refreshInterval().toMillis());
        final Map<String, Object> resources = new LinkedHashMap<>();
        for (final Map.Entry<OverloadConfig.Resource, OverloadManager.Reading> e : m.readings().entrySet()) {
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("used", e.getValue().used());
            r.put("max", e.getValue().max());
            r.put("pressure", e.getValue().pressure());
            resources.put(e.getKey().configName(), r);
        }
        out.put("resources", resources);
        final Map<String, Object> actions = new LinkedHashMap<>();
        final Map<OverloadConfig.Action, Double> scales = m.actions();
        for (final Map.Entry<OverloadConfig.Action, OverloadConfig.ActionConfig> e : c.actions().entrySet()) {
            final OverloadConfig.ActionConfig a = e.getValue();
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("threshold", a.threshold());
            r.put("release", a.release());
            if (a.saturation() > a.threshold()) {
                r.put("saturation", a.saturation());
            }
            r.put("resources", c.watchedBy(e.getKey()).stream().map(OverloadConfig.Resource::configName).sorted()
                .toList());
            r.put("active", scales.getOrDefault(e.getKey(), 0.0));
            actions.put(e.getKey().configName(), r);
        }
        out.put("actions", actions);
        return out;
    }

    /** Every runtime key with its value in force; an override shows as {@code value (override)}. */
    @Override
    public Map<String, String> runtime() {
        final Map<String, String> out = new LinkedHashMap<>();
        for (final Map.Entry<String, ProxyServer.RuntimeValue> e : server.runtime().entrySet()) {
            out.put(e.getKey(), e.getValue().value() + (e.getValue().overridden() ? " (override)" : ""));
        }
        return out;
    }

    @Override
    public ActionResult runtimeModify(final Map<String, String> values) {
        final List<String> errors = server.modifyRuntime(values);
        return errors.isEmpty() ? ActionResult.ok("runtime overrides set: " + String.join(", ", values.keySet()))
            : ActionResult.rejected("runtime overrides refused; nothing changed", errors);
    }

    @Override
    public ActionResult drainListeners() {
        server.drainListeners();
        return ActionResult.ok("listeners drained: no new connections are accepted; open ones close after their "
            + "response; the process stays up until POST /quitquitquit or SIGTERM");
    }

    @Override
    public ActionResult setLogLevel(final String logger, final String level) {
        return LogLevels.set(logger, level);
    }

    @Override
    public ActionResult reopenLogs() {
        final int n = server.accessLogs().all().size();
        server.accessLogs().reopen();
        return ActionResult.ok("asked " + n + " access log(s) to reopen");
    }

    @Override
    public void quit() {
        quit.run();
    }
}
