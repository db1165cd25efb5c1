package io.strait.core.config.validate;

import io.strait.core.config.AdminConfig;
import io.strait.core.config.ClusterConfig;
import io.strait.core.config.ConfigError;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.OverloadConfig;
import io.strait.core.config.RuntimeConfig;
import io.strait.core.config.RuntimeProfile;
import io.strait.core.config.StraitConfig;
import io.strait.core.config.Transport;
import io.strait.core.config.WarmupConfig;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ScalarKind;
import io.strait.core.config.yaml.YamlNode.ScalarNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Confined to one thread (one instance per load). Binds a located YAML tree to the config records and validates it,
 * collecting every error with its field path and position instead of stopping at the first. The config it returns is
 * meaningful only when no error was added. It binds the top-level keys itself and hands each section to its
 * validator: clusters first, so that listeners and routes can check the cluster names they reference.
 */
public final class ConfigValidator extends SectionValidator {

    static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);
    static final int MAX_EVENT_LOOPS = 1024;

    private static final Map<String, Transport> TRANSPORTS = options("auto", Transport.AUTO, "epoll", Transport.EPOLL,
        "io_uring", Transport.IO_URING, "nio", Transport.NIO);
    private static final Map<String, RuntimeProfile> PROFILES = options("default", RuntimeProfile.DEFAULT, "sidecar",
        RuntimeProfile.SIDECAR);

    /** A validator resolving relative file paths against the working directory. */
    public ConfigValidator(final String source, final List<ConfigError> errors) {
        this(source, errors, Path.of(""));
    }

    /** A validator resolving relative file paths (TLS certificates) against {@code baseDir}. */
    public ConfigValidator(final String source, final List<ConfigError> errors, final Path baseDir) {
        super(source, errors, baseDir);
    }

    /** Binds and validates the document; errors go to the list given to the constructor. */
    public StraitConfig bind(final YamlNode root) {
        final Fields f = fields(root, "", "admin", "runtime", "listeners", "clusters", "overload");
        if (f == null) {
            return null;
        }
        final AdminConfig admin = admin(f);
        final RuntimeConfig runtime = runtime(f);
        final List<ClusterConfig> clusters = new ClusterValidator(this).clusters(f);
        final List<ListenerConfig> listeners = new ListenerValidator(this).listeners(f);
        final OverloadConfig overload = new OverloadValidator(this).overload(f);
        return new StraitConfig(admin, runtime, listeners, clusters, overload);
    }

    // ---------------------------------------------------------------------------------------------- top level

    private AdminConfig admin(final Fields root) {
        return new AdminValidator(this).admin(root);
    }

    private RuntimeConfig runtime(final Fields root) {
        final Fields f = root.object("runtime", "event_loops", "transport", "drain_timeout", "max_connections",
            "stats_file", "hot_restart_socket", "profile", "warmup", "batch_wait");
        if (f == null) {
            return new RuntimeConfig(0, Transport.AUTO, DEFAULT_DRAIN_TIMEOUT);
        }
        // Read first: the profile's defaults apply to the rest of the document (listeners, clusters).
        final RuntimeProfile chosen = f.choice("profile", "profile", PROFILES, RuntimeProfile.DEFAULT);
        profile = chosen == null ? RuntimeProfile.DEFAULT : chosen;
        int eventLoops = profile.eventLoops();
        final ScalarNode loops = f.scalar("event_loops", false);
        if (loops != null && !(loops.kind() == ScalarKind.STRING && loops.text().equals("auto"))) {
            final Long n = f.integer("event_loops", 1, MAX_EVENT_LOOPS, "'auto' or a positive integer");
            eventLoops = n == null ? profile.eventLoops() : n.intValue();
        }
        final Transport transport = f.choice("transport", "transport", TRANSPORTS, Transport.AUTO);
        final Duration drain = f.duration("drain_timeout", DEFAULT_DRAIN_TIMEOUT, false);
        return new RuntimeConfig(eventLoops, transport, drain, globalMaxConnections(f), statsFile(f),
            hotRestartSocket(f), profile, warmup(f), batchWait(f));
    }

    /** Key {@code batch_wait} of runtime: from 0 (off, the default) to {@link RuntimeConfig#MAX_BATCH_WAIT}. */
    private static Duration batchWait(final Fields runtime) {
        final Duration wait = runtime.duration("batch_wait", Duration.ZERO, false);
        if (wait != null && wait.compareTo(RuntimeConfig.MAX_BATCH_WAIT) > 0) {
            runtime.errorAtValue("batch_wait", "must be at most " + RuntimeConfig.MAX_BATCH_WAIT.toMillis()
                + "ms (each hop of a request may wait this long), got " + wait.toNanos() / 1_000 + " us");
            return Duration.ZERO;
        }
        return wait == null ? Duration.ZERO : wait;
    }

    /** Key {@code warmup} of runtime: {@code enabled}, {@code requests} (0..1,000,000), {@code max_time}. */
    private static WarmupConfig warmup(final Fields runtime) {
        final Fields f = runtime.object("warmup", "enabled", "requests", "max_time");
        if (f == null) {
            return WarmupConfig.OFF;   // off unless configured: on a quiet machine it bought no throughput (CONFIG.md)
        }
        final Boolean enabled = f.bool("enabled", Boolean.TRUE);
        final Long requests = f.integerOr("requests", (long) WarmupConfig.DEFAULT_REQUESTS, 0,
            WarmupConfig.MAX_REQUESTS);
        Duration maxTime = f.duration("max_time", WarmupConfig.DEFAULT_MAX_TIME, false);
        if (maxTime != null && maxTime.compareTo(WarmupConfig.MAX_MAX_TIME) > 0) {
            f.errorAtValue("max_time", "must be at most " + WarmupConfig.MAX_MAX_TIME.toSeconds() + "s, got "
                + maxTime.toMillis() + " ms");
            maxTime = null;
        }
        return new WarmupConfig(enabled == null || enabled, requests == null ? 0 : requests.intValue(),
            maxTime == null ? Duration.ZERO : maxTime);
    }

    /**
     * Key {@code hot_restart_socket} of runtime: {@code none}, or a path (relative to the config file's directory)
     * short enough for a Unix socket address; null when absent.
     */
    private String hotRestartSocket(final Fields runtime) {
        final String text = runtime.string("hot_restart_socket", false);
        if (text == null || text.equals(RuntimeConfig.NO_HOT_RESTART_SOCKET)) {
            return text;
        }
        if (text.isBlank() || text.indexOf('\0') >= 0) {
            runtime.errorAtValue("hot_restart_socket", "expected a socket file path, or none");
            return null;
        }
        final Path file;
        try {
            file = (baseDir == null ? Path.of(text) : baseDir.resolve(text)).toAbsolutePath().normalize();
        } catch (final InvalidPathException e) {
            runtime.errorAtValue("hot_restart_socket", "not a file path: " + e.getMessage());
            return null;
        }
        final int bytes = file.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > RuntimeConfig.MAX_SOCKET_PATH_BYTES) {
            runtime.errorAtValue("hot_restart_socket", file + " is " + bytes + " bytes long; a Unix socket path "
                + "takes at most " + RuntimeConfig.MAX_SOCKET_PATH_BYTES);
            return null;
        }
        if (Files.isDirectory(file)) {
            runtime.errorAtValue("hot_restart_socket", file + " is a directory; name a socket file in it, e.g. "
                + file.resolve("strait.sock"));
            return null;
        }
        return file.toString();
    }

    /**
     * Key {@code stats_file} of runtime: {@code none}, or a file path (relative to the config file's directory) whose
     * directory exists or can be made; null when absent.
     */
    private String statsFile(final Fields runtime) {
        final String text = runtime.string("stats_file", false);
        if (text == null) {
            return null;
        }
        if (text.isBlank() || text.indexOf('\0') >= 0) {
            runtime.errorAtValue("stats_file", "expected a file path, or none to keep counters in memory");
            return null;
        }
        if (text.equals(RuntimeConfig.NO_STATS_FILE)) {
            return text;
        }
        final Path file;
        try {
            file = (baseDir == null ? Path.of(text) : baseDir.resolve(text)).toAbsolutePath().normalize();
        } catch (final InvalidPathException e) {
            runtime.errorAtValue("stats_file", "not a file path: " + e.getMessage());
            return null;
        }
        if (Files.isDirectory(file)) {
            runtime.errorAtValue("stats_file", file + " is a directory; name a file in it, e.g. " + file.resolve(
                "stats"));
            return null;
        }
        return file.toString();
    }

    /** Key {@code max_connections} of runtime: {@code auto} (the default) or a positive integer. */
    private static int globalMaxConnections(final Fields runtime) {
        final ScalarNode s = runtime.scalar("max_connections", false);
        if (s == null || s.kind() == ScalarKind.STRING && s.text().equals("auto")) {
            return RuntimeConfig.AUTO_MAX_CONNECTIONS;
        }
        final Long n = runtime.integer("max_connections", 1, Integer.MAX_VALUE, "'auto' or a positive integer");
        return n == null ? RuntimeConfig.AUTO_MAX_CONNECTIONS : n.intValue();
    }
}
