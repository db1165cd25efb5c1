package io.strait.admin;

import io.strait.core.stats.StatVisitor;

import java.util.List;
import java.util.Map;

/**
 * The running proxy as the admin server sees it: the only way the admin reaches the proxy. Every method is called
 * on the admin thread ({@code strait-admin}), never on an event loop: reads must be safe from a foreign thread, and
 * actions must return promptly (start a drain, do not wait for it). The actions have defaults that answer 501 Not
 * Implemented, so a target implements only what its proxy supports.
 */
public interface AdminTarget {

    /** Visits every stat (counters, gauges, histograms in microseconds), e.g. through {@code StatsRegistry.forEach}. */
    void forEachStat(StatVisitor visitor);

    /** Every cluster and its hosts. */
    List<ClusterStatus> clusters();

    /** Every listener. */
    List<ListenerInfo> listeners();

    /**
     * The effective configuration as a JSON-able tree (maps with string keys, lists, strings, numbers, booleans,
     * nulls), secrets already redacted (see {@link ConfigTree}).
     */
    Object configDump();

    /** Every certificate the listeners serve. */
    List<CertificateInfo> certificates();

    /** Version, uptime, JDK, transport, loops. */
    ServerInfo serverInfo();

    /** Starting, serving or draining. */
    ServerState state();

    /**
     * {@code POST /healthcheck/fail} ({@code failed} true) and {@code /healthcheck/ok} (false): the admin's own
     * {@code /ready} follows the flag whatever this does; a proxy may also fail its health-check routes.
     */
    default ActionResult healthCheckFailed(final boolean failed) {
        return ActionResult.ok(failed ? "health checks now fail" : "health checks now pass");
    }

    /** {@code POST /drain_listeners}: stop accepting, let open connections finish. */
    default ActionResult drainListeners() {
        return ActionResult.notImplemented("draining listeners without stopping is not supported by this proxy");
    }

    /** {@code POST /reload}: read, validate and apply the configuration file again. */
    default ActionResult reload() {
        return ActionResult.notImplemented("configuration reload is not supported by this proxy yet");
    }

    /** {@code GET /runtime}: the runtime overrides in force, key to value. */
    default Map<String, String> runtime() {
        return Map.of();
    }

    /**
     * {@code GET /overload}: the overload manager as a JSON tree (maps, lists, strings, numbers, booleans): whether it
     * runs, each monitored resource's use, budget and pressure, each action's trigger and whether it is in force.
     */
    default Map<String, Object> overload() {
        return Map.of("enabled", false);
    }

    /** {@code POST /runtime_modify?key=value...}: set runtime overrides; refuse unknown keys or bad values. */
    default ActionResult runtimeModify(final Map<String, String> values) {
        return ActionResult.notImplemented("runtime overrides are not supported by this proxy yet");
    }

    /**
     * {@code POST /logging}: set a log level.
     *
     * @param logger a logger name, or null for the root logger
     * @param level  one of trace, debug, info, warn, error, off (checked by the admin)
     */
    default ActionResult setLogLevel(final String logger, final String level) {
        return ActionResult.notImplemented("changing log levels is not supported by this proxy");
    }

    /** {@code POST /reopen_logs}: reopen the access logs (after logrotate moved them). */
    default ActionResult reopenLogs() {
        return ActionResult.notImplemented("reopening logs is not supported by this proxy");
    }

    /**
     * {@code POST /quitquitquit}: drain and exit. Called after the response has been written; must not block the
     * admin thread (start the shutdown on another thread).
     */
    default void quit() {
    }
}
