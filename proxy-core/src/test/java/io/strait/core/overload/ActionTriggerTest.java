package io.strait.core.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ActionTriggerTest {

    private static final int FULL = OverloadState.FULL_SCALE;

    @Test
    void allOrNothingStartsAtTheThresholdAndStopsOnlyBelowRelease() {
        final ActionTrigger t = new ActionTrigger(0.90, 0.85, 0.90);
        assertThat(t.scaled()).isFalse();
        assertThat(t.scale(0.89, 0)).isZero();
        assertThat(t.scale(0.90, 0)).isEqualTo(FULL);
        // hysteresis: once on, a pressure between release and threshold keeps it on
        assertThat(t.scale(0.87, FULL)).isEqualTo(FULL);
        assertThat(t.scale(0.85, FULL)).isEqualTo(FULL);
        assertThat(t.scale(0.849, FULL)).isZero();
        // ...but does not turn it on
        assertThat(t.scale(0.87, 0)).isZero();
        assertThat(t.scale(1.5, 0)).as("over the budget").isEqualTo(FULL);
    }

    @Test
    void aPressureHoveringAtTheThresholdDoesNotFlap() {
        final ActionTrigger t = new ActionTrigger(0.90, 0.88, 0.90);
        int scale = 0;
        int flips = 0;
        final double[] samples = {0.899, 0.901, 0.899, 0.902, 0.895, 0.901, 0.889, 0.9, 0.881};
        for (final double p : samples) {
            final int next = t.scale(p, scale);
            flips += (next > 0) != (scale > 0) ? 1 : 0;
            scale = next;
        }
        assertThat(flips).as("on once, never off above the release level").isEqualTo(1);
        assertThat(scale).isEqualTo(FULL);
        assertThat(t.scale(0.879, scale)).isZero();
    }

    @Test
    void scaledRisesLinearlyFromThresholdToSaturation() {
        final ActionTrigger t = new ActionTrigger(0.80, 0.78, 0.90);
        assertThat(t.scaled()).isTrue();
        assertThat(t.scale(0.79, 0)).isZero();
        assertThat(t.scale(0.80, 0)).as("at least 1 once over the threshold").isEqualTo(1);
        assertThat(t.scale(0.85, 0)).isBetween(FULL / 2 - 2, FULL / 2 + 2);
        assertThat(t.scale(0.875, 0)).isBetween(3 * FULL / 4 - 2, 3 * FULL / 4 + 2);
        assertThat(t.scale(0.90, 0)).isEqualTo(FULL);
        assertThat(t.scale(0.99, 0)).isEqualTo(FULL);
        // no hysteresis: below the threshold it is off whatever it was
        assertThat(t.scale(0.79, FULL)).isZero();
    }

    @Test
    void inconsistentLevelsAreRefused() {
        assertThatThrownBy(() -> new ActionTrigger(0.9, 0.95, 0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ActionTrigger(0.9, 0.8, 0.85)).isInstanceOf(IllegalArgumentException.class);
    }
}
