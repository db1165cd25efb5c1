package io.strait.core.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A raw upstream on its own thread that reads a request head, then neither reads nor writes until
 * told: lets a test see how much a client could push through the proxy (or the proxy could take
 * from an upstream) while the other side is stalled. Thread-safe as far as one test needs: the test's thread
 * accepts and closes, and {@link #accepted} is volatile.
 */
final class StalledPeer implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    volatile Socket accepted;

    private StalledPeer() throws IOException {
    }

    /** Opens one in a field initializer, where a checked exception cannot be thrown. */
    static StalledPeer open() {
        try {
            return new StalledPeer();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    Socket accept() throws IOException {
        accepted = socket.accept();
        return accepted;
    }

    /** Writes {@code total} bytes until done or closed, counting them in {@code written}. */
    static void writeBody(final OutputStream out, final long total, final AtomicLong written) throws IOException {
        final byte[] chunk = new byte[64 * 1024];
        long left = total;
        while (left > 0) {
            final int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
            written.addAndGet(n);
        }
        out.flush();
    }

    /** Reads {@code total} bytes, counting them in {@code read}. */
    static void readBody(final InputStream in, final long total, final AtomicLong read) throws IOException {
        final byte[] chunk = new byte[64 * 1024];
        long left = total;
        while (left > 0) {
            final int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            if (n < 0) {
                throw new IOException("eof after " + (total - left) + " of " + total + " bytes");
            }
            left -= n;
            read.addAndGet(n);
        }
    }

    /** Reads and discards until the head's blank line. */
    static void readHead(final InputStream in) throws IOException {
        int state = 0;
        while (state < 4) {
            final int c = in.read();
            if (c < 0) {
                throw new IOException("eof in head");
            }
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                ? state + 1 : 0;
        }
    }

    @Override
    public void close() throws IOException {
        final Socket s = accepted;
        if (s != null) {
            s.close();
        }
        socket.close();
    }
}
