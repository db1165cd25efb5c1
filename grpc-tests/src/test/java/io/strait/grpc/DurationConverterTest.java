package io.strait.grpc;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationConverterTest {

    private final GrpcLoadMain.DurationConverter converter = new GrpcLoadMain.DurationConverter();

    @Test
    void readsMillisecondsSecondsAndMinutes() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(converter.convert(" 2M ")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void refusesWhatIsNotANumberAndAUnit() {
        assertThatThrownBy(() -> converter.convert("10")).isInstanceOf(CommandLine.TypeConversionException.class)
            .hasMessageContaining("expected a number and a unit");
        assertThatThrownBy(() -> converter.convert("s")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> converter.convert("1.5s")).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> converter.convert("10h")).hasMessageContaining("unknown unit 'h'");
    }
}
