package io.strait.load.distributed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Confined to the thread that encodes with it (one instance per thread: encoding reuses its buffers); the static
 * {@link #decode} is thread-safe. Encodes {@link Message}s into an Agrona buffer and decodes them back.
 *
 * <p>Layout, little-endian; strings are an int32 byte length and UTF-8 bytes, a string list is an int32 count and its
 * strings, a histogram is an int32 length and {@link Histogram#encodeIntoCompressedByteBuffer} bytes:
 * <pre>
 *   0       1       2                10
 *   +-------+-------+----------------+---------------------------------------------------------------+
 *   |version| type  |  run id (i64)  | fields, by type:                                              |
 *   +-------+-------+----------------+---------------------------------------------------------------+
 *   HELLO    1  agent index i32, results endpoint string
 *   READY    2  agent index i32, agent id string, workload string
 *   START    3  start-at i64, args string list
 *   INTERVAL 4  agent index i32, start i64, end i64, requests i64, errors i64, histogram
 *   DONE     5  agent index i32, intervals i64, requests i64, errors i64, count i64, ok u8, detail string
 *   ACK      6  agent index i32
 *   ABORT    7  reason string
 * </pre>
 */
public final class MessageCodec {

    /** The protocol version written in every message; others are rejected. */
    public static final byte VERSION = 1;

    static final byte HELLO = 1;
    static final byte READY = 2;
    static final byte START = 3;
    static final byte INTERVAL = 4;
    static final byte DONE = 5;
    static final byte ACK = 6;
    static final byte ABORT = 7;

    private static final int HEADER_LENGTH = 10;
    private static final int MAX_LIST_SIZE = 10_000;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private ByteBuffer histogramScratch = ByteBuffer.allocate(1024);

    /** The buffer the last {@link #encode} wrote into, from offset 0. */
    public DirectBuffer buffer() {
        return buffer;
    }

    /** Encodes {@code message} at offset 0 of {@link #buffer()} and returns its length. */
    public int encode(final Message message) {
        final MutableDirectBuffer b = buffer;
        b.putByte(0, VERSION);
        b.putLong(2, message.runId());
        int at = HEADER_LENGTH;
        if (message instanceof Message.Hello m) {
            b.putByte(1, HELLO);
            b.putInt(at, m.agentIndex());
            at += 4;
            at += b.putStringUtf8(at, m.resultsEndpoint());
        } else if (message instanceof Message.Ready m) {
            b.putByte(1, READY);
            b.putInt(at, m.agentIndex());
            at += 4;
            at += b.putStringUtf8(at, m.agentId());
            at += b.putStringUtf8(at, m.workload());
        } else if (message instanceof Message.Start m) {
            b.putByte(1, START);
            b.putLong(at, m.startAtEpochMillis());
            at += 8;
            b.putInt(at, m.args().size());
            at += 4;
            for (final String arg : m.args()) {
                at += b.putStringUtf8(at, arg);
            }
        } else if (message instanceof Message.Interval m) {
            b.putByte(1, INTERVAL);
            b.putInt(at, m.agentIndex());
            b.putLong(at + 4, m.intervalStartEpochMillis());
            b.putLong(at + 12, m.intervalEndEpochMillis());
            b.putLong(at + 20, m.requests());
            b.putLong(at + 28, m.errors());
            at += 36;
            at = putHistogram(at, m.histogram());
        } else if (message instanceof Message.Done m) {
            b.putByte(1, DONE);
            b.putInt(at, m.agentIndex());
            b.putLong(at + 4, m.intervals());
            b.putLong(at + 12, m.requests());
            b.putLong(at + 20, m.errors());
            b.putLong(at + 28, m.count());
            b.putByte(at + 36, (byte) (m.ok() ? 1 : 0));
            at += 37;
            at += b.putStringUtf8(at, m.detail());
        } else if (message instanceof Message.Ack m) {
            b.putByte(1, ACK);
            b.putInt(at, m.agentIndex());
            at += 4;
        } else if (message instanceof Message.Abort m) {
            b.putByte(1, ABORT);
            at += b.putStringUtf8(at, m.reason());
        } else {
            throw new IllegalArgumentException("unknown message " + message);
        }
        return at;
    }

    private int putHistogram(final int at, final Histogram histogram) {
        final int needed = histogram.getNeededByteBufferCapacity();
        if (histogramScratch.capacity() < needed) {
            histogramScratch = ByteBuffer.allocate(Math.max(needed, histogramScratch.capacity() * 2));
        }
        histogramScratch.clear();
        final int length = histogram.encodeIntoCompressedByteBuffer(histogramScratch, Deflater.DEFAULT_COMPRESSION);
        buffer.putInt(at, length);
        buffer.putBytes(at + 4, histogramScratch.array(), 0, length);
        return at + 4 + length;
    }

    /**
     * Decodes the message of {@code length} bytes at {@code offset}.
     *
     * @throws IllegalArgumentException when the bytes are not a well-formed message of this protocol version
     */
    public static Message decode(final DirectBuffer buffer, final int offset, final int length) {
        final Reader r = new Reader(buffer, offset, length);
        final byte version = r.i8();
        if (version != VERSION) {
            throw new IllegalArgumentException("protocol version " + version + ", expected " + VERSION);
        }
        final byte type = r.i8();
        final long runId = r.i64();
        final Message message = switch (type) {
            case HELLO -> new Message.Hello(runId, r.i32(), r.string());
            case READY -> new Message.Ready(runId, r.i32(), r.string(), r.string());
            case START -> new Message.Start(runId, r.i64(), r.strings());
            case INTERVAL -> new Message.Interval(runId, r.i32(), r.i64(), r.i64(), r.i64(), r.i64(), r.histogram());
            case DONE -> new Message.Done(runId, r.i32(), r.i64(), r.i64(), r.i64(), r.i64(), r.i8() != 0,
                    r.string());
            case ACK -> new Message.Ack(runId, r.i32());
            case ABORT -> new Message.Abort(runId, r.string());
            default -> throw new IllegalArgumentException("unknown message type " + type);
        };
        if (r.at != offset + length) {
            throw new IllegalArgumentException((offset + length - r.at) + " trailing bytes after " + message);
        }
        return message;
    }

    /** A bounds-checked cursor over one message. Confined to the decoding thread. */
    private static final class Reader {
        private final DirectBuffer buffer;
        private final int end;
        private int at;

        Reader(final DirectBuffer buffer, final int offset, final int length) {
            this.buffer = buffer;
            this.at = offset;
            this.end = offset + length;
        }

        private int take(final int n) {
            if (n < 0 || n > end - at) {
                throw new IllegalArgumentException("truncated message: need " + n + " bytes at " + at + ", end " + end);
            }
            final int position = at;
            at += n;
            return position;
        }

        byte i8() {
            return buffer.getByte(take(1));
        }

        int i32() {
            return buffer.getInt(take(4));
        }

        long i64() {
            return buffer.getLong(take(8));
        }

        String string() {
            final int length = i32();
            return buffer.getStringWithoutLengthUtf8(take(length), length);
        }

        List<String> strings() {
            final int size = i32();
            if (size < 0 || size > MAX_LIST_SIZE) {
                throw new IllegalArgumentException("bad string list size " + size);
            }
            final List<String> strings = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                strings.add(string());
            }
            return strings;
        }

        Histogram histogram() {
            final int length = i32();
            final int position = take(length);
            final ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.BIG_ENDIAN);
            buffer.getBytes(position, bytes, length);
            bytes.flip();
            try {
                return Histogram.decodeFromCompressedByteBuffer(bytes, 0);
            } catch (final DataFormatException | RuntimeException e) {
                throw new IllegalArgumentException("bad histogram encoding (" + length + " bytes)", e);
            }
        }
    }
}
