package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withListener;
import static org.assertj.core.api.Assertions.assertThat;

/** The listener keys {@code limits.connection_buffer} and {@code timeouts.first_byte}: defaults, values, errors. */
class ConfigConnectionLimitsTest {

    private static final String VH = "virtual_hosts: [ { domains: [ a.example ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": listeners[1]." + pathAndMessage;
    }

    private static ListenerConfig listener(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withListener(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).extracting(ConfigError::format).isEmpty();
        return r.config().listeners().get(1);
    }

    @Test
    void defaults() {
        final ListenerConfig l = listener("name: m", "address: 127.0.0.1:0", VH);
        assertThat(l.limits().connectionBufferBytes()).isEqualTo(1 << 20);
        assertThat(l.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(10));
        final ListenerConfig other = listener("name: m", "address: 127.0.0.1:0", "limits: { body: 1MiB }",
            "timeouts: { idle: 5s }", VH);
        assertThat(other.limits().connectionBufferBytes()).isEqualTo(1 << 20);
        assertThat(other.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void values() {
        final ListenerConfig l = listener("name: m", "address: 127.0.0.1:0",
            "limits: { connection_buffer: 256KiB }", "timeouts: { first_byte: 2s, request_headers: 5s }", VH);
        assertThat(l.limits()).isEqualTo(new LimitsConfig(8192, 65536, 100, -1L, 256 * 1024));
        assertThat(l.timeouts()).isEqualTo(new ListenerTimeoutsConfig(Duration.ofSeconds(5), Duration.ofSeconds(60),
            ListenerTimeoutsConfig.DEFAULT_STREAM_IDLE, Duration.ofSeconds(2)));
        assertThat(listener("name: m", "address: 127.0.0.1:0", "timeouts: { first_byte: 0 }", VH)
            .timeouts().firstByte()).isZero();
    }

    @Test
    void errorsNameTheFieldAndPosition() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0",
            "limits: { connection_buffer: 0 }", "timeouts: { first_byte: 10 }", VH)))
            .containsExactly(
                at(11, 34, "limits.connection_buffer: must be between 1 and 2147483647 bytes, got 0"),
                at(12, 29, "timeouts.first_byte: duration '10' has no unit (use us, ms, s, m or h, e.g. 10s)"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0",
            "limits: { connection_buffer: 4GiB }", VH)))
            .containsExactly(
                at(11, 34, "limits.connection_buffer: must be between 1 and 2147483647 bytes, got 4294967296"));
    }
}
