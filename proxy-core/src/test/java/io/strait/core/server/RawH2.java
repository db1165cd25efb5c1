package io.strait.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hostile HTTP/2 client for the defence tests: writes frames byte by byte over a blocking socket, so it can break
 * every rule a real client library enforces (too many streams, CONTINUATION floods, empty DATA floods, not reading).
 * Header blocks are HPACK literals without indexing or Huffman; what the server sends is read by a thread of its own
 * that records GOAWAY, RST_STREAM codes and each stream's {@code :status}. Not thread-safe for writers: one test
 * thread.
 */
final class RawH2 implements AutoCloseable {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int CONTINUATION = 0x9;
    static final int END_STREAM = 0x1;
    static final int END_HEADERS = 0x4;
    static final int ACK = 0x1;

    private final Socket socket;
    private final OutputStream out;
    private final AtomicLong goAway = new AtomicLong(-1);
    private final Map<Integer, Long> resets = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch settings = new CountDownLatch(1);
    private final Thread reader;

    /**
     * Connects, sends the preface and empty SETTINGS; {@code read}: start the reader (false: the client never reads,
     * and the server's writes pile up).
     */
    RawH2(final int port, final boolean read, final int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(SETTINGS, 0, 0, new byte[0]);
        reader = new Thread(this::readLoop, "raw-h2-reader");
        reader.setDaemon(true);
        if (read) {
            reader.start();
        }
    }

    RawH2(final int port) throws IOException {
        this(port, true, 0);
    }

    /** Waits for the server's SETTINGS and acknowledges them (the server's limits then hold). */
    RawH2 handshake() throws Exception {
        if (!settings.await(5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("no SETTINGS from the server");
        }
        frame(SETTINGS, ACK, 0, new byte[0]);
        return this;
    }

    /** A HEADERS frame for GET {@code path}, END_HEADERS set; {@code extra}: name, value pairs appended. */
    void get(final int stream, final String path, final boolean endStream, final String... extra)
        throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block(path, extra));
    }

    /** The header block of GET {@code path} with {@code extra} fields, as HPACK literals. */
    static byte[] block(final String path, final String... extra) {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        literal(b, ":method", "GET");
        literal(b, ":scheme", "http");
        literal(b, ":path", path);
        literal(b, ":authority", "h2.test");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            literal(b, extra[i], extra[i + 1]);
        }
        return b.toByteArray();
    }

    /** A literal header field without indexing, new name (RFC 7541 6.2.2), lengths under 127 or longer. */
    static void literal(final ByteArrayOutputStream b, final String name, final String value) {
        b.write(0);
        string(b, name);
        string(b, value);
    }

    private static void string(final ByteArrayOutputStream b, final String s) {
        final byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        int n = bytes.length;
        if (n < 127) {
            b.write(n);
        } else {
            b.write(127);
            n -= 127;
            while (n >= 128) {
                b.write((n & 0x7f) | 0x80);
                n >>>= 7;
            }
            b.write(n);
        }
        b.write(bytes, 0, bytes.length);
    }

    /** Writes one frame. */
    void frame(final int type, final int flags, final int stream, final byte[] payload) throws IOException {
        final byte[] f = new byte[9 + payload.length];
        header(f, 0, payload.length, type, flags, stream);
        System.arraycopy(payload, 0, f, 9, payload.length);
        out.write(f);
    }

    /**
     * Writes frames until the server closes the connection or {@code max} were written, many frames per socket
     * write; returns how many were written (a multiple of the batch when cut short).
     */
    int flood(final int type, final int flags, final int stream, final byte[] payload, final int max) {
        final int size = 9 + payload.length;
        final int batch = Math.max(1, Math.min(max, 65536 / size));
        final byte[] frames = new byte[batch * size];
        for (int i = 0; i < batch; i++) {
            header(frames, i * size, payload.length, type, flags, stream);
            System.arraycopy(payload, 0, frames, i * size + 9, payload.length);
        }
        int sent = 0;
        while (sent < max) {
            final int n = Math.min(batch, max - sent);
            try {
                out.write(frames, 0, n * size);
            } catch (final IOException e) {
                return sent;
            }
            sent += n;
        }
        return max;
    }

    private static void header(final byte[] f, final int at, final int length, final int type, final int flags,
                               final int stream) {
        f[at] = (byte) (length >>> 16);
        f[at + 1] = (byte) (length >>> 8);
        f[at + 2] = (byte) length;
        f[at + 3] = (byte) type;
        f[at + 4] = (byte) flags;
        f[at + 5] = (byte) (stream >>> 24);
        f[at + 6] = (byte) (stream >>> 16);
        f[at + 7] = (byte) (stream >>> 8);
        f[at + 8] = (byte) stream;
    }

    long goAway() {
        return goAway.get();
    }

    Long reset(final int stream) {
        return resets.get(stream);
    }

    Map<Integer, Long> resets() {
        return resets;
    }

    Integer status(final int stream) {
        return statuses.get(stream);
    }

    /** Waits for the server to close the connection (the reader sees the end of the stream). */
    boolean awaitClosed(final long seconds) throws InterruptedException {
        return closed.await(seconds, TimeUnit.SECONDS);
    }

    /** True when the server closed the connection: a read returns the end of the stream or fails. */
    boolean serverClosed() {
        try {
            socket.setSoTimeout(5000);
            final java.io.InputStream in = socket.getInputStream();
            final byte[] buf = new byte[65536];
            while (true) {
                if (in.read(buf) < 0) {
                    return true;
                }
            }
        } catch (final IOException e) {
            return e instanceof SocketException;
        }
    }

    private void readLoop() {
        final DefaultHttp2HeadersDecoder hpack = new DefaultHttp2HeadersDecoder(false);
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                final int len = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                final int type = in.readUnsignedByte();
                final int flags = in.readUnsignedByte();
                final int stream = in.readInt() & 0x7fffffff;
                final byte[] payload = new byte[len];
                in.readFully(payload);
                if (type == SETTINGS && (flags & ACK) == 0) {
                    settings.countDown();
                } else if (type == GOAWAY) {
                    goAway.set(Integer.toUnsignedLong(
                        (payload[4] & 0xff) << 24 | (payload[5] & 0xff) << 16 | (payload[6] & 0xff) << 8
                            | payload[7] & 0xff));
                } else if (type == RST_STREAM) {
                    resets.put(stream, Integer.toUnsignedLong(
                        (payload[0] & 0xff) << 24 | (payload[1] & 0xff) << 16 | (payload[2] & 0xff) << 8
                            | payload[3] & 0xff));
                } else if (type == HEADERS) {
                    final ByteBuf block = Unpooled.wrappedBuffer(payload);
                    final Http2Headers h = hpack.decodeHeaders(stream, block);
                    if (h.status() != null && !statuses.containsKey(stream)) {
                        statuses.put(stream, Integer.parseInt(h.status().toString()));
                    }
                }
            }
        } catch (final Exception e) {
            // end of stream or reset: the server closed the connection
        } finally {
            closed.countDown();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
