package io.strait.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameWriter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Immutable: the run's one HTTP/2 request, encoded once. The header block ({@code :method :scheme :authority :path},
 * then the extra headers lower-cased, then {@code content-length} when there is a body) is HPACK-encoded as literals
 * without indexing and without Huffman coding, so the same bytes are valid on every stream of every connection: no
 * dynamic table state, nothing to encode per request. {@link #frameWriter()} writes each request's HEADERS frame as
 * one buffer (frame header and that block); its other frames are Netty's.
 */
final class H2Request {

    /** Connection-specific headers HTTP/2 forbids (RFC 9113 8.2.2); {@code host} becomes {@code :authority}. */
    private static final Set<String> DROPPED = Set.of("connection", "keep-alive", "proxy-connection",
        "transfer-encoding", "upgrade", "host");

    private final byte[] block;
    private final Http2Headers headers;
    private final ByteBuf body;
    private final int bodySize;

    H2Request(final LoadOptions o) {
        final List<String[]> fields = new ArrayList<>();
        String authority = o.url().getRawAuthority();
        boolean length = false;
        for (final String h : o.headers()) {
            final int colon = h.indexOf(':');
            final String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            final String value = h.substring(colon + 1).trim();
            if (name.equals("host")) {
                authority = value;
            }
            length |= name.equals("content-length");
            if (!DROPPED.contains(name)) {
                fields.add(new String[] {name, value});
            }
        }
        if (o.bodySize() > 0 && !length) {
            fields.add(new String[] {"content-length", Integer.toString(o.bodySize())});
        }
        final List<String[]> all = new ArrayList<>();
        all.add(new String[] {":method", o.method()});
        all.add(new String[] {":scheme", "http"});
        all.add(new String[] {":authority", authority});
        all.add(new String[] {":path", o.target()});
        all.addAll(fields);
        final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        headers = new DefaultHttp2Headers(false);
        for (final String[] f : all) {
            out.write(0);   // literal header field without indexing, new name (RFC 7541 6.2.2)
            string(out, f[0]);
            string(out, f[1]);
            headers.add(f[0], f[1]);
        }
        block = out.toByteArray();
        bodySize = o.bodySize();
        final byte[] b = new byte[bodySize];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        // Unreleasable: the frame writer releases what it wrote; every stream sends a duplicate of the same bytes.
        body = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(b));
    }

    private static void string(final ByteArrayOutputStream out, final String s) {
        final byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(out, bytes.length);   // H = 0: no Huffman coding
        out.writeBytes(bytes);
    }

    /** An HPACK integer with a 7-bit prefix (RFC 7541 5.1), the high bit clear. */
    private static void integer(final ByteArrayOutputStream out, final int value) {
        if (value < 127) {
            out.write(value);
            return;
        }
        out.write(127);
        int v = value - 127;
        while (v >= 128) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    /** Returns the headers as Netty sees them (for its checks); their encoding comes from {@link #headersEncoder}. */
    Http2Headers headers() {
        return headers;
    }

    /** Returns the encoded header block's length in bytes. */
    int blockLength() {
        return block.length;
    }

    /** Returns true when the request has a body (sent as DATA frames after the HEADERS). */
    boolean hasBody() {
        return bodySize > 0;
    }

    /** Returns a duplicate of the body to write (its reference count is never touched). */
    ByteBuf body() {
        return body.duplicate();
    }

    /** Returns the request's bytes on the wire: frame headers, header block, body. */
    long wireBytes(final int maxFrameSize) {
        final long dataFrames = bodySize == 0 ? 0 : (bodySize + maxFrameSize - 1) / maxFrameSize;
        return 9 + block.length + dataFrames * 9 + bodySize;
    }

    /**
     * Returns a frame writer for one connection whose HEADERS frames carry the pre-encoded block whatever headers they
     * are given (they are always ours): one buffer per request, no HPACK work.
     */
    Http2FrameWriter frameWriter() {
        return new FixedHeadersWriter(new FixedEncoder());
    }

    /** Confined to one connection's loop: Netty's frame writer with a one-buffer HEADERS frame for our block. */
    private final class FixedHeadersWriter extends DefaultHttp2FrameWriter {
        private static final byte HEADERS = 0x1;
        private static final byte END_STREAM = 0x1;
        private static final byte END_HEADERS = 0x4;

        FixedHeadersWriter(final Http2HeadersEncoder encoder) {
            super(encoder);
        }

        @Override
        public ChannelFuture writeHeaders(final ChannelHandlerContext ctx, final int streamId,
                                          final Http2Headers ignored, final int padding, final boolean endStream,
                                          final ChannelPromise promise) {
            if (padding != 0 || block.length > Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE) {
                return super.writeHeaders(ctx, streamId, ignored, padding, endStream, promise);
            }
            // Every peer accepts frames of 16 KiB (the smallest SETTINGS_MAX_FRAME_SIZE): one frame, no CONTINUATION.
            final ByteBuf frame = ctx.alloc().buffer(Http2CodecUtil.FRAME_HEADER_LENGTH + block.length);
            frame.writeMedium(block.length);
            frame.writeByte(HEADERS);
            frame.writeByte(END_HEADERS | (endStream ? END_STREAM : 0));
            frame.writeInt(streamId);
            frame.writeBytes(block);
            return ctx.write(frame, promise);
        }
    }

    /** Confined to one connection's loop: writes {@link #block}; there is no dynamic table to configure. */
    private final class FixedEncoder implements Http2HeadersEncoder, Http2HeadersEncoder.Configuration {
        private long maxHeaderTableSize = 4096;
        private long maxHeaderListSize = Long.MAX_VALUE;

        @Override
        public void encodeHeaders(final int streamId, final Http2Headers ignored, final ByteBuf buffer) {
            buffer.writeBytes(block);
        }

        @Override
        public Configuration configuration() {
            return this;
        }

        @Override
        public void maxHeaderTableSize(final long max) {
            maxHeaderTableSize = max;   // the peer's decoder table: literals without indexing never use it
        }

        @Override
        public long maxHeaderTableSize() {
            return maxHeaderTableSize;
        }

        @Override
        public void maxHeaderListSize(final long max) {
            maxHeaderListSize = max;
        }

        @Override
        public long maxHeaderListSize() {
            return maxHeaderListSize;
        }
    }
}
