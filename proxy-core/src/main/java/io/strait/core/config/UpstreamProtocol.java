package io.strait.core.config;

/**
 * Immutable. Key {@code protocol} of a cluster: what the proxy speaks to the cluster's hosts, whatever the client
 * spoke to it.
 */
public enum UpstreamProtocol {
    /** HTTP/1.1, one request at a time per connection, idle connections pooled (the default). */
    HTTP1("http1"),
    /** HTTP/2 with prior knowledge (h2c on plaintext): requests are streams multiplexed on a few connections. */
    HTTP2("http2"),
    /**
     * Negotiated by ALPN on a cluster with {@code tls}, per connection: h2 when the upstream picks it, else HTTP/1.1.
     * On a plaintext cluster, which cannot negotiate, it means HTTP/1.1 (as Envoy's auto_config without TLS).
     */
    AUTO("auto");

    private final String configName;

    UpstreamProtocol(final String configName) {
        this.configName = configName;
    }

    /** The name in the configuration file. */
    public String configName() {
        return configName;
    }
}
