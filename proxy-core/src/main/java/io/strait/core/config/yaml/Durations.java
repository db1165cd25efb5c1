package io.strait.core.config.yaml;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * Thread-safe (stateless). Parses the configuration's duration syntax: a non-negative decimal number and a unit,
 * {@code us}, {@code ms}, {@code s}, {@code m} or {@code h} ({@code 250ms}, {@code 5s}, {@code 1.5s}, {@code 1m}), or
 * a unitless {@code 0}.
 */
public final class Durations {

    private static final BigDecimal NANOS_PER_US = BigDecimal.valueOf(1_000L);
    private static final BigDecimal NANOS_PER_MS = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal NANOS_PER_S = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal NANOS_PER_M = BigDecimal.valueOf(60_000_000_000L);
    private static final BigDecimal NANOS_PER_H = BigDecimal.valueOf(3_600_000_000_000L);
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private Durations() {
    }

    /**
     * The duration {@code s} denotes.
     *
     * @throws IllegalArgumentException with a message fit for a user (without the field name) when {@code s} is not
     *                                  a duration, is negative, or is a non-zero number without a unit
     */
    public static Duration parse(final String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("expected a duration such as 250ms, 5s, 1.5m or 0");
        }
        if (s.charAt(0) == '-') {
            throw new IllegalArgumentException("duration '" + s + "' must not be negative");
        }
        int end = 0;
        while (end < s.length() && (isDigit(s.charAt(end)) || s.charAt(end) == '.')) {
            end++;
        }
        final String number = s.substring(0, end);
        final String unit = s.substring(end);
        final BigDecimal value = parseNumber(number, s);
        if (unit.isEmpty()) {
            if (value.signum() == 0) {
                return Duration.ZERO;
            }
            throw new IllegalArgumentException("duration '" + s + "' has no unit (use us, ms, s, m or h, e.g. "
                + s + "s)");
        }
        final BigDecimal nanosPerUnit = switch (unit) {
            case "us" -> NANOS_PER_US;
            case "ms" -> NANOS_PER_MS;
            case "s" -> NANOS_PER_S;
            case "m" -> NANOS_PER_M;
            case "h" -> NANOS_PER_H;
            default -> throw new IllegalArgumentException("duration '" + s + "' has an unknown unit '" + unit
                + "' (use us, ms, s, m or h)");
        };
        final BigDecimal nanos = value.multiply(nanosPerUnit).setScale(0, RoundingMode.DOWN);
        if (nanos.compareTo(MAX_NANOS) > 0) {
            throw new IllegalArgumentException("duration '" + s + "' is too large");
        }
        return Duration.ofNanos(nanos.longValueExact());
    }

    /** The duration in the configuration's syntax, in the largest unit that represents it exactly. */
    public static String format(final Duration d) {
        final long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        if (nanos % 3_600_000_000_000L == 0) {
            return nanos / 3_600_000_000_000L + "h";
        }
        if (nanos % 60_000_000_000L == 0) {
            return nanos / 60_000_000_000L + "m";
        }
        if (nanos % 1_000_000_000L == 0) {
            return nanos / 1_000_000_000L + "s";
        }
        if (nanos % 1_000_000L == 0) {
            return nanos / 1_000_000L + "ms";
        }
        return BigDecimal.valueOf(nanos).divide(NANOS_PER_US).stripTrailingZeros().toPlainString() + "us";
    }

    private static BigDecimal parseNumber(final String number, final String whole) {
        final int dot = number.indexOf('.');
        final boolean wellFormed = !number.isEmpty() && dot != 0 && dot != number.length() - 1
            && number.indexOf('.', dot + 1) < 0;
        if (!wellFormed) {
            throw new IllegalArgumentException("'" + whole + "' is not a duration (expected a number and a unit, "
                + "such as 250ms, 5s, 1.5m or 0)");
        }
        return new BigDecimal(number);
    }

    private static boolean isDigit(final char c) {
        return c >= '0' && c <= '9';
    }
}
