package io.strait.core.flow;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Decides a channel's auto-read from several independent reasons to stop reading, so that the
 * codec (pipelined bytes waiting) and the proxy (the other side not writable) never fight over
 * one flag. Reading runs only while no reason holds. Confined to the channel's event loop.
 *
 * <pre>
 *   ReadGate.of(downstream).close(ReadGate.PEER_UNWRITABLE);   // upstream's buffer is full
 *   ReadGate.of(downstream).open(ReadGate.PEER_UNWRITABLE);    // it drained
 * </pre>
 */
public final class ReadGate {

    /** The codec holds decoded-ahead bytes (pipelined requests) and wants no more for now. */
    public static final int CODEC_BACKLOG = 1;
    /** The channel this one's bytes are written to is not writable. */
    public static final int PEER_UNWRITABLE = 1 << 1;
    /** The proxy is waiting for something before it takes more (e.g. an upstream connection). */
    public static final int PROXY_WAIT = 1 << 2;

    private static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf(ReadGate.class, "gate");

    private final Channel channel;
    private int closedBy;

    private ReadGate(final Channel channel) {
        this.channel = channel;
    }

    /** The gate of {@code channel}, created on first use. Call on the channel's event loop. */
    public static ReadGate of(final Channel channel) {
        ReadGate gate = channel.attr(KEY).get();
        if (gate == null) {
            gate = new ReadGate(channel);
            channel.attr(KEY).set(gate);
        }
        return gate;
    }

    /**
     * Lifts {@code reason} on {@code channel}'s gate if it has one: a channel whose reading was never stopped gets
     * no gate (an attribute per connection) just to open it. Call on the channel's event loop.
     */
    public static void open(final Channel channel, final int reason) {
        if (channel.hasAttr(KEY)) {
            final ReadGate gate = channel.attr(KEY).get();
            if (gate != null) {
                gate.open(reason);
            }
        }
    }

    /** Stops reading for {@code reason} (a bit); idempotent. */
    public void close(final int reason) {
        final int before = closedBy;
        closedBy = before | reason;
        if (before == 0 && closedBy != 0) {
            channel.config().setAutoRead(false);
        }
    }

    /** Lifts {@code reason}; reading resumes once no reason holds. */
    public void open(final int reason) {
        final int before = closedBy;
        if ((before & reason) == 0) {
            return;
        }
        closedBy = before & ~reason;
        if (closedBy == 0) {
            channel.config().setAutoRead(true);
        }
    }

    /** True if {@code reason} currently holds. */
    public boolean isClosedBy(final int reason) {
        return (closedBy & reason) != 0;
    }

    /** True if reading is allowed. */
    public boolean isOpen() {
        return closedBy == 0;
    }
}
