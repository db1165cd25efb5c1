package io.strait.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Thread-safe. An upstream that accepts connections on 127.0.0.1 and reads everything sent to it, but never writes a
 * byte (no HTTP/2 SETTINGS, no response): a call to it can end only by a timeout on the other side. Its threads
 * (one accepting, one per connection reading) end when it is closed.
 */
final class SilentPeer implements AutoCloseable {

    private final ServerSocket socket;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private SilentPeer(final ServerSocket socket) {
        this.socket = socket;
        daemon("silent-peer-accept", this::accept).start();
    }

    /** Binds an ephemeral port on 127.0.0.1 and starts accepting. */
    static SilentPeer open() throws IOException {
        return new SilentPeer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** Returns the bound port. */
    int port() {
        return socket.getLocalPort();
    }

    /** Returns how many connections it accepted so far. */
    int connections() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (final Socket s : accepted) {
            s.close();
        }
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                final Socket s = socket.accept();
                accepted.add(s);
                daemon("silent-peer-read", () -> drain(s)).start();
            } catch (final IOException closed) {
                return;
            }
        }
    }

    private static void drain(final Socket s) {
        final byte[] sink = new byte[8192];
        try (InputStream in = s.getInputStream()) {
            while (in.read(sink) >= 0) {
                // Read and forget: the peer's window never fills, and it never answers.
            }
        } catch (final IOException closed) {
            // Closed by close() or by the proxy: the thread ends.
        }
    }

    private static Thread daemon(final String name, final Runnable body) {
        final Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
