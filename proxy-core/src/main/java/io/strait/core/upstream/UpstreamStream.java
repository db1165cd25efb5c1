package io.strait.core.upstream;

import io.netty.channel.Channel;

/**
 * What carries one try's request to its upstream and its response back: an HTTP/1.1 connection held alone
 * ({@link UpstreamHttpHandler}) or one stream of a multiplexed HTTP/2 connection ({@link UpstreamHttp2Stream}). The
 * narrow interface that keeps {@link UpstreamAttempt} one class whatever the cluster's protocol: it writes request
 * events here and hears of the response through {@link UpstreamCallbacks}.
 *
 * <p>Confined to the exchange's event loop.
 */
public interface UpstreamStream {

    /**
     * The channel whose reads and writability are this stream's: the connection for HTTP/1.1, the stream's own child
     * channel for HTTP/2 (so pausing it holds back that stream's flow-control window, not the shared connection).
     */
    Channel channel();

    /** Gives the stream to a try; its response events go to {@code owner} from now on. */
    void attach(UpstreamCallbacks owner);

    /** Writes one request event: {@code HttpRequestHead}, a body {@code ByteBuf}, {@code HttpTrailers} or the end. */
    void write(Object msg);

    /** Flushes what {@link #write} wrote. */
    void flush();

    /** Ends the stream without a complete exchange: HTTP/1.1 closes the connection, HTTP/2 resets the stream. */
    void abort();

    /** The exchange on it completed both ways: HTTP/1.1 pools the connection, HTTP/2 lets the stream close. */
    void release(long nowNanos);

    /**
     * True when the proxy itself closed the stream's connection on an error of its own (not a reset reported by
     * the network): a buffer it could not allocate, say. Tells a local close from the upstream's in the stats.
     */
    default boolean closedLocally() {
        return false;
    }
}
