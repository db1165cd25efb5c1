package io.strait.core.exchange;

import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2PromisedRequestVerifier;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.strait.core.codec.http2.Http2EmptyDataLimit;
import io.strait.core.codec.http2.Http2HeaderListDecoder;
import io.strait.core.config.Http2Config;
import io.strait.core.snapshot.ListenerRuntime;

import java.util.concurrent.TimeUnit;

/**
 * Builds a {@link DownstreamHttp2Handler} with the listener's HTTP/2 settings and Netty's flood limits: the
 * connection's remote flow controller with the uniform byte distributor, the initial SETTINGS, the queued control
 * frame, empty DATA, small CONTINUATION and sent-RST limits. Not thread-safe; one per connection.
 *
 * <p>The connection decoder is Strait's own assembly of Netty's parts: Netty's builder hard-wires a
 * {@code DefaultHttp2HeadersDecoder} (a {@code DefaultHttp2Headers} per HEADERS block), so the decoder it builds is
 * replaced by one reading frames through an {@link Http2HeaderListDecoder} (one reused header list per connection),
 * with the same settings: header validation on, the small CONTINUATION limit, the empty DATA limit
 * ({@link Http2EmptyDataLimit}) and the header list size of the initial SETTINGS. The encoder, with Netty's control
 * frame and RST limits, is the builder's.
 */
final class Http2HandlerBuilder
extends AbstractHttp2ConnectionHandlerBuilder<DownstreamHttp2Handler, Http2HandlerBuilder> {

    private final ListenerRuntime listener;
    private final ServerContext server;
    private final Http2Config config;

    Http2HandlerBuilder(final ListenerRuntime listener, final ServerContext server) {
        this.listener = listener;
        this.server = server;
        final Http2Config c = listener.config().http2();
        this.config = c;
        // Priorities are deprecated (RFC 9113 5.3): the uniform distributor shares the connection window fairly
        // and keeps less per stream than Netty's default weighted fair queue (one State, no list per stream).
        final DefaultHttp2Connection connection = new DefaultHttp2Connection(true);
        connection.remote().flowController(new DefaultHttp2RemoteFlowController(connection,
            new UniformStreamByteDistributor(connection)));
        connection(connection);
        initialSettings(new Http2Settings()
            .maxConcurrentStreams(c.maxConcurrentStreams())
            .initialWindowSize(c.initialStreamWindowSize())
            .maxHeaderListSize(c.maxHeaderListSize())
            .headerTableSize(c.hpackTableSize())
            .maxFrameSize(c.maxFrameSize()));   // no ENABLE_PUSH: only a client may send it
        frameListener(new Http2FrameAdapter());   // replaced by the handler itself once built
        encoderEnforceMaxQueuedControlFrames(c.maxOutboundControlFrames());
        // the empty DATA and CONTINUATION limits go on the decoder build() makes
        decoderEnforceMaxRstFramesPerWindow(0, 0);   // the handler's own limit, counted (Http2ResetLimiter)
        final int seconds = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(c.resetInterval().toNanos()));
        encoderEnforceMaxRstFramesPerWindow(c.maxResetsPerInterval(), seconds);
    }

    @Override
    public DownstreamHttp2Handler build() {
        return super.build();
    }

    @Override
    protected DownstreamHttp2Handler build(final Http2ConnectionDecoder decoder,
                                           final Http2ConnectionEncoder encoder,
                                           final Http2Settings initialSettings) {
        decoder.close();   // the builder's, around a DefaultHttp2HeadersDecoder: replaced (see the class comment)
        final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(
            new Http2HeaderListDecoder(config.maxHeaderListSize()), config.maxContinuationFrames());
        final Http2ConnectionDecoder netty = new DefaultHttp2ConnectionDecoder(encoder.connection(), encoder, reader,
            Http2PromisedRequestVerifier.ALWAYS_VERIFY, true, true, true, false);
        final int empty = config.maxConsecutiveEmptyFrames();
        final Http2ConnectionDecoder own = empty > 0 ? new Http2EmptyDataLimit(netty, empty) : netty;
        return new DownstreamHttp2Handler(own, encoder, initialSettings, listener, server);
    }
}
