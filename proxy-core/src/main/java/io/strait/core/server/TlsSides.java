package io.strait.core.server;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.StraitConfig;
import io.strait.core.listener.ListenerTls;
import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.StatsRegistry;
import io.strait.tls.TlsConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The TLS side of every TLS listener (contexts, certificate reloader, handshake counters) and the one daemon thread
 * that polls certificate files, made on first need. A reload prepares the next set, keeping the side of a listener
 * whose {@code tls} did not change; sides it replaces are closed with the server, when no connection can be using
 * them any more.
 *
 * <p>Not thread-safe: used by the server's thread under the server's lock.
 */
final class TlsSides {

    private final StatsRegistry stats;
    private final int eventLoops;
    private final Map<String, ListenerTls> current = new LinkedHashMap<>();
    private final List<ListenerTls> replaced = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    TlsSides(final StatsRegistry stats, final int eventLoops) {
        this.stats = stats;
        this.eventLoops = eventLoops;
    }

    /** Starts the side of every TLS listener of {@code config} (the server's start). */
    void start(final StraitConfig config) throws TlsConfigException {
        for (final ListenerConfig lc : config.listeners()) {
            if (lc.tls() != null) {
                current.put(lc.name(), start(lc, null));
            }
        }
    }

    private ListenerTls start(final ListenerConfig lc, final ListenerTls previous) throws TlsConfigException {
        if ((!lc.tls().reloadInterval().isZero() || lc.tls().options().sessionTickets().rotates())
            && scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("strait-tls-reload",
                true));
        }
        return ListenerTls.start(lc, stats.scope("listener." + lc.name() + ".", ListenerStat.class), eventLoops,
            scheduler, previous == null ? null : previous.tickets());
    }

    /** The side of listener {@code name}, or null for a plain one. */
    ListenerTls get(final String name) {
        return current.get(name);
    }

    /**
     * The sides {@code next} needs when it follows {@code now}: the same side where a listener's {@code tls} did not
     * change, a new one otherwise. A side that cannot be made adds an error naming the listener; then every new side
     * is closed again and null returned.
     */
    Map<String, ListenerTls> prepare(final StraitConfig now, final StraitConfig next, final List<String> errors) {
        final Map<String, ListenerTls> out = new LinkedHashMap<>();
        final List<ListenerTls> made = new ArrayList<>();
        for (final ListenerConfig lc : next.listeners()) {
            if (lc.tls() == null) {
                continue;
            }
            final ListenerTls kept = current.get(lc.name());
            final ListenerConfig was = find(now, lc.name());
            if (kept != null && was != null && Objects.equals(was.tls(), lc.tls())) {
                out.put(lc.name(), kept);
                continue;
            }
            try {
                final ListenerTls t = start(lc, kept);
                made.add(t);
                out.put(lc.name(), t);
            } catch (final TlsConfigException | RuntimeException e) {
                errors.add("listeners." + lc.name() + ".tls: " + e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            discard(out);
            return null;
        }
        return out;
    }

    /** A prepared set that will not be used (the reload failed later): closes the sides it made. */
    void discard(final Map<String, ListenerTls> prepared) {
        for (final ListenerTls t : prepared.values()) {
            if (!current.containsValue(t)) {
                t.close();
            }
        }
    }

    /** Puts a prepared set in force; the sides it no longer holds wait for {@link #close}. */
    void commit(final Map<String, ListenerTls> prepared) {
        for (final Map.Entry<String, ListenerTls> e : current.entrySet()) {
            if (prepared.get(e.getKey()) != e.getValue()) {
                replaced.add(e.getValue());
            }
        }
        current.clear();
        current.putAll(prepared);
    }

    private static ListenerConfig find(final StraitConfig config, final String name) {
        for (final ListenerConfig l : config.listeners()) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** Stops the file poller and closes every side, current and replaced. Call after the loops stopped. */
    void close() throws InterruptedException {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        }
        for (final ListenerTls t : current.values()) {
            t.close();
        }
        for (final ListenerTls t : replaced) {
            t.close();
        }
    }
}
