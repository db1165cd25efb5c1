package io.strait.core.config;


/**
 * Immutable. Key {@code limits} of a listener: request size limits in bytes; {@code maxBodyBytes} -1 means
 * unlimited.
 */
public record LimitsConfig(
        int maxRequestLineBytes,
        int maxHeaderBytes,
        int maxHeaderCount,
        long maxBodyBytes) {
}
