package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withListener;
import static org.assertj.core.api.Assertions.assertThat;

/** The listener key {@code timeouts.send}: default, values, off, errors. */
class ConfigSendTimeoutTest {

    private static final String VH = "virtual_hosts: [ { domains: [ a.example ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";

    private static ListenerConfig listener(final String... lines) {
        final ConfigResult r = ConfigLoader.parse(withListener(lines), ConfigFixtures.SOURCE);
        assertThat(r.errors()).extracting(ConfigError::format).isEmpty();
        return r.config().listeners().get(1);
    }

    @Test
    void defaultsToSixtySecondsWithOrWithoutATimeoutsMap() {
        assertThat(listener("name: m", "address: 127.0.0.1:0", VH).timeouts().send())
            .isEqualTo(Duration.ofSeconds(60));
        assertThat(listener("name: m", "address: 127.0.0.1:0", "timeouts: { idle: 5s }", VH).timeouts().send())
            .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void takesADurationAndZeroTurnsItOff() {
        assertThat(listener("name: m", "address: 127.0.0.1:0", "timeouts: { send: 500ms }", VH).timeouts().send())
            .isEqualTo(Duration.ofMillis(500));
        assertThat(listener("name: m", "address: 127.0.0.1:0", "timeouts: { send: 0 }", VH).timeouts().send())
            .isZero();
    }

    @Test
    void badValuesNameTheFieldAndPosition() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "timeouts: { send: 30 }", VH)))
            .containsExactly("t.yaml:11:23: listeners[1].timeouts.send: duration '30' has no unit "
                + "(use us, ms, s, m or h, e.g. 30s)");
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "timeouts: { send: -1s }", VH)))
            .hasSize(1).allSatisfy(e -> assertThat(e).startsWith("t.yaml:11:23: listeners[1].timeouts.send: "));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "timeouts: { send: true }", VH)))
            .hasSize(1).allSatisfy(e -> assertThat(e).startsWith("t.yaml:11:23: listeners[1].timeouts.send: "));
    }
}
