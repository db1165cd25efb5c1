package io.strait.core.config;

import java.util.List;

/**
 * Immutable. One listener (an entry of {@code listeners}). {@code cluster} is for {@code protocol: tcp} only;
 * {@code virtualHosts} for http.
 * {@code accessLog} is null when the listener keeps no access log.
 */
public record ListenerConfig(
        String name,
        HostPort address,
        ListenerProtocol protocol,
        List<VirtualHostConfig> virtualHosts,
        String cluster,
        LimitsConfig limits,
        ListenerTimeoutsConfig timeouts,
        AccessLogConfig accessLog) {

    /** A listener without an access log (the arity before {@code access_log} was added). */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, null);
    }
}
