package io.strait.core.config;

import java.util.List;

/**
 * Immutable. Key {@code match} of a route: exactly one of {@code prefix}, {@code path} (exact) or {@code regex}
 * (whole path, query excluded); plus all of {@code headers}; and {@code methods} (empty = any).
 */
public record RouteMatchConfig(
        String prefix,
        String path,
        String regex,
        List<HeaderMatcherConfig> headers,
        List<String> methods) {
}
