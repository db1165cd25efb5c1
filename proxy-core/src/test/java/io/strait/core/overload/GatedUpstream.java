package io.strait.core.overload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread-safe. A blocking HTTP/1.1 origin on 127.0.0.1 for the overload test, one thread per connection, one response
 * per connection ({@code connection: close}). {@code GET /small} gets a short 200 at once; {@code GET /big} waits for
 * the gate ({@link #open()}) and then gets a 200 with {@link #big()} bytes ({@code byte i = i % 251}), written from
 * the heap in 64 KiB pieces. Being blocking and heap-backed, it holds next to no direct memory itself, so the proxy's
 * buffers are what the test's direct-memory monitor sees.
 */
final class GatedUpstream implements AutoCloseable {

    /** The body of {@code /big}. */
    private final byte[] body;

    private final ServerSocket server;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger waiting = new AtomicInteger();
    private final Thread acceptor;

    /** An origin whose {@code /big} body is {@code big} bytes. */
    GatedUpstream(final int big) throws IOException {
        body = new byte[big];
        for (int i = 0; i < big; i++) {
            body[i] = pattern(i);
        }
        server = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "gated-upstream-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The byte at offset {@code i} of a {@code /big} body. */
    static byte pattern(final long i) {
        return (byte) (i % 251);
    }

    /** The body length of {@code /big}. */
    int big() {
        return body.length;
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@code /big} requests read and waiting for the gate. */
    int waiting() {
        return waiting.get();
    }

    /** Lets every waiting and later {@code /big} response go. */
    void open() {
        gate.countDown();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                final Socket s = server.accept();
                final Thread t = new Thread(() -> serve(s), "gated-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (final IOException e) {
                return;   // closed
            }
        }
    }

    private void serve(final Socket s) {
        try (s) {
            final String head = readHead(s.getInputStream());
            final OutputStream out = s.getOutputStream();
            if (head.startsWith("GET /big ")) {
                waiting.incrementAndGet();
                gate.await();
                waiting.decrementAndGet();
                out.write(("HTTP/1.1 200 OK\r\ncontent-length: " + body.length + "\r\nconnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
                for (int off = 0; off < body.length; off += 64 * 1024) {
                    out.write(body, off, Math.min(64 * 1024, body.length - off));
                }
            } else {
                out.write("HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nsmall\n"
                    .getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        } catch (final IOException e) {
            // the proxy reset its side (the overload reset does exactly that): nothing to do
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(final InputStream in) throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4 && head.size() < 64 * 1024) {
            final int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        gate.countDown();
        server.close();
    }
}
