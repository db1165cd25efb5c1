package io.strait.core.config;

/**
 * Immutable. Key {@code http2} of a cluster (used with {@code protocol: http2}): the settings of its HTTP/2
 * connections.
 *
 * @param maxConcurrentStreams        streams one connection carries at once at most; the upstream's own
 *                                    SETTINGS_MAX_CONCURRENT_STREAMS lowers it further once received
 * @param initialStreamWindowSize     the receive window of each stream in bytes (SETTINGS_INITIAL_WINDOW_SIZE): how
 *                                    much of a response the upstream may send ahead of a client that reads slowly
 * @param initialConnectionWindowSize the receive window of the whole connection in bytes: bounds the response bytes
 *                                    buffered for all its streams together
 */
public record UpstreamHttp2Config(int maxConcurrentStreams, int initialStreamWindowSize,
                                  int initialConnectionWindowSize) {

    /** Default cap of concurrent streams per connection. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
    /** Default stream window: 256 KiB. */
    public static final int DEFAULT_INITIAL_STREAM_WINDOW_SIZE = 256 * 1024;
    /** Default connection window: 8 MiB, so 32 streams paused with full windows still leave the others room. */
    public static final int DEFAULT_INITIAL_CONNECTION_WINDOW_SIZE = 8 * 1024 * 1024;
    /** HTTP/2's smallest window (RFC 9113 6.9.2: the initial value). */
    public static final int MIN_WINDOW_SIZE = 65_535;
    /** HTTP/2's largest window (2^31 - 1). */
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;

    /** The defaults. */
    public static final UpstreamHttp2Config DEFAULTS = new UpstreamHttp2Config(DEFAULT_MAX_CONCURRENT_STREAMS,
        DEFAULT_INITIAL_STREAM_WINDOW_SIZE, DEFAULT_INITIAL_CONNECTION_WINDOW_SIZE);
}
