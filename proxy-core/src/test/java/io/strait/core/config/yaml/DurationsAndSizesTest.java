package io.strait.core.config.yaml;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DurationsAndSizesTest {

    @Test
    void durations() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("0.5m")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("0.0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
    }

    @Test
    void badDurations() {
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("-1s"))
            .withMessage("duration '-1s' must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("10"))
            .withMessage("duration '10' has no unit (use us, ms, s, m or h, e.g. 10s)");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("1d"))
            .withMessage("duration '1d' has an unknown unit 'd' (use us, ms, s, m or h)");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("s"))
            .withMessageStartingWith("'s' is not a duration");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(".5s"))
            .withMessageStartingWith("'.5s' is not a duration");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("1.2.3s"))
            .withMessageStartingWith("'1.2.3s' is not a duration");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse("99999999999h"))
            .withMessage("duration '99999999999h' is too large");
        assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(""))
            .withMessageStartingWith("expected a duration");
    }

    @Test
    void formatRoundTrips() {
        for (final String s : new String[] {"0", "250ms", "5s", "1m", "1h", "100us", "1500ms", "90s"}) {
            assertThat(Durations.format(Durations.parse(s))).isEqualTo(s);
        }
        assertThat(Durations.format(Duration.ofNanos(1500))).isEqualTo("1.5us");
    }

    @Test
    void sizes() {
        assertThat(Sizes.parse("0")).isZero();
        assertThat(Sizes.parse("8192")).isEqualTo(8192);
        assertThat(Sizes.parse("512B")).isEqualTo(512);
        assertThat(Sizes.parse("8KiB")).isEqualTo(8192);
        assertThat(Sizes.parse("1MiB")).isEqualTo(1 << 20);
        assertThat(Sizes.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("2KB")).isEqualTo(2000);
        assertThat(Sizes.parse("3MB")).isEqualTo(3_000_000);
        assertThat(Sizes.parse("4GB")).isEqualTo(4_000_000_000L);
    }

    @Test
    void badSizes() {
        assertThatIllegalArgumentException().isThrownBy(() -> Sizes.parse("-1"))
            .withMessage("size '-1' must not be negative");
        assertThatIllegalArgumentException().isThrownBy(() -> Sizes.parse("8kib"))
            .withMessage("size '8kib' has an unknown unit 'kib' (use B, KiB, MiB, GiB, KB, MB or GB)");
        assertThatIllegalArgumentException().isThrownBy(() -> Sizes.parse("1.5MiB"))
            .withMessageContaining("unknown unit '.5MiB'");
        assertThatIllegalArgumentException().isThrownBy(() -> Sizes.parse("KiB"))
            .withMessageStartingWith("'KiB' is not a size");
        assertThatIllegalArgumentException().isThrownBy(() -> Sizes.parse("99999999999GiB"))
            .withMessage("size '99999999999GiB' is too large");
    }
}
