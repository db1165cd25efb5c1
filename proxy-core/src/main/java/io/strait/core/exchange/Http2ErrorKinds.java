package io.strait.core.exchange;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.strait.core.stats.HttpStat;

/**
 * Stateless. Names the counter of an HTTP/2 connection error. Netty's flood limits all end a connection with
 * ENHANCE_YOUR_CALM and tell themselves apart only by their message, so the message decides among them (checked by
 * Http2FloodIntegrationTest against this Netty version); anything else the client caused is a messaging error.
 */
final class Http2ErrorKinds {

    private Http2ErrorKinds() {
    }

    /** The counter for connection error {@code e}; {@code outbound}: raised while writing. */
    static HttpStat of(final boolean outbound, final Http2Exception e) {
        if (e.error() == Http2Error.ENHANCE_YOUR_CALM) {
            if (outbound) {
                return HttpStat.HTTP2_OUTBOUND_CONTROL_FLOOD;   // control frames or resets queued past the limit
            }
            final String m = e.getMessage() == null ? "" : e.getMessage();
            if (m.contains("continuation")) {
                return HttpStat.HTTP2_CONTINUATION_FLOOD;
            }
            if (m.contains("empty data")) {
                return HttpStat.HTTP2_INBOUND_EMPTY_FRAMES_FLOOD;
            }
        }
        return HttpStat.HTTP2_RX_MESSAGING_ERROR;
    }
}
