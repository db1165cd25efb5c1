package io.strait.core.overload;

import io.strait.core.config.OverloadConfig.ActionConfig;

/**
 * Immutable, thread-safe. One action's trigger: from the pressure now (the highest among the resources the action
 * watches) and the action's scale at the last sample, its scale now, 0 (off) to {@link OverloadState#FULL_SCALE}.
 *
 * <ul>
 *   <li>All-or-nothing (saturation = threshold): on at the threshold, off only below {@code release}: a pressure
 *       hovering at the threshold does not flip the action every sample.</li>
 *   <li>Scaled (saturation above threshold, Envoy's scaled trigger): off below the threshold, full at saturation,
 *       linear between; at least 1 once over the threshold. It needs no hysteresis: its scale goes to zero as the
 *       pressure does, not in one step.</li>
 * </ul>
 */
public final class ActionTrigger {

    private final double threshold;
    private final double release;
    private final double saturation;

    /** The trigger {@code config} describes. */
    public ActionTrigger(final ActionConfig config) {
        this(config.threshold(), config.release(), config.saturation());
    }

    ActionTrigger(final double threshold, final double release, final double saturation) {
        if (!(release <= threshold && threshold <= saturation)) {
            throw new IllegalArgumentException("need release <= threshold <= saturation: " + release + ", "
                + threshold + ", " + saturation);
        }
        this.threshold = threshold;
        this.release = release;
        this.saturation = saturation;
    }

    /** True for a scaled trigger. */
    public boolean scaled() {
        return saturation > threshold;
    }

    /**
     * The scale for {@code pressure} (a fraction of the budget; may exceed 1) given the scale at the last sample.
     *
     * @return 0 (off) .. {@link OverloadState#FULL_SCALE}
     */
    public int scale(final double pressure, final int previous) {
        if (!scaled()) {
            final boolean on = pressure >= threshold || previous > 0 && pressure >= release;
            return on ? OverloadState.FULL_SCALE : 0;
        }
        if (pressure < threshold) {
            return 0;
        }
        if (pressure >= saturation) {
            return OverloadState.FULL_SCALE;
        }
        final int s = (int) ((pressure - threshold) / (saturation - threshold) * OverloadState.FULL_SCALE);
        return Math.max(1, Math.min(OverloadState.FULL_SCALE, s));
    }
}
