package io.strait.core.config;

/**
 * Immutable. Key {@code access_log} of a listener: where each request's line is written and in which format. Several
 * listeners may name the same path; they then share one file and one writer thread.
 *
 * @param path   a file path, or {@code -} / {@code /dev/stdout} for standard output, {@code /dev/stderr} for
 *               standard error
 * @param format the line format
 */
public record AccessLogConfig(
        String path,
        Format format) {

    /** The line format of an access log. */
    public enum Format {
        /** Envoy's default text format, one line per request. */
        TEXT,
        /** One JSON object per line, keys named after Envoy's command operators. */
        JSON
    }
}
