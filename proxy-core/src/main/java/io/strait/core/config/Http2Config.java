package io.strait.core.config;

import java.time.Duration;

/**
 * Immutable. Key {@code http2} of an HTTP listener: the settings its HTTP/2 connections announce and the limits that
 * defend them (names and defaults follow Envoy's {@code http2_protocol_options} where Envoy has the same knob).
 *
 * @param maxConcurrentStreams       SETTINGS_MAX_CONCURRENT_STREAMS; a stream over it is refused (REFUSED_STREAM)
 * @param initialStreamWindowSize    SETTINGS_INITIAL_WINDOW_SIZE: request bytes a client may send on a stream ahead
 *                                   of what Strait has passed on
 * @param initialConnectionWindowSize the connection's receive window (a WINDOW_UPDATE on stream 0 at start)
 * @param maxHeaderListSize          SETTINGS_MAX_HEADER_LIST_SIZE (decoded header bytes per block, RFC 9113 6.5.2)
 * @param hpackTableSize             SETTINGS_HEADER_TABLE_SIZE of the decoder, and the cap of the encoder's table
 *                                   whatever size the client announces
 * @param maxFrameSize               SETTINGS_MAX_FRAME_SIZE
 * @param maxOutboundControlFrames   queued PING/SETTINGS acknowledgements and RST_STREAMs a client that does not read
 *                                   may pile up before its connection is closed
 * @param maxConsecutiveEmptyFrames  DATA frames without payload and without END_STREAM in a row before the
 *                                   connection is closed
 * @param maxResetsPerInterval       RST_STREAM frames a client may send within {@code resetInterval} (rapid reset,
 *                                   CVE-2023-44487); over it: GOAWAY ENHANCE_YOUR_CALM and close
 * @param resetInterval              the window of {@code maxResetsPerInterval}
 * @param maxContinuationFrames      CONTINUATION frames one header block may take (CVE-2024-27316 class)
 * @param keepaliveInterval          how often a PING is sent to check the client is there (zero: never)
 * @param keepaliveTimeout           how long a PING may wait for its acknowledgement before the connection is closed
 */
public record Http2Config(
        int maxConcurrentStreams,
        int initialStreamWindowSize,
        int initialConnectionWindowSize,
        int maxHeaderListSize,
        int hpackTableSize,
        int maxFrameSize,
        int maxOutboundControlFrames,
        int maxConsecutiveEmptyFrames,
        int maxResetsPerInterval,
        Duration resetInterval,
        int maxContinuationFrames,
        Duration keepaliveInterval,
        Duration keepaliveTimeout) {

    /** Envoy's default stream cap is 2^31-1; 100 is what RFC 9113 recommends as a minimum and most servers use. */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;
    /** 64 KiB, the protocol's initial window: request bodies beyond it wait for the upstream to take them. */
    public static final int DEFAULT_INITIAL_STREAM_WINDOW = 65_535;
    /** The per-connection buffer limit's default (1 MiB). */
    public static final int DEFAULT_INITIAL_CONNECTION_WINDOW = 1 << 20;
    /** 60 KiB, Envoy's max_request_headers_kb default. */
    public static final int DEFAULT_MAX_HEADER_LIST_SIZE = 60 * 1024;
    /** The protocol's default HPACK table. */
    public static final int DEFAULT_HPACK_TABLE_SIZE = 4096;
    /** The protocol's default frame size. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 16_384;
    /** Envoy's max_outbound_control_frames. */
    public static final int DEFAULT_MAX_OUTBOUND_CONTROL_FRAMES = 1000;
    /** Envoy's max_consecutive_inbound_frames_with_empty_payload. */
    public static final int DEFAULT_MAX_CONSECUTIVE_EMPTY_FRAMES = 1;
    /** Resets allowed per interval: far above what a client cancelling its own requests sends. */
    public static final int DEFAULT_MAX_RESETS_PER_INTERVAL = 200;
    /** The reset counting window. */
    public static final Duration DEFAULT_RESET_INTERVAL = Duration.ofSeconds(30);
    /** CONTINUATION frames per header block (a 60 KiB block in default-size frames needs 4). */
    public static final int DEFAULT_MAX_CONTINUATION_FRAMES = 64;

    /** Keep-alive PINGs are off unless configured (Envoy's connection_keepalive is absent by default). */
    public static final Duration DEFAULT_KEEPALIVE_INTERVAL = Duration.ZERO;
    /** Envoy's connection_keepalive timeout default. */
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);

    /** Every default. */
    public static final Http2Config DEFAULT = new Http2Config(DEFAULT_MAX_CONCURRENT_STREAMS,
        DEFAULT_INITIAL_STREAM_WINDOW, DEFAULT_INITIAL_CONNECTION_WINDOW, DEFAULT_MAX_HEADER_LIST_SIZE,
        DEFAULT_HPACK_TABLE_SIZE, DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_OUTBOUND_CONTROL_FRAMES,
        DEFAULT_MAX_CONSECUTIVE_EMPTY_FRAMES, DEFAULT_MAX_RESETS_PER_INTERVAL, DEFAULT_RESET_INTERVAL,
        DEFAULT_MAX_CONTINUATION_FRAMES, DEFAULT_KEEPALIVE_INTERVAL, DEFAULT_KEEPALIVE_TIMEOUT);
}
