package io.strait.core.snapshot;

import io.strait.core.accesslog.AccessLog;
import io.strait.core.codec.http1.Http1Limits;
import io.strait.core.config.LimitsConfig;
import io.strait.core.config.ListenerConfig;
import io.strait.core.route.RouteTable;
import io.strait.core.stats.HttpStat;
import io.strait.core.stats.StatsScope;

/**
 * What one HTTP listener's connections share for one configuration snapshot: the compiled route
 * table, the codec limits, the timeouts and the listener's stats scope. Immutable, thread-safe.
 */
public final class ListenerRuntime {

    private final ListenerConfig config;
    private final RouteTable routes;
    private final Http1Limits limits;
    private final long idleTimeoutNanos;
    private final long streamIdleTimeoutNanos;
    private final StatsScope<HttpStat> stats;
    private final AccessLog accessLog;
    private final int accessLogFormat;

    ListenerRuntime(final ListenerConfig config, final RouteTable routes, final StatsScope<HttpStat> stats) {
        this(config, routes, stats, null, 0);
    }

    ListenerRuntime(final ListenerConfig config, final RouteTable routes, final StatsScope<HttpStat> stats,
                    final AccessLog accessLog, final int accessLogFormat) {
        this.accessLog = accessLog;
        this.accessLogFormat = accessLogFormat;
        this.config = config;
        this.routes = routes;
        this.stats = stats;
        final LimitsConfig l = config.limits();
        this.limits = new Http1Limits(l.maxRequestLineBytes(), l.maxHeaderBytes(), l.maxHeaderCount(),
            l.maxBodyBytes(), config.timeouts().requestHeaders().toMillis(),
            config.timeouts().firstByte().toMillis());
        this.idleTimeoutNanos = config.timeouts().idle().toNanos();
        this.streamIdleTimeoutNanos = config.timeouts().streamIdle().toNanos();
    }

    /** The listener's configuration. */
    public ListenerConfig config() {
        return config;
    }

    /** The listener's name. */
    public String name() {
        return config.name();
    }

    /** The compiled route table. */
    public RouteTable routes() {
        return routes;
    }

    /** The HTTP/1.1 codec limits. */
    public Http1Limits limits() {
        return limits;
    }

    /** Idle timeout of a connection with no request in flight, in nanoseconds (0: none). */
    public long idleTimeoutNanos() {
        return idleTimeoutNanos;
    }

    /** Time an exchange may go without an event from either side, in nanoseconds (0: no limit). */
    public long streamIdleTimeoutNanos() {
        return streamIdleTimeoutNanos;
    }

    /** The listener's stats ({@code http.<name>.}). */
    public StatsScope<HttpStat> stats() {
        return stats;
    }

    /** The access log this listener's requests go to, or null. */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** The message type of this listener's access-log records (see {@code AccessLogRecord}). */
    public int accessLogFormat() {
        return accessLogFormat;
    }
}
