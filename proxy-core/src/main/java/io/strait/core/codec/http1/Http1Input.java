package io.strait.core.codec.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The bytes a codec received and has not consumed yet, in one buffer: appended in place when the buffer is not
 * shared and has room, else copied once into a larger one (never written under slices handed on). Confined to its
 * channel's event loop.
 */
final class Http1Input {

    private ByteBuf cumulation;

    /** Appends {@code in} to the pending input (takes ownership of it). */
    void cumulate(final ByteBufAllocator alloc, final ByteBuf in) {
        final ByteBuf cum = cumulation;
        if (cum == null) {
            cumulation = in;
            return;
        }
        if (!cum.isReadable()) {
            cum.release();
            cumulation = in;
            return;
        }
        final int add = in.readableBytes();
        if (cum.refCnt() == 1 && !cum.isReadOnly() && cum.writableBytes() >= add) {
            cum.writeBytes(in);
            in.release();
            return;
        }
        // slices of cum are out (or it is too small): never write under them, copy the unread part, with room
        // for the next fragments of a head that arrives in pieces
        final int need = cum.readableBytes() + add;
        final ByteBuf next = alloc.buffer(Math.max(need << 1, 512));
        next.writeBytes(cum).writeBytes(in);
        cum.release();
        in.release();
        cumulation = next;
    }

    /** The pending input, or null. */
    ByteBuf buffer() {
        return cumulation;
    }

    /** Bytes pending. */
    int pending() {
        return cumulation == null ? 0 : cumulation.readableBytes();
    }

    /** Releases the pending input if it is empty (keeps memory low between reads). */
    void trim() {
        final ByteBuf cum = cumulation;
        if (cum != null && !cum.isReadable()) {
            cumulation = null;
            cum.release();
        }
    }

    /** Releases all pending input. */
    void release() {
        final ByteBuf cum = cumulation;
        if (cum != null) {
            cumulation = null;
            cum.release();
        }
    }
}
