package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withCluster;
import static org.assertj.core.api.Assertions.assertThat;

/** A cluster's {@code protocol} (http1 | http2 | auto), its {@code http2} settings and the pool's request limit. */
class ConfigUpstreamProtocolTest {

    private static final String EP = "endpoints: [ { address: 127.0.0.1:9000 } ]";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": clusters[1]." + pathAndMessage;
    }

    private static ClusterConfig parsed(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withCluster(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().clusters().get(1);
    }

    @Test
    void http1UnlessToldWithDefaultHttp2Settings() {
        final ClusterConfig c = parsed("name: d", EP);
        assertThat(c.protocol()).isEqualTo(UpstreamProtocol.HTTP1);
        assertThat(c.http2()).isEqualTo(UpstreamHttp2Config.DEFAULTS);
        assertThat(c.pool().maxRequestsPerConnection()).isZero();
        assertThat(parsed("name: d", "protocol: auto", EP).protocol()).isEqualTo(UpstreamProtocol.AUTO);
        assertThat(parsed("name: d", "protocol: http1", EP).protocol()).isEqualTo(UpstreamProtocol.HTTP1);
    }

    @Test
    void http2WithItsSettings() {
        final ClusterConfig c = parsed("name: d", "protocol: http2", EP,
            "http2: { max_concurrent_streams: 10, initial_stream_window_size: 1MiB,"
                + " initial_connection_window_size: 16MiB }",
            "pool: { max_requests_per_connection: 1000 }");
        assertThat(c.protocol()).isEqualTo(UpstreamProtocol.HTTP2);
        assertThat(c.http2()).isEqualTo(new UpstreamHttp2Config(10, 1 << 20, 16 << 20));
        assertThat(c.pool().maxRequestsPerConnection()).isEqualTo(1000);
    }

    @Test
    void errorsNameTheFieldAndLine() {
        assertThat(errors(withCluster("name: d", "protocol: http3", EP)))
            .hasSize(1).allMatch(e -> e.startsWith(at(13, 15, "protocol: unknown upstream protocol 'http3'")));
        assertThat(errors(withCluster("name: d", EP, "http2: { max_concurrent_streams: 10 }")))
            .containsExactly(at(14, 5, "http2: http2 settings need protocol: http2, or protocol: auto with tls "
                + "(protocol is http1)"));
        assertThat(errors(withCluster("name: d", "protocol: http2", EP, "http2: { max_concurrent_streams: 0 }")))
            .hasSize(1).allMatch(e -> e.startsWith(at(15, 38, "http2.max_concurrent_streams: ")));
        assertThat(errors(withCluster("name: d", "protocol: http2", EP, "http2: { initial_stream_window_size: 1KiB }")))
            .hasSize(1).allMatch(e -> e.startsWith(at(15, 42, "http2.initial_stream_window_size: must be between")));
        assertThat(errors(withCluster("name: d", "protocol: http2", EP, "http2: { max_streams: 3 }")))
            .hasSize(1).allMatch(e -> e.contains("max_streams"));
    }
}
