package io.strait.core.accesslog;

import io.strait.core.config.AccessLogConfig;
import io.strait.core.config.AccessLogPaths;
import io.strait.core.config.ListenerConfig;
import io.strait.core.stats.AccessLogStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.core.stats.StatsScope;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access logs of one server: one {@link AccessLog} (ring, writer thread, file) per distinct path, shared by every
 * listener that names it. Thread-safe; made and closed by the thread that owns the server.
 */
public final class AccessLogs implements AutoCloseable {

    /**
     * How access logs are built.
     *
     * @param ringBytes   ring capacity per log, a power of two
     * @param startPaused true to start no writer until {@link #start()} (tests: a ring that fills up)
     */
    public record Options(int ringBytes, boolean startPaused) {
        /** A 1 MiB ring, writers started at once. */
        public static final Options DEFAULT = new Options(AccessLog.DEFAULT_RING_BYTES, false);
    }

    /** Guarded by this: a reload adds logs while loops look theirs up. */
    private final Map<String, AccessLog> byKey = new LinkedHashMap<>();
    private final StatsScope<AccessLogStat> stats;
    private final Options options;

    private AccessLogs(final StatsScope<AccessLogStat> stats, final Options options) {
        this.stats = stats;
        this.options = options;
    }

    /** Opens the access log of every listener that has one (writers started unless {@code options} pause them). */
    public static AccessLogs open(final List<ListenerConfig> listeners, final StatsRegistry registry,
                                  final Options options) {
        final AccessLogs logs = new AccessLogs(registry.scope("access_log.", AccessLogStat.class), options);
        try {
            logs.openMissing(listeners);
            if (!options.startPaused()) {
                logs.start();
            }
        } catch (final RuntimeException e) {
            logs.close();
            throw e;
        }
        return logs;
    }

    /**
     * Opens and starts the logs of {@code listeners} not open yet (a reload). A log no listener uses any more stays
     * open until the server closes: a connection still running on the old configuration may still write to it.
     */
    public synchronized void add(final List<ListenerConfig> listeners) {
        final int before = byKey.size();
        openMissing(listeners);
        if (byKey.size() > before && !options.startPaused()) {
            start();
        }
    }

    private void openMissing(final List<ListenerConfig> listeners) {
        for (final ListenerConfig l : listeners) {
            final AccessLogConfig c = l.accessLog();
            if (c == null) {
                continue;
            }
            final String key = key(c.path());
            if (!byKey.containsKey(key)) {
                final int n = byKey.size();
                byKey.put(key, new AccessLog(c.path(), options.ringBytes(), stats,
                    n == 0 ? "strait-access-log" : "strait-access-log-" + (n + 1)));
            }
        }
    }

    /** The log a listener's records go to, or null when it has none. */
    public synchronized AccessLog forListener(final ListenerConfig listener) {
        final AccessLogConfig c = listener.accessLog();
        return c == null ? null : byKey.get(key(c.path()));
    }

    /**
     * The message type of a listener's records: {@link AccessLogRecord#JSON}, or text, with the client's URI SANs
     * ({@link AccessLogRecord#TEXT_PEER}) when the listener verifies client certificates.
     */
    public static int formatOf(final ListenerConfig listener) {
        final AccessLogConfig c = listener.accessLog();
        if (c != null && c.format() == AccessLogConfig.Format.JSON) {
            return AccessLogRecord.JSON;
        }
        final boolean verifiesClients = listener.tls() != null && listener.tls().options().clientCa() != null;
        return verifiesClients ? AccessLogRecord.TEXT_PEER : AccessLogRecord.TEXT;
    }

    /** Every access log, by path. */
    public synchronized Map<String, AccessLog> all() {
        return Map.copyOf(byKey);
    }

    /** Starts every writer not started yet. */
    public synchronized void start() {
        for (final AccessLog l : byKey.values()) {
            l.start();
        }
    }

    /** Asks every writer to reopen its file (log rotation by signal). */
    public synchronized void reopen() {
        for (final AccessLog l : byKey.values()) {
            l.reopen();
        }
    }

    /** Drains and closes every log. Call after the event loops stopped. */
    @Override
    public synchronized void close() {
        for (final AccessLog l : byKey.values()) {
            l.close();
        }
    }

    /** One key per file: the standard streams by name, files by normalized absolute path. */
    private static String key(final String path) {
        if (AccessLogPaths.isStdout(path)) {
            return "-";
        }
        if (AccessLogPaths.isStderr(path)) {
            return path;
        }
        return Path.of(path).toAbsolutePath().normalize().toString();
    }
}
