package io.strait.server;

import io.strait.admin.AdminOptions;
import io.strait.admin.AdminServer;
import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.StraitConfig;
import io.strait.core.server.HotRestartServer;
import io.strait.core.server.InheritedSockets;
import io.strait.core.server.ProxyServer;
import io.strait.core.stats.StatsFileReader;
import io.strait.core.stats.StatsFiles;
import io.strait.server.warmup.Warmup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CountDownLatch;

/**
 * Starts the data plane and, when the config has {@code admin}, the admin API on its own thread; says so in one log
 * line each, reopens the access logs on SIGUSR1 (as Envoy does, for logrotate), reloads the configuration file on
 * SIGHUP (or the admin's {@code POST /reload}) and on SIGTERM/SIGINT (or the admin's {@code POST /quitquitquit})
 * drains it. Used by the
 * {@code run} and {@code demo} commands from the launcher's main thread.
 */
final class Launcher {

    private static final Logger LOG = LoggerFactory.getLogger("strait");

    private Launcher() {
    }

    /** Prints config errors to stderr; returns the exit code for an invalid config. */
    static int reportErrors(final ConfigResult result, final Object source) {
        for (final ConfigError e : result.errors()) {
            System.err.println(e.format());
        }
        System.err.println(result.errors().size() + " error(s) in " + source);
        return 2;
    }

    /**
     * Starts Strait and blocks until a shutdown signal has drained and stopped it.
     *
     * @param onStarted run once the listeners are bound (e.g. to print the demo's hints)
     * @param onStopped run after the proxy stopped (e.g. to stop demo upstreams)
     */
    /** {@code run --watch}: how often the configuration file is read for changes; null: not watched. */
    private static volatile Duration watchInterval;

    /** Watches the configuration file for changes every {@code interval} once started (null: never). */
    static void watchConfig(final Duration interval) {
        watchInterval = interval;
    }

    static int runUntilStopped(final StraitConfig config, final Runnable onStarted, final Runnable onStopped) {
        return runUntilStopped(config, null, onStarted, onStopped);
    }

    /**
     * {@link #runUntilStopped(StraitConfig, Runnable, Runnable)} for a configuration read from {@code configFile},
     * which SIGHUP reads again and puts in force ({@link ProxyServer#reload(Path)}); null: SIGHUP does nothing.
     * Without {@code runtime.stats_file} the counters go to the default stats file ({@link #withDefaultStatsFile}).
     */
    static int runUntilStopped(final StraitConfig given, final Path configFile, final Runnable onStarted,
                               final Runnable onStopped) {
        return runUntilStopped(given, configFile, null, false, onStarted, onStopped);
    }

    /**
     * {@link #runUntilStopped(StraitConfig, Path, Runnable, Runnable)} with hot restart: the control socket
     * {@code hotRestartSocket} (null: none) is opened once serving, and with {@code takeover} the listening sockets
     * come from the process on it, which is told to drain once this one serves (then the admin API starts, on the
     * address the old process has given up; if it cannot, this process serves without it rather than fail after
     * the old one began to drain). A process taken over drains and exits 0.
     */
    static int runUntilStopped(final StraitConfig given, final Path configFile, final Path hotRestartSocket,
                               final boolean takeover, final Runnable onStarted, final Runnable onStopped) {
        final StraitConfig config = withDefaultStatsFile(given, takeover);
        // Before anything binds (and, on a takeover, while the old process still serves): JIT the request path.
        LOG.info(Warmup.run(config).describe());
        HotRestart.Takeover from = null;
        final ProxyServer server;
        try {
            if (takeover) {
                from = HotRestart.receive(hotRestartSocket);
            }
            server = ProxyServer.start(config, from == null ? InheritedSockets.none() : from.sockets());
            if (from != null) {
                // Found while the old process still holds its file (its pid in the header), carried once it is gone.
                final long oldPid = from.client().peerPid();
                final Path oldStats = given.runtime().statsFile() == null ? StatsFiles.fileOf(oldPid,
                    server.stats().file()) : null;
                HotRestart.finish(from);
                carryCountersWhenGone(oldPid, oldStats, server);
            }
        } catch (final Exception e) {
            LOG.error("failed to start: {}", e instanceof IOException ? e.getMessage() : e.toString());
            if (from != null) {
                abandon(from);
            }
            return 1;
        }
        if (server.stats().file() != null) {
            LOG.info("stats file {} (read it with: strait stat --file {})", server.stats().file(),
                server.stats().file());
        }
        AdminServer started = null;
        try {
            started = startAdmin(config, configFile, server);
        } catch (final Exception e) {
            if (!takeover) {
                LOG.error("failed to start the admin API: {}", e.getMessage());
                closeQuietly(server);
                return 1;
            }
            LOG.error("failed to start the admin API: {}; serving without it", e.getMessage());
        }
        final AdminServer admin = started;
        final HotRestartServer control;
        try {
            control = HotRestart.open(hotRestartSocket, server);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        reopenAccessLogsOnSigusr1(server);
        reloadOnChange(server, configFile);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Duration drain = config.runtime().drainTimeout();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("shutdown signal: draining (up to {} ms)", drain.toMillis());
            try {
                server.drainAndClose(drain);
                if (given.runtime().statsFile() == null) {
                    deleteDefaultStatsFile(config.runtime().statsFilePath());
                }
                if (admin != null) {
                    admin.close();
                }
                onStopped.run();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                LOG.info("stopped");
                stopped.countDown();
            }
            // A drained stop is a clean stop: exit 0, not the 143 a JVM reports for SIGTERM. halt() because
            // System.exit() would wait for this very hook; nothing else registers one.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(0);
        }, "strait-shutdown"));
        // Logged once a SIGTERM drains: a supervisor (or test) that stops the process on this line gets a clean stop.
        LOG.info(startLine(server));
        TrainingMarker.serving();
        RunCommand.markRunning();
        onStarted.run();
        try {
            if (control != null) {
                HotRestart.drainWhenTakenOver(control, server, drain, () -> {
                    if (admin != null) {
                        try {
                            admin.close();
                        } catch (final InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                // The default stats file stays: the process that took over carries its counters on, then removes it.
                onStopped.run();
                LOG.info("stopped");
                System.out.flush();
                System.err.flush();
                Runtime.getRuntime().halt(0);
            }
            stopped.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * After a takeover: once the replaced process {@code pid} has exited (its drain done, its counters final), its
     * counters in {@code file} carry on in this process's ({@link io.strait.core.stats.StatsRegistry#carry}) and the
     * file is removed. Off the loops, on the JDK's process reaper. Nothing to do without either stats file.
     */
    private static void carryCountersWhenGone(final long pid, final Path file, final ProxyServer server) {
        if (file == null || server.stats().file() == null) {
            return;
        }
        final Runnable carry = () -> {
            try (StatsFileReader old = StatsFileReader.open(file)) {
                final int n = server.stats().carry(old.values());
                LOG.info("counters of replaced pid {} carried on ({} counters, from {})", pid, n, file);
            } catch (final IOException | RuntimeException e) {
                LOG.warn("counters of replaced pid {} not carried on: {}", pid, e.toString());
            }
            deleteDefaultStatsFile(file);
        };
        ProcessHandle.of(pid).ifPresentOrElse(h -> h.onExit().thenRun(carry), carry);
    }

    /**
     * {@code config} with {@code runtime.stats_file} set, when absent, to the default file of this instance: {@link
     * StatsFiles#defaultFile} named by the admin port, else the first listener's port (else the pid, when that port
     * is 0, chosen by the kernel).
     */
    static StraitConfig withDefaultStatsFile(final StraitConfig config) {
        return withDefaultStatsFile(config, false);
    }

    /**
     * {@link #withDefaultStatsFile(StraitConfig)}; a process taking over adds its pid to the default file's name,
     * since the process it replaces holds the plain one until it exits (a stats file is not handed over yet).
     */
    static StraitConfig withDefaultStatsFile(final StraitConfig config, final boolean takeover) {
        if (config.runtime().statsFile() != null) {
            return config;
        }
        int port = 0;
        if (config.admin() != null && config.admin().address() != null) {
            port = config.admin().address().port();
        }
        if (port == 0 && !config.listeners().isEmpty()) {
            port = config.listeners().get(0).address().port();
        }
        final String pid = "pid" + ProcessHandle.current().pid();
        final String id = port <= 0 ? pid : takeover ? port + "-" + pid : String.valueOf(port);
        return config.withRuntime(config.runtime().withStatsFile(StatsFiles.defaultFile(id).toString()));
    }

    /**
     * Removes the default stats file after a clean stop, so that instances come and go without filling
     * {@code /dev/shm}; a {@code runtime.stats_file} the user chose is kept, readable after the stop.
     */
    private static void deleteDefaultStatsFile(final Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (final IOException e) {
            LOG.warn("cannot remove stats file {}: {}", file, e.toString());
        }
    }

    private static void abandon(final HotRestart.Takeover from) {
        try {
            HotRestart.abandon(from);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reloads {@code file} (null: none) on SIGHUP and, with {@code run --watch}, when its content changes. */
    private static void reloadOnChange(final ProxyServer server, final Path file) {
        if (file == null) {
            return;
        }
        reloadOnSighup(server, file);
        final Duration every = watchInterval;
        if (every != null) {
            new ConfigWatcher(file, server::reload).start(every);
        }
    }

    /**
     * SIGHUP reloads the configuration file, on a thread of its own (the signal thread must not wait on the loops);
     * the result is logged by the server. Two signals in a row reload twice, one after the other.
     */
    private static void reloadOnSighup(final ProxyServer server, final Path file) {
        try {
            final sun.misc.SignalHandler before = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
                final Thread t = new Thread(() -> server.reload(file), "strait-reload");
                t.setDaemon(true);
                t.start();
            });
            if (before == sun.misc.SignalHandler.SIG_IGN) {
                // The JVM leaves a SIGHUP that was ignored when it started (nohup) ignored: say so, once.
                LOG.warn("SIGHUP is ignored in this process (started under nohup?), so it will not reload the "
                    + "configuration: use the admin's POST /reload or run --watch");
            }
        } catch (final IllegalArgumentException | UnsupportedOperationException e) {
            LOG.info("SIGHUP will not reload the configuration ({})", e.getMessage());
        }
    }

    /**
     * The admin server of {@code config.admin}, or null when the config has none; its {@code POST /reload} reads
     * {@code configFile} (null: nothing to reload).
     */
    static AdminServer startAdmin(final StraitConfig config, final Path configFile, final ProxyServer server)
        throws Exception {
        if (config.admin() == null) {
            return null;
        }
        // Quitting exits through the shutdown hook, which drains; on a thread of its own, since the hook waits.
        final ProxyAdminTarget target = new ProxyAdminTarget(server, configFile,
            () -> new Thread(() -> System.exit(0), "strait-quit").start());
        final AdminServer admin = AdminServer.start(AdminOptions.from(config.admin()), target);
        final InetSocketAddress a = admin.localAddress();
        LOG.info("admin API on http://{}:{}/{}", a.getHostString().indexOf(':') >= 0 ? "[" + a.getHostString() + "]"
            : a.getHostString(), a.getPort(), config.admin().authTokenFile() == null ? "" : " (bearer token required)");
        return admin;
    }

    private static void closeQuietly(final ProxyServer server) {
        try {
            server.close();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGUSR1 asks every access-log writer to reopen its file; a JVM that cannot take the signal just logs why. */
    private static void reopenAccessLogsOnSigusr1(final ProxyServer server) {
        if (server.accessLogs().all().isEmpty()) {
            return;
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), signal -> server.accessLogs().reopen());
        } catch (final IllegalArgumentException | UnsupportedOperationException e) {
            LOG.info("access logs will not reopen on SIGUSR1 ({}); they still reopen when their file is moved",
                e.getMessage());
        }
    }

    /**
     * Milliseconds since the JVM started: on Linux from {@code /proc} (the JVM is created by the process's second
     * thread, which the java launcher starts right after exec; the process itself is older, as {@code bin/strait}
     * ran in it first), elsewhere from the runtime bean, whose lookup loads the platform MBean machinery (some 150
     * classes, ~1 MiB resident) for this one figure.
     */
    static long uptimeMillis() {
        final long fromProc = JvmUptime.fromProc();
        return fromProc >= 0 ? fromProc : ManagementFactory.getRuntimeMXBean().getUptime();
    }

    static String startLine(final ProxyServer server) {
        final StringJoiner listeners = new StringJoiner(", ");
        for (final Map.Entry<String, InetSocketAddress> e : server.boundAddresses().entrySet()) {
            listeners.add(e.getKey() + "=" + e.getValue().getHostString() + ":" + e.getValue().getPort());
        }
        final long uptime = uptimeMillis();
        return "strait " + Version.get() + " started in " + uptime + " ms: JDK " + Version.jdk()
            + ", transport " + server.transport().name() + " (" + server.transport().reason() + "), "
            + server.eventLoops() + " event loop(s), SO_REUSEPORT " + (server.reusePort() ? "on" : "off")
            + ", listeners: " + listeners;
    }
}
