package io.strait.core.codec.http2;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Http2ResetLimiter}: resets counted per fixed window. */
class Http2ResetLimiterTest {

    @Test
    void theResetOverTheLimitWithinTheWindowTrips() {
        final Http2ResetLimiter l = new Http2ResetLimiter(3, 1000);
        assertThat(l.onReset(10)).isFalse();
        assertThat(l.onReset(20)).isFalse();
        assertThat(l.onReset(30)).isFalse();
        assertThat(l.onReset(40)).isTrue();
    }

    @Test
    void aNewWindowStartsAfresh() {
        final Http2ResetLimiter l = new Http2ResetLimiter(2, 1000);
        assertThat(l.onReset(0)).isFalse();
        assertThat(l.onReset(500)).isFalse();
        assertThat(l.onReset(1000)).as("the window of 0 is over").isFalse();
        assertThat(l.onReset(1500)).isFalse();
        assertThat(l.onReset(1999)).isTrue();
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new Http2ResetLimiter(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Http2ResetLimiter(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
