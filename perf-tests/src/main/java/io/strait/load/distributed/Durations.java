package io.strait.load.distributed;

/** Stateless. Parses durations such as {@code 1500ms}, {@code 3s}, {@code 2m}, {@code 1h} (bare numbers: seconds). */
final class Durations {

    private Durations() {
    }

    /**
     * The duration {@code text} in milliseconds.
     *
     * @throws IllegalArgumentException when {@code text} is not a non-negative duration
     */
    static long parseMillis(final String text) {
        final String t = text.trim();
        final long scale;
        final String number;
        if (t.endsWith("ms")) {
            scale = 1;
            number = t.substring(0, t.length() - 2);
        } else if (t.endsWith("s")) {
            scale = 1_000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            scale = 60_000;
            number = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            scale = 3_600_000;
            number = t.substring(0, t.length() - 1);
        } else {
            scale = 1_000;
            number = t;
        }
        try {
            final double value = Double.parseDouble(number.trim());
            if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
                throw new IllegalArgumentException("negative or invalid duration: '" + text + "'");
            }
            return Math.round(value * scale);
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a duration (e.g. 500ms, 3s, 2m): '" + text + "'", e);
        }
    }
}
