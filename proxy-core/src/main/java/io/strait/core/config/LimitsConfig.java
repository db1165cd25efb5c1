package io.strait.core.config;


/**
 * Immutable. Key {@code limits} of a listener: request size limits in bytes; {@code maxBodyBytes} -1 means
 * unlimited. {@code connectionBufferBytes} is the per-connection buffer limit: while more than this many response
 * bytes wait to be sent to a client, the proxy reads and decodes nothing more from it (Envoy's
 * {@code per_connection_buffer_limit_bytes}).
 */
public record LimitsConfig(
        int maxRequestLineBytes,
        int maxHeaderBytes,
        int maxHeaderCount,
        long maxBodyBytes,
        int connectionBufferBytes) {

    /** The default of {@code limits.connection_buffer}: 1 MiB, as Envoy's. */
    public static final int DEFAULT_CONNECTION_BUFFER = 1 << 20;

    /** Limits with the default connection buffer. */
    public LimitsConfig(final int maxRequestLineBytes, final int maxHeaderBytes, final int maxHeaderCount,
                        final long maxBodyBytes) {
        this(maxRequestLineBytes, maxHeaderBytes, maxHeaderCount, maxBodyBytes, DEFAULT_CONNECTION_BUFFER);
    }
}
