package io.strait.core.config;


/** Key {@code limits} of a listener: request size limits in bytes; {@code maxBodyBytes} -1 means unlimited. Immutable. */
public record LimitsConfig(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount, long maxBodyBytes) {
}
