package io.strait.core.config;

import java.util.List;

/**
 * Immutable. One listener (an entry of {@code listeners}). {@code cluster} is for {@code protocol: tcp} only;
 * {@code virtualHosts} for http. {@code tls} is null for a plain listener; {@code accessLog} is null when the
 * listener keeps no access log. {@code pathNormalization} is what is done to a request's path before routing (null
 * means {@link PathNormalizationConfig#DEFAULT}; the constructors without it take the default).
 */
public record ListenerConfig(
        String name,
        HostPort address,
        ListenerProtocol protocol,
        List<VirtualHostConfig> virtualHosts,
        String cluster,
        LimitsConfig limits,
        ListenerTimeoutsConfig timeouts,
        ListenerTlsConfig tls,
        AccessLogConfig accessLog,
        PathNormalizationConfig pathNormalization) {

    /** Null {@code pathNormalization} is the default. */
    public ListenerConfig {
        if (pathNormalization == null) {
            pathNormalization = PathNormalizationConfig.DEFAULT;
        }
    }

    /** A listener with the default path normalisation: the arity before {@code pathNormalization}. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final ListenerTlsConfig tls,
                          final AccessLogConfig accessLog) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, tls, accessLog, null);
    }

    /** A plain (non-TLS) listener without an access log: the arity before {@code tls} and {@code access_log}. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, null, null, null);
    }

    /** A TLS (or, with null, plain) listener without an access log. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final ListenerTlsConfig tls) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, tls, null, null);
    }

    /** A plain listener with an access log (or, with null, without). */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final AccessLogConfig accessLog) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, null, accessLog, null);
    }
}
