package io.strait.core.config;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Immutable. Key {@code overload}: the overload manager (Envoy's, reduced to what a proxy needs): resource monitors,
 * each with its budget ({@code max}), and the actions taken as the highest pressure ({@code used / max}) among the
 * resources an action watches passes its threshold. See docs/CONFIG.md, "overload".
 *
 * <p>When the key is absent the manager runs with {@link #DEFAULTS}: heap and direct memory watched against the JVM's
 * limits, actions at high thresholds; {@code enabled: false} turns it off.
 *
 * @param enabled         false: no monitor runs and no action is ever taken
 * @param refreshInterval how often the resources are sampled (off the event loops)
 * @param resources       the monitored resources and their budgets ({@link #AUTO}: the process's own limit)
 * @param actions         the configured actions; an action absent here is never taken
 */
public record OverloadConfig(
        boolean enabled,
        Duration refreshInterval,
        Map<Resource, Long> resources,
        Map<Action, ActionConfig> actions) {

    /** A resource's {@code max: auto}: the JVM's or the process's own limit, read at start. */
    public static final long AUTO = 0;
    /** The default {@code refresh_interval}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMillis(100);
    /** How far below its threshold an action's pressure must fall before it stops, unless {@code release} says. */
    public static final double DEFAULT_HYSTERESIS = 0.02;
    /** {@code reset_streams.min_buffered}'s default: connections holding less are never reset. */
    public static final long DEFAULT_RESET_MIN_BUFFERED = 64 * 1024;
    /** {@code reset_streams.max_per_interval}'s default. */
    public static final int DEFAULT_RESET_MAX_PER_INTERVAL = 8;

    /** Resources a monitor can watch, by config name. */
    public enum Resource {
        /** The old generation in use against its maximum (the young generation's garbage left out). */
        HEAP("heap"),
        /** Direct memory held by live buffers against the max direct memory. */
        DIRECT_MEMORY("direct_memory"),
        /** Open downstream connections over all listeners. */
        CONNECTIONS("connections"),
        /** Open file descriptors of the process against RLIMIT_NOFILE. */
        FILE_DESCRIPTORS("file_descriptors");

        private final String configName;

        Resource(final String configName) {
            this.configName = configName;
        }

        /** The name in the configuration and in stats ({@code overload.<name>.pressure}). */
        public String configName() {
            return configName;
        }
    }

    /** Actions, by config name, in the order the defaults take them as pressure rises. */
    public enum Action {
        /** HTTP/1.1 responses say {@code connection: close}; HTTP/2 connections get GOAWAY at their next request. */
        DISABLE_KEEPALIVE("disable_keepalive"),
        /** New requests are answered 503 {@code x-strait-error: overloaded} (gRPC: UNAVAILABLE, trailers-only). */
        SHED_REQUESTS("shed_requests"),
        /** Accepted connections are closed at once, before any TLS or HTTP work. */
        STOP_ACCEPTING_CONNECTIONS("stop_accepting_connections"),
        /** The downstream connections with the most bytes queued for the client are closed, largest first. */
        RESET_STREAMS("reset_streams");

        private final String configName;

        Action(final String configName) {
            this.configName = configName;
        }

        /** The name in the configuration and in stats ({@code overload.<name>.active}). */
        public String configName() {
            return configName;
        }
    }

    /**
     * Immutable. One action's trigger. Pressures are fractions of a resource's {@code max}.
     *
     * @param threshold      the action starts when the pressure reaches this
     * @param release        the action stops when the pressure falls below this (&lt;= threshold: hysteresis)
     * @param saturation     {@code shed_requests} only: the pressure at which every new request is shed; between
     *                       threshold and saturation the share shed rises linearly (Envoy's scaled trigger). Equal to
     *                       threshold for an all-or-nothing trigger
     * @param resources      the resources whose pressure counts; empty: every monitored resource
     * @param minBuffered    {@code reset_streams} only: connections with fewer bytes queued are never reset
     * @param maxPerInterval {@code reset_streams} only: at most this many connections reset per refresh interval
     */
    public record ActionConfig(
            double threshold,
            double release,
            double saturation,
            Set<Resource> resources,
            long minBuffered,
            int maxPerInterval) {

        /** An all-or-nothing trigger at {@code threshold}, released {@link #DEFAULT_HYSTERESIS} below it. */
        public static ActionConfig at(final double threshold) {
            return new ActionConfig(threshold, Math.max(0, threshold - DEFAULT_HYSTERESIS), threshold,
                Set.of(), DEFAULT_RESET_MIN_BUFFERED, DEFAULT_RESET_MAX_PER_INTERVAL);
        }
    }

    /**
     * What runs when the {@code overload} key is absent: heap and direct memory against the JVM's limits; keep-alive
     * off from 90%; from 95% new requests shed, new connections refused and the most-buffered connections reset (at
     * the same level: refusing new work frees nothing, and memory held by clients that stopped reading would
     * otherwise keep the proxy refusing everyone, as perf-tests/overload-memory.sh showed between 95% and a higher
     * reset level). Past those levels the next allocations fail with OutOfMemoryError anyway, on whichever
     * connection asks, so acting first loses less.
     */
    public static final OverloadConfig DEFAULTS = defaults();

    /** {@code enabled: false}: no monitor, no action. */
    public static final OverloadConfig DISABLED = new OverloadConfig(false, DEFAULT_REFRESH_INTERVAL, Map.of(),
        Map.of());

    private static OverloadConfig defaults() {
        final Map<Resource, Long> resources = new EnumMap<>(Resource.class);
        resources.put(Resource.HEAP, AUTO);
        resources.put(Resource.DIRECT_MEMORY, AUTO);
        final Map<Action, ActionConfig> actions = new EnumMap<>(Action.class);
        actions.put(Action.DISABLE_KEEPALIVE, ActionConfig.at(0.90));
        actions.put(Action.SHED_REQUESTS, ActionConfig.at(0.95));
        actions.put(Action.STOP_ACCEPTING_CONNECTIONS, ActionConfig.at(0.95));
        actions.put(Action.RESET_STREAMS, ActionConfig.at(0.95));
        return new OverloadConfig(true, DEFAULT_REFRESH_INTERVAL, Collections.unmodifiableMap(resources),
            Collections.unmodifiableMap(actions));
    }

    /** The resources {@code action} watches: its own list, or every monitored resource. */
    public Set<Resource> watchedBy(final Action action) {
        final ActionConfig a = actions.get(action);
        if (a == null) {
            return Set.of();
        }
        return a.resources().isEmpty() ? resources.keySet() : a.resources();
    }
}
