package io.strait.core.config;


/**
 * Immutable. One header matcher: {@code name} and exactly one of {@code exact}, {@code prefix}, {@code present} or
 * {@code regex}; {@code invert} negates it.
 */
public record HeaderMatcherConfig(
        String name,
        String exact,
        String prefix,
        Boolean present,
        String regex,
        boolean invert) {
}
