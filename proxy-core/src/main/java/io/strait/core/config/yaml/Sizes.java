package io.strait.core.config.yaml;

/**
 * Thread-safe (stateless). Parses the configuration's size syntax: a plain number of bytes ({@code 8192}) or a whole
 * number and a unit, {@code B}, {@code KiB}, {@code MiB}, {@code GiB} (1024-based) or {@code KB}, {@code MB},
 * {@code GB} (1000-based).
 */
public final class Sizes {

    private Sizes() {
    }

    /**
     * The number of bytes {@code s} denotes.
     *
     * @throws IllegalArgumentException with a message fit for a user (without the field name) when {@code s} is not a
     *                                  size, is negative or does not fit a long
     */
    public static long parse(final String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("expected a size such as 8192, 512B, 8KiB or 1MiB");
        }
        if (s.charAt(0) == '-') {
            throw new IllegalArgumentException("size '" + s + "' must not be negative");
        }
        int end = 0;
        while (end < s.length() && isDigit(s.charAt(end))) {
            end++;
        }
        if (end == 0) {
            throw new IllegalArgumentException("'" + s + "' is not a size (expected bytes or a whole number and a "
                + "unit, such as 8192, 512B, 8KiB or 1MiB)");
        }
        final String unit = s.substring(end);
        final long multiplier = switch (unit) {
            case "", "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            default -> throw new IllegalArgumentException("size '" + s + "' has an unknown unit '" + unit
                + "' (use B, KiB, MiB, GiB, KB, MB or GB)");
        };
        try {
            return Math.multiplyExact(Long.parseLong(s.substring(0, end)), multiplier);
        } catch (final ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size '" + s + "' is too large", e);
        }
    }

    private static boolean isDigit(final char c) {
        return c >= '0' && c <= '9';
    }
}
