package io.strait.core.config;

import java.util.List;

/**
 * Immutable. One listener (an entry of {@code listeners}). {@code cluster} is for {@code protocol: tcp} only;
 * {@code virtualHosts} for http. {@code tls} is null for a plain listener; {@code accessLog} is null when the
 * listener keeps no access log. {@code pathNormalization} is what is done to a request's path before routing (null
 * means {@link PathNormalizationConfig#DEFAULT}); {@code forwarding} is the forwarding-header policy
 * ({@link ForwardingConfig#EDGE} when the file sets none of its keys; null is read as that too). The constructors
 * without them take the defaults. {@code maxConnections} caps the listener's open downstream connections
 * ({@link #UNLIMITED_CONNECTIONS}: only the global {@code runtime.max_connections} applies). {@code codec} says which
 * HTTP versions connections may speak, {@code http2} the settings and limits of HTTP/2 connections. {@code rbac}
 * (null for none) is the authorization policy of the listener's virtual hosts and routes that have none of their own.
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
        PathNormalizationConfig pathNormalization,
        ForwardingConfig forwarding,
        int maxConnections,
        ListenerCodec codec,
        Http2Config http2,
        RbacConfig rbac) {

    /** No cap of the listener's own on its downstream connections. */
    public static final int UNLIMITED_CONNECTIONS = 0;

    /** Null {@code pathNormalization}, {@code forwarding}, {@code codec} and {@code http2} are the defaults. */
    public ListenerConfig {
        if (codec == null) {
            codec = ListenerCodec.AUTO;
        }
        if (http2 == null) {
            http2 = Http2Config.DEFAULT;
        }
        if (pathNormalization == null) {
            pathNormalization = PathNormalizationConfig.DEFAULT;
        }
        if (forwarding == null) {
            forwarding = ForwardingConfig.EDGE;
        }
    }

    /** A listener without an rbac policy: the arity before {@code rbac}. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final ListenerTlsConfig tls,
                          final AccessLogConfig accessLog, final PathNormalizationConfig pathNormalization,
                          final ForwardingConfig forwarding, final int maxConnections, final ListenerCodec codec,
                          final Http2Config http2) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, tls, accessLog, pathNormalization,
            forwarding, maxConnections, codec, http2, null);
    }

    /** A listener with the default codec ({@code auto}) and HTTP/2 settings: the arity before {@code codec}. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final ListenerTlsConfig tls,
                          final AccessLogConfig accessLog, final PathNormalizationConfig pathNormalization,
                          final ForwardingConfig forwarding, final int maxConnections) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, tls, accessLog, pathNormalization,
            forwarding, maxConnections, null, null, null);
    }

    /** A listener without a connection cap of its own: the arity before {@code max_connections}. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final ListenerTlsConfig tls,
                          final AccessLogConfig accessLog, final PathNormalizationConfig pathNormalization,
                          final ForwardingConfig forwarding) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, tls, accessLog, pathNormalization,
            forwarding, UNLIMITED_CONNECTIONS);
    }

    /** A listener with the default path normalisation and forwarding policy. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final ListenerTlsConfig tls,
                          final AccessLogConfig accessLog) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, tls, accessLog, null, null);
    }

    /** A plain (non-TLS) listener without an access log: the arity before {@code tls} and {@code access_log}. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, null, null, null, null);
    }

    /** A TLS (or, with null, plain) listener without an access log. */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final ListenerTlsConfig tls) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, tls, null, null, null);
    }

    /** A plain listener with an access log (or, with null, without). */
    public ListenerConfig(final String name, final HostPort address, final ListenerProtocol protocol,
                          final List<VirtualHostConfig> virtualHosts, final String cluster, final LimitsConfig limits,
                          final ListenerTimeoutsConfig timeouts, final AccessLogConfig accessLog) {
        this(name, address, protocol, virtualHosts, cluster, limits, timeouts, null, accessLog, null, null);
    }
}
