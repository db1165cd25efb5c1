package io.strait.core.server;

import io.strait.core.cluster.Cluster;
import io.strait.core.config.CircuitBreakersConfig;
import io.strait.core.listener.ConnectionLimit;
import io.strait.core.snapshot.ProxySnapshot;
import io.strait.lb.resilience.CircuitBreaker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runtime overrides (Envoy's admin runtime layer): limits an operator changes on a running server without a reload,
 * set through the admin's {@code POST /runtime_modify} and kept across reloads until removed (an empty value). The
 * keys:
 * <ul>
 *   <li>{@code overload.global_downstream_max_connections} (Envoy's key): the cap on downstream connections over
 *       all listeners ({@code runtime.max_connections});</li>
 *   <li>{@code circuit_breakers.<cluster>.max_connections}, {@code .max_pending_requests}, {@code .max_requests},
 *       {@code .max_retries}: the cluster's breaker limits.</li>
 * </ul>
 *
 * <p>Not thread-safe: used by the server's thread under the server's lock; what it changes (the connection cap, the
 * breakers' limits) is read by the loops through volatile fields.
 */
final class RuntimeOverrides {

    static final String GLOBAL_MAX_CONNECTIONS = "overload.global_downstream_max_connections";
    private static final String BREAKERS = "circuit_breakers.";
    private static final List<String> BREAKER_LIMITS = List.of("max_connections", "max_pending_requests",
        "max_requests", "max_retries");

    private final Map<String, Long> overrides = new TreeMap<>();

    /**
     * Validates every key and value of {@code values} against {@code snapshot}; when all are good, sets them (an empty
     * value removes the key's override) and applies the result. Returns the errors, each naming its key; on any error
     * nothing changes.
     */
    List<String> modify(final Map<String, String> values, final ProxySnapshot snapshot, final ConnectionLimit global,
                        final int configuredGlobal) {
        final List<String> errors = new ArrayList<>();
        final Map<String, Long> next = new TreeMap<>(overrides);
        for (final Map.Entry<String, String> e : values.entrySet()) {
            final String key = e.getKey();
            final String value = e.getValue() == null ? "" : e.getValue().trim();
            final String problem = checkKey(key, snapshot);
            if (problem != null) {
                errors.add(key + ": " + problem);
                continue;
            }
            if (value.isEmpty()) {
                next.remove(key);
                continue;
            }
            final long min = key.endsWith(".max_retries") ? 0 : 1;
            try {
                final long v = Long.parseLong(value);
                if (v < min || v > Integer.MAX_VALUE) {
                    errors.add(key + ": " + value + " is not in " + min + ".." + Integer.MAX_VALUE);
                } else {
                    next.put(key, v);
                }
            } catch (final NumberFormatException ex) {
                errors.add(key + ": " + value + " is not a whole number (an empty value removes the override)");
            }
        }
        if (errors.isEmpty()) {
            overrides.clear();
            overrides.putAll(next);
            apply(snapshot, global, configuredGlobal);
        }
        return errors;
    }

    /** Null if {@code key} is a runtime key of this snapshot, else why not. */
    private static String checkKey(final String key, final ProxySnapshot snapshot) {
        if (key.equals(GLOBAL_MAX_CONNECTIONS)) {
            return null;
        }
        if (key.startsWith(BREAKERS)) {
            final String rest = key.substring(BREAKERS.length());
            final int dot = rest.lastIndexOf('.');
            if (dot > 0 && BREAKER_LIMITS.contains(rest.substring(dot + 1))) {
                return snapshot.cluster(rest.substring(0, dot)) != null ? null
                    : "no cluster named " + rest.substring(0, dot);
            }
        }
        return "unknown runtime key; known: " + GLOBAL_MAX_CONNECTIONS + ", " + BREAKERS + "<cluster>."
            + String.join("|", BREAKER_LIMITS);
    }

    /**
     * Puts the configured limits, then the overrides, in force on {@code snapshot} (after a modification, and after a
     * reload, whose clusters may be new). An override of a cluster the snapshot no longer has is dropped.
     */
    void apply(final ProxySnapshot snapshot, final ConnectionLimit global, final int configuredGlobal) {
        final Long g = overrides.get(GLOBAL_MAX_CONNECTIONS);
        global.setMax(g != null ? g.intValue() : configuredGlobal);
        overrides.keySet().removeIf(k -> k.startsWith(BREAKERS) && checkKey(k, snapshot) != null);
        for (final Cluster c : snapshot.clusters()) {
            final CircuitBreakersConfig cb = c.config().circuitBreakers();
            final String prefix = BREAKERS + c.name() + ".";
            c.circuitBreaker().setLimits(
                value(prefix + "max_connections", cb.maxConnections()),
                value(prefix + "max_pending_requests", cb.maxPendingRequests()),
                value(prefix + "max_requests", cb.maxRequests()),
                value(prefix + "max_retries", cb.maxRetries()));
        }
    }

    private int value(final String key, final int configured) {
        final Long v = overrides.get(key);
        return v != null ? v.intValue() : configured;
    }

    /** Every runtime key of {@code snapshot} with the value in force and whether it is overridden, by key. */
    Map<String, Entry> entries(final ProxySnapshot snapshot, final ConnectionLimit global) {
        final Map<String, Entry> out = new TreeMap<>();
        out.put(GLOBAL_MAX_CONNECTIONS, new Entry(global.max(), overrides.containsKey(GLOBAL_MAX_CONNECTIONS)));
        for (final Cluster c : snapshot.clusters()) {
            final CircuitBreaker b = c.circuitBreaker();
            final String prefix = BREAKERS + c.name() + ".";
            out.put(prefix + "max_connections", entry(prefix + "max_connections", b.maxConnections()));
            out.put(prefix + "max_pending_requests", entry(prefix + "max_pending_requests", b.maxPendingRequests()));
            out.put(prefix + "max_requests", entry(prefix + "max_requests", b.maxRequests()));
            if (!b.hasRetryBudget()) {
                out.put(prefix + "max_retries", entry(prefix + "max_retries", b.maxRetries()));
            }
        }
        return out;
    }

    private Entry entry(final String key, final long inForce) {
        return new Entry(inForce, overrides.containsKey(key));
    }


    /**
     * Immutable. A runtime key's value in force.
     *
     * @param value      the value in force
     * @param overridden true when it comes from an override, false when from the configuration
     */
    record Entry(long value, boolean overridden) {
    }
}
