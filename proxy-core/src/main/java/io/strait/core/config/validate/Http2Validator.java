package io.strait.core.config.validate;

import io.strait.core.config.Http2Config;
import io.strait.core.config.ListenerCodec;
import io.strait.core.config.yaml.Fields;

import java.time.Duration;
import java.util.Map;

/**
 * Stateless. Binds a listener's {@code codec} key and its {@code http2} block, with the bounds RFC 9113 sets (a
 * window at most 2^31-1, a frame size between 16 KiB and 16 MiB). Every bad value is reported with its field and
 * line, and validation goes on with the default.
 */
final class Http2Validator {

    private static final Map<String, ListenerCodec> CODECS = SectionValidator.options("auto", ListenerCodec.AUTO,
        "http1", ListenerCodec.HTTP1, "http2", ListenerCodec.HTTP2);
    private static final long MAX_WINDOW = Integer.MAX_VALUE;
    private static final long MIN_FRAME = 16_384;
    private static final long MAX_FRAME = 16_777_215;

    private Http2Validator() {
    }

    /** Key {@code codec}: {@code auto} (the default), {@code http1} or {@code http2}; null when invalid (reported). */
    static ListenerCodec codec(final Fields listener) {
        return listener.choice("codec", "codec", CODECS, ListenerCodec.AUTO);
    }

    /** Key {@code http2}; the defaults when absent, and for each bad value (reported). */
    static Http2Config http2(final Fields listener) {
        final Fields f = listener.object("http2", "max_concurrent_streams", "initial_stream_window_size",
            "initial_connection_window_size", "max_header_list_size", "hpack_table_size", "max_frame_size",
            "max_outbound_control_frames", "max_consecutive_inbound_frames_with_empty_payload",
            "max_resets_per_interval", "reset_interval", "max_continuation_frames", "keepalive_interval",
            "keepalive_timeout");
        if (f == null) {
            return Http2Config.DEFAULT;
        }
        final Http2Config d = Http2Config.DEFAULT;
        final Duration interval = f.duration("reset_interval", d.resetInterval(), true);
        final Duration keepalive = f.duration("keepalive_interval", d.keepaliveInterval(), false);
        final Duration keepaliveTimeout = f.duration("keepalive_timeout", d.keepaliveTimeout(), true);
        return new Http2Config(
            count(f, "max_concurrent_streams", d.maxConcurrentStreams(), 1, MAX_WINDOW),
            size(f, "initial_stream_window_size", d.initialStreamWindowSize(), 65_535, MAX_WINDOW),
            size(f, "initial_connection_window_size", d.initialConnectionWindowSize(), 65_535, MAX_WINDOW),
            size(f, "max_header_list_size", d.maxHeaderListSize(), 1024, MAX_WINDOW),
            size(f, "hpack_table_size", d.hpackTableSize(), 0, 1 << 20),
            size(f, "max_frame_size", d.maxFrameSize(), MIN_FRAME, MAX_FRAME),
            count(f, "max_outbound_control_frames", d.maxOutboundControlFrames(), 1, MAX_WINDOW),
            count(f, "max_consecutive_inbound_frames_with_empty_payload", d.maxConsecutiveEmptyFrames(), 1,
                MAX_WINDOW),
            count(f, "max_resets_per_interval", d.maxResetsPerInterval(), 1, MAX_WINDOW),
            interval == null ? d.resetInterval() : interval,
            count(f, "max_continuation_frames", d.maxContinuationFrames(), 1, MAX_WINDOW),
            keepalive == null ? d.keepaliveInterval() : keepalive,
            keepaliveTimeout == null ? d.keepaliveTimeout() : keepaliveTimeout);
    }

    private static int count(final Fields f, final String key, final int def, final long min, final long max) {
        final Long n = f.integerOr(key, (long) def, min, max);
        return n == null ? def : n.intValue();
    }

    private static int size(final Fields f, final String key, final int def, final long min, final long max) {
        final Long n = f.size(key, def, false, min, max);
        return n == null ? def : n.intValue();
    }
}
