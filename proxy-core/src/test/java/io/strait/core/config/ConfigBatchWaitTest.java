package io.strait.core.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code runtime.batch_wait}: off by default, up to 1 ms, bad values named with their line. */
class ConfigBatchWaitTest {

    private static Duration parsed(final String runtime) {
        final ConfigResult r = ConfigLoader.parse(withTopLevel(runtime), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().runtime().batchWait();
    }

    @Test
    void offUnlessConfigured() {
        assertThat(parsed("")).isZero();
        assertThat(parsed("runtime: { event_loops: 1 }\n")).isZero();
        assertThat(parsed("runtime: { batch_wait: 0 }\n")).isZero();
    }

    @Test
    void takesMicrosecondsUpToOneMillisecond() {
        assertThat(parsed("runtime: { batch_wait: 100us }\n")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(parsed("runtime: { batch_wait: 1ms }\n")).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void survivesTheLaunchersRewrites() {
        final RuntimeConfig r = ConfigLoader.parse(withTopLevel("runtime: { batch_wait: 50us }\n"),
            ConfigFixtures.SOURCE).config().runtime();
        assertThat(r.withStatsFile("/tmp/s").batchWait()).isEqualTo(Duration.ofNanos(50_000));
        assertThat(r.withWarmup(WarmupConfig.DEFAULT).batchWait()).isEqualTo(Duration.ofNanos(50_000));
    }

    @Test
    void badValuesNameTheFieldAndLine() {
        assertThat(errors(withTopLevel("runtime: { batch_wait: 2ms }\n"))).containsExactly(
            "t.yaml:12:24: runtime.batch_wait: must be at most 1ms (each hop of a request may wait this long), "
                + "got 2000 us");
        assertThat(errors(withTopLevel("runtime: { batch_wait: soon }\n")))
            .hasSize(1).allMatch(e -> e.startsWith("t.yaml:12:24: runtime.batch_wait: "));
        assertThat(errors(withTopLevel("runtime: { batch_wait: -5us }\n")))
            .hasSize(1).allMatch(e -> e.startsWith("t.yaml:12:24: runtime.batch_wait: "));
    }
}
