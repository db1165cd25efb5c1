package io.strait.core.overload;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Confined to the sampler thread (one instance per call). The {@code reset_streams} action's choice: among the open
 * downstream connections, the ones with the most bytes queued for their client (Netty's outbound buffer: response
 * bytes written but not yet taken by the socket), largest first, each holding at least a floor. A client that stops
 * reading a download pins its connection's buffer until the stream idle timeout; under memory pressure those are the
 * connections to give up first, and every other connection keeps being served.
 *
 * <p>Reads each channel's pending byte count (a volatile field) from this thread, and closes the chosen ones with
 * {@link Channel#close()}, which Netty runs on the channel's own loop.
 */
final class BufferedConnections {

    private final Channel[] chosen;
    private final long[] bytes;
    private int count;

    private BufferedConnections(final int max) {
        this.chosen = new Channel[max];
        this.bytes = new long[max];
    }

    /**
     * Closes up to {@code max} connections of {@code connections} holding at least {@code minBuffered} queued bytes
     * each, the largest first.
     *
     * @return how many were closed
     */
    static int resetLargest(final Iterable<Channel> connections, final long minBuffered, final int max) {
        final BufferedConnections top = new BufferedConnections(max);
        for (final Channel ch : connections) {
            if (ch.isOpen()) {
                final long pending = pending(ch);
                if (pending >= minBuffered && pending > 0) {
                    top.offer(ch, pending);
                }
            }
        }
        for (int i = 0; i < top.count; i++) {
            reset(top.chosen[i]);
        }
        return top.count;
    }

    /**
     * Aborts {@code ch} with a TCP RST, on its own loop: a plain close would queue the FIN behind the bytes the peer
     * never read, so the peer would never learn of it and the kernel would keep those bytes (SO_LINGER 0 drops them).
     */
    private static void reset(final Channel ch) {
        ch.eventLoop().execute(() -> {
            try {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (final RuntimeException e) {
                // the socket is already gone: the close below is all there is to do
            }
            ch.close();
        });
    }

    /** Bytes queued on {@code ch} for its peer; 0 once it is closed. */
    static long pending(final Channel ch) {
        final ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    /** Keeps {@code ch} if it is among the largest so far (insertion into a short sorted array). */
    private void offer(final Channel ch, final long pending) {
        int i = count;
        if (i == chosen.length) {
            if (pending <= bytes[i - 1]) {
                return;
            }
            i--;
        } else {
            count++;
        }
        while (i > 0 && bytes[i - 1] < pending) {
            chosen[i] = chosen[i - 1];
            bytes[i] = bytes[i - 1];
            i--;
        }
        chosen[i] = ch;
        bytes[i] = pending;
    }
}
