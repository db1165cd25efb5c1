package io.strait.lb;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An immutable snapshot of a cluster's hosts with the healthy subset precomputed. Thread-safe.
 * A new snapshot is made when membership or health changes; load balancers are built from it,
 * never per request.
 */
public final class HostSet {

    private final List<Host> all;
    private final List<Host> healthy;

    private HostSet(final List<Host> all, final List<Host> healthy) {
        this.all = all;
        this.healthy = healthy;
    }

    /** A snapshot of {@code hosts} as they are now. */
    public static HostSet of(final List<Host> hosts) {
        final List<Host> all = List.copyOf(hosts);
        final List<Host> healthy = new ArrayList<>(all.size());
        for (final Host h : all) {
            if (h.isHealthy()) {
                healthy.add(h);
            }
        }
        return new HostSet(all, Collections.unmodifiableList(healthy));
    }

    /** Every host, in configuration order. */
    public List<Host> all() {
        return all;
    }

    /** The hosts that were healthy when the snapshot was taken. */
    public List<Host> healthy() {
        return healthy;
    }
}
