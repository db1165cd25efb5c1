package io.strait.admin;

import java.util.List;

/**
 * Immutable. One upstream cluster and its hosts, as {@code /clusters} shows it.
 *
 * @param name  the cluster's name
 * @param hosts its hosts, in configuration order
 */
public record ClusterStatus(String name, List<HostStatus> hosts) {

    /** Copies the host list. */
    public ClusterStatus {
        hosts = List.copyOf(hosts);
    }
}
