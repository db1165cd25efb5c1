package io.strait.grpc;

import io.strait.core.cluster.Cluster;
import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.server.ProxyServer;
import io.strait.core.stats.ClusterStat;

import java.net.InetSocketAddress;
import java.util.stream.Collectors;

/**
 * Thread-safe (the proxy is). A Strait {@link ProxyServer} started in this JVM from a YAML string, as proxy-core's
 * {@code ProxyExtension} does, without its HTTP/1.1 test upstreams: the gRPC tests bring their own backends and
 * format their ports into the text.
 */
final class InProcessStrait implements AutoCloseable {

    /**
     * The keys the through-Strait gRPC tests need that Strait's config loader did not take when this module was
     * written, one per piece of issue 11: a listener's codec (downstream HTTP/2), an HTTP/2 upstream, retries on a
     * gRPC status. Parsed (never started) to decide whether those tests run.
     */
    private static final String FEATURE_PROBE = """
        listeners:
          - name: probe
            address: 127.0.0.1:0
            codec: auto
            virtual_hosts:
              - domains: [ "*" ]
                routes: [ { match: { prefix: / }, cluster: grpc, retry: { on: [ unavailable ] } } ]
        clusters:
          - { name: grpc, protocol: http2, endpoints: [ { address: 127.0.0.1:1 } ] }
        """;

    private final ProxyServer server;

    private InProcessStrait(final ProxyServer server) {
        this.server = server;
    }

    /**
     * Returns null when Strait takes the gRPC-over-HTTP/2 configuration (listener {@code codec: auto}, cluster
     * {@code protocol: http2}, retry {@code on: [ unavailable ]}), else why not: the loader's errors. The one switch
     * of the through-Strait tests: they run by themselves once the HTTP/2 and gRPC work of issue 11 is merged.
     */
    static String missingGrpcSupport() {
        final ConfigResult r = ConfigLoader.parse(FEATURE_PROBE, "grpc-feature-probe.yaml");
        if (r.ok()) {
            return null;
        }
        return "Strait does not take the gRPC over HTTP/2 configuration yet (issue 11: listener codec: auto,"
            + " cluster protocol: http2, retry on: [ unavailable ]): " + r.errors().stream().map(ConfigError::format)
            .collect(Collectors.joining("; "));
    }

    /**
     * Parses {@code yaml} and starts the proxy on it.
     *
     * @throws IllegalStateException with the loader's errors and the text when the configuration is invalid
     */
    static InProcessStrait start(final String yaml) throws Exception {
        final ConfigResult r = ConfigLoader.parse(yaml, "grpc-tests.yaml");
        if (!r.ok()) {
            throw new IllegalStateException("invalid test configuration:\n" + r.errors().stream()
                .map(ConfigError::format).collect(Collectors.joining("\n")) + "\n--- grpc-tests.yaml ---\n" + yaml);
        }
        return new InProcessStrait(ProxyServer.start(r.config()));
    }

    /** Returns the bound port of listener {@code name}. */
    int port(final String listener) {
        final InetSocketAddress a = server.boundAddress(listener);
        if (a == null) {
            throw new IllegalArgumentException("no listener " + listener + "; listeners: "
                + server.boundAddresses().keySet());
        }
        return a.getPort();
    }

    /** Returns a stat of cluster {@code name}, summed over the event loops. */
    long stat(final String cluster, final ClusterStat stat) {
        final Cluster c = server.snapshot().cluster(cluster);
        if (c == null) {
            throw new IllegalArgumentException("no cluster " + cluster);
        }
        return c.stats().value(stat);
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
