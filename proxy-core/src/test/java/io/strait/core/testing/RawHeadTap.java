package io.strait.core.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Confined to its event loop. Sits in front of the request decoder and copies each request head, byte for byte, into
 * a queue the connection handler reads when the decoder emits the matching request. It passes every buffer on
 * untouched; it only follows the message framing (content-length or chunked, read from the head it copied) to know
 * where the next head starts.
 */
final class RawHeadTap extends ChannelInboundHandlerAdapter {

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, LOST }

    private final ArrayDeque<String> heads;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    private final StringBuilder line = new StringBuilder(16);
    private State state = State.HEAD;
    private int lineLength;
    private long remaining;

    RawHeadTap(final ArrayDeque<String> heads) {
        this.heads = heads;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (msg instanceof ByteBuf) {
            scan((ByteBuf) msg);
        }
        ctx.fireChannelRead(msg);
    }

    private void scan(final ByteBuf in) {
        final int end = in.writerIndex();
        int i = in.readerIndex();
        while (i < end) {
            switch (state) {
                case HEAD: {
                    final byte b = in.getByte(i++);
                    if (head.size() == 0 && (b == '\r' || b == '\n')) {
                        break; // the decoder skips empty lines before a request line, and so do we
                    }
                    head.write(b);
                    if (b == '\n') {
                        if (lineLength == 0) {
                            headEnded();
                        }
                        lineLength = 0;
                    } else if (b != '\r') {
                        lineLength++;
                    }
                    break;
                }
                case BODY:
                case CHUNK_DATA: {
                    final int skip = (int) Math.min(remaining, end - i);
                    i += skip;
                    remaining -= skip;
                    if (remaining == 0) {
                        state = state == State.BODY ? State.HEAD : State.CHUNK_DATA_END;
                    }
                    break;
                }
                case CHUNK_DATA_END:
                    if (in.getByte(i++) == '\n') {
                        state = State.CHUNK_SIZE;
                    }
                    break;
                case CHUNK_SIZE: {
                    final byte b = in.getByte(i++);
                    if (b == '\n') {
                        chunkSizeLine();
                    } else if (b != '\r') {
                        line.append((char) (b & 0xff));
                    }
                    break;
                }
                case TRAILER: {
                    final byte b = in.getByte(i++);
                    if (b == '\n') {
                        if (lineLength == 0) {
                            state = State.HEAD;
                        }
                        lineLength = 0;
                    } else if (b != '\r') {
                        lineLength++;
                    }
                    break;
                }
                case LOST:
                default:
                    return; // framing we cannot follow: the decoder fails the request and the connection closes
            }
        }
    }

    private void headEnded() {
        final String raw = head.toString(StandardCharsets.ISO_8859_1);
        head.reset();
        heads.add(raw);
        boolean chunked = false;
        long contentLength = 0;
        for (final String l : raw.split("\r?\n")) {
            final int colon = l.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            final String n = l.substring(0, colon).trim();
            final String v = l.substring(colon + 1).trim();
            if (n.equalsIgnoreCase("transfer-encoding") && TestUpstream.lower(v).contains("chunked")) {
                chunked = true;
            } else if (n.equalsIgnoreCase("content-length")) {
                try {
                    contentLength = Long.parseLong(v);
                } catch (final NumberFormatException e) {
                    state = State.LOST;
                    return;
                }
            }
        }
        if (chunked) {
            state = State.CHUNK_SIZE;
            line.setLength(0);
        } else if (contentLength > 0) {
            state = State.BODY;
            remaining = contentLength;
        } else {
            state = State.HEAD;
        }
    }

    private void chunkSizeLine() {
        final int semi = line.indexOf(";");
        final String hex = (semi < 0 ? line.toString() : line.substring(0, semi)).trim();
        line.setLength(0);
        final long size;
        try {
            size = Long.parseLong(hex, 16);
        } catch (final NumberFormatException e) {
            state = State.LOST;
            return;
        }
        if (size == 0) {
            state = State.TRAILER;
            lineLength = 0;
        } else {
            state = State.CHUNK_DATA;
            remaining = size;
        }
    }
}
