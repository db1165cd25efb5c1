package io.strait.core.config.validate;

import io.strait.core.config.UpstreamHttp2Config;
import io.strait.core.config.UpstreamProtocol;
import io.strait.core.config.yaml.Fields;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stateless. Binds a cluster's upstream protocol keys ({@code protocol}, {@code http2}) for {@link ClusterValidator},
 * reporting errors through the cluster's {@link Fields}.
 */
final class UpstreamProtocolValidator {

    private static final Map<String, UpstreamProtocol> PROTOCOLS = protocols();

    private UpstreamProtocolValidator() {
    }

    /** Key {@code protocol}: {@link UpstreamProtocol#HTTP1} when absent or invalid (reported). */
    static UpstreamProtocol protocol(final Fields cluster) {
        final UpstreamProtocol p = cluster.choice("protocol", "upstream protocol", PROTOCOLS, UpstreamProtocol.HTTP1);
        return p == null ? UpstreamProtocol.HTTP1 : p;
    }

    /**
     * Key {@code http2}: only with {@code protocol: http2}, or {@code auto} on a TLS cluster (whose connections are
     * HTTP/2 when ALPN picks h2); the defaults when absent or invalid (reported).
     */
    static UpstreamHttp2Config http2(final Fields cluster, final UpstreamProtocol protocol) {
        final Fields f = cluster.object("http2", "max_concurrent_streams", "initial_stream_window_size",
            "initial_connection_window_size");
        if (f == null) {
            return UpstreamHttp2Config.DEFAULTS;
        }
        if (protocol == UpstreamProtocol.HTTP1 || protocol == UpstreamProtocol.AUTO && !cluster.has("tls")) {
            cluster.errorAtKey("http2", "http2 settings need protocol: http2, or protocol: auto with tls (protocol is "
                + protocol.configName() + (protocol == UpstreamProtocol.AUTO ? " without tls)" : ")"));
            return UpstreamHttp2Config.DEFAULTS;
        }
        final Long streams = f.integerOr("max_concurrent_streams",
            (long) UpstreamHttp2Config.DEFAULT_MAX_CONCURRENT_STREAMS, 1, Integer.MAX_VALUE);
        final Long streamWindow = f.size("initial_stream_window_size",
            UpstreamHttp2Config.DEFAULT_INITIAL_STREAM_WINDOW_SIZE, false, UpstreamHttp2Config.MIN_WINDOW_SIZE,
            UpstreamHttp2Config.MAX_WINDOW_SIZE);
        final Long connectionWindow = f.size("initial_connection_window_size",
            UpstreamHttp2Config.DEFAULT_INITIAL_CONNECTION_WINDOW_SIZE, false, UpstreamHttp2Config.MIN_WINDOW_SIZE,
            UpstreamHttp2Config.MAX_WINDOW_SIZE);
        if (streams == null || streamWindow == null || connectionWindow == null) {
            return UpstreamHttp2Config.DEFAULTS;
        }
        return new UpstreamHttp2Config(streams.intValue(), streamWindow.intValue(), connectionWindow.intValue());
    }

    private static Map<String, UpstreamProtocol> protocols() {
        final Map<String, UpstreamProtocol> m = new LinkedHashMap<>();
        for (final UpstreamProtocol p : UpstreamProtocol.values()) {
            m.put(p.configName(), p);
        }
        return m;
    }
}
