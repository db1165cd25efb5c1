package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code runtime.warmup}: on by default, each key optional, bad values named with their line. */
class ConfigWarmupTest {

    private static WarmupConfig parsed(final String runtime) {
        final ConfigResult r = ConfigLoader.parse(withTopLevel(runtime), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().runtime().warmup();
    }

    @Test
    void offUnlessASectionAsksForIt() {
        assertThat(parsed("")).isEqualTo(WarmupConfig.OFF);
        assertThat(parsed("runtime: { event_loops: 1 }\n")).isEqualTo(WarmupConfig.OFF);
        assertThat(WarmupConfig.OFF.active()).isFalse();
        assertThat(parsed("runtime: { warmup: {} }\n")).isEqualTo(WarmupConfig.DEFAULT);
        assertThat(WarmupConfig.DEFAULT.active()).isTrue();
    }

    @Test
    void keysOverrideTheDefaults() {
        assertThat(parsed("runtime: { warmup: { requests: 5000, max_time: 2s } }\n"))
            .isEqualTo(new WarmupConfig(true, 5000, Duration.ofSeconds(2)));
        assertThat(parsed("runtime: { warmup: { requests: 100 } }\n").maxTime())
            .isEqualTo(WarmupConfig.DEFAULT_MAX_TIME);
    }

    @Test
    void canBeSwitchedOff() {
        final WarmupConfig off = parsed("runtime: { warmup: { enabled: false } }\n");
        assertThat(off.enabled()).isFalse();
        assertThat(off.active()).isFalse();
        assertThat(parsed("runtime: { warmup: { requests: 0 } }\n").active()).isFalse();
    }

    @Test
    void badValuesNameTheFieldAndLine() {
        assertThat(errors(withTopLevel("runtime: { warmup: { requests: -1 } }\n")))
            .containsExactly("t.yaml:12:32: runtime.warmup.requests: must be between 0 and 1000000, got -1");
        assertThat(errors(withTopLevel("runtime: { warmup: { enabled: maybe } }\n")))
            .containsExactly("t.yaml:12:31: runtime.warmup.enabled: expected true or false, got a string 'maybe'");
        assertThat(errors(withTopLevel("runtime: { warmup: { max_time: 2h } }\n")))
            .containsExactly("t.yaml:12:32: runtime.warmup.max_time: must be at most 60s, got 7200000 ms");
        assertThat(errors(withTopLevel("runtime: { warmup: { max_time: soon } }\n")))
            .hasSize(1).allMatch(e -> e.startsWith("t.yaml:12:32: runtime.warmup.max_time: "));
        assertThat(errors(withTopLevel("runtime: { warmup: { request: 10 } }\n")))
            .hasSize(1).allMatch(e -> e.startsWith("t.yaml:12:22: runtime.warmup.request: "));
    }
}
