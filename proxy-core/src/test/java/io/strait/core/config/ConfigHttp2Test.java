package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withListener;
import static org.assertj.core.api.Assertions.assertThat;

/** A listener's {@code codec} and {@code http2} keys, and how the codec decides the ALPN protocols offered. */
class ConfigHttp2Test {

    private static final String VH = "virtual_hosts: [ { domains: [ \"*\" ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";

    private static ListenerConfig listener(final String... lines) {
        final String[] all = new String[lines.length + 3];
        all[0] = "name: m";
        all[1] = "address: 127.0.0.1:0";
        System.arraycopy(lines, 0, all, 2, lines.length);
        all[all.length - 1] = VH;
        final ConfigResult r = ConfigLoader.parse(withListener(all), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().listeners().get(1);
    }

    private static java.util.List<String> listenerErrors(final String... lines) {
        final String[] all = new String[lines.length + 3];
        all[0] = "name: m";
        all[1] = "address: 127.0.0.1:0";
        System.arraycopy(lines, 0, all, 2, lines.length);
        all[all.length - 1] = VH;
        return errors(withListener(all));
    }

    @Test
    void defaultsAreAutoAndEnvoyLikeLimits() {
        final ListenerConfig l = listener();
        assertThat(l.codec()).isEqualTo(ListenerCodec.AUTO);
        assertThat(l.http2()).isEqualTo(Http2Config.DEFAULT);
        assertThat(l.http2().maxConcurrentStreams()).isEqualTo(100);
        assertThat(l.http2().hpackTableSize()).isEqualTo(4096);
        assertThat(l.http2().maxFrameSize()).isEqualTo(16_384);
        assertThat(l.http2().keepaliveInterval()).as("no keep-alive PINGs unless asked").isZero();
    }

    @Test
    void everyKeySet() {
        final ListenerConfig l = listener("codec: http2", "http2:", "  max_concurrent_streams: 7",
            "  initial_stream_window_size: 1MiB", "  initial_connection_window_size: 4MiB",
            "  max_header_list_size: 16KiB", "  hpack_table_size: 8KiB", "  max_frame_size: 32KiB",
            "  max_outbound_control_frames: 50", "  max_consecutive_inbound_frames_with_empty_payload: 3",
            "  max_resets_per_interval: 20", "  reset_interval: 5s", "  max_continuation_frames: 9",
            "  keepalive_interval: 30s", "  keepalive_timeout: 5s");
        assertThat(l.codec()).isEqualTo(ListenerCodec.HTTP2);
        assertThat(l.http2()).isEqualTo(new Http2Config(7, 1 << 20, 4 << 20, 16 << 10, 8 << 10, 32 << 10, 50, 3, 20,
            Duration.ofSeconds(5), 9, Duration.ofSeconds(30), Duration.ofSeconds(5)));
    }

    @Test
    void errorsNameTheFieldAndLine() {
        assertThat(listenerErrors("codec: h3"))
            .containsExactly("t.yaml:11:12: listeners[1].codec: unknown codec 'h3' (expected one of auto, http1, "
                + "http2)");
        assertThat(listenerErrors("http2: { max_concurrent_streams: 0 }"))
            .containsExactly("t.yaml:11:38: listeners[1].http2.max_concurrent_streams: must be at least 1, got 0");
        assertThat(listenerErrors("http2: { max_frame_size: 1KiB }"))
            .containsExactly("t.yaml:11:30: listeners[1].http2.max_frame_size: must be between 16384 and 16777215 "
                + "bytes, got 1024");
        assertThat(listenerErrors("http2: { initial_stream_window_size: 4GiB }"))
            .hasSize(1).allMatch(e -> e.startsWith("t.yaml:11:42: listeners[1].http2.initial_stream_window_size: "));
        assertThat(listenerErrors("http2: { max_streams: 5 }"))
            .hasSize(1).allMatch(e -> e.startsWith("t.yaml:11:14: listeners[1].http2.max_streams: unknown"));
    }
}
