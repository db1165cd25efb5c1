package io.strait.core.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Thread-safe (a thread per connection, a queue for what it records). A raw HTTP/1.1 upstream on 127.0.0.1 for the
 * chunked-body tests: it reads each request whole, chunked bodies and their trailer sections included, records the
 * request's bytes exactly as they arrived, and answers by path:
 * <ul>
 *   <li>{@code /trailers}: a chunked {@code hi} with a trailer section {@code grpc-status: 0},
 *       {@code grpc-message: ok}, {@code content-length: 99} (a framing field the proxy must not forward);</li>
 *   <li>{@code /stream/<n>/<ms>}: a chunked body of n chunks {@code tick\n}, one every ms milliseconds;</li>
 *   <li>{@code /stall}: a chunked head and one chunk, then nothing until the proxy closes;</li>
 *   <li>anything else: 200 with an empty body once the request is read whole.</li>
 * </ul>
 * Keeps the connection open between requests (keep-alive).
 */
final class ChunkedUpstream implements AutoCloseable {

    private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final LinkedBlockingQueue<String> requests = new LinkedBlockingQueue<>();

    private ChunkedUpstream() throws IOException {
        final Thread t = new Thread(this::acceptLoop, "chunked-upstream");
        t.setDaemon(true);
        t.start();
    }

    /** Starts one (in a static initializer, where a checked exception cannot be thrown). */
    static ChunkedUpstream open() {
        try {
            return new ChunkedUpstream();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The next request received, as its bytes (ISO-8859-1), or null after {@code timeout}. */
    String takeRequest(final Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                final Socket s = socket.accept();
                final Thread t = new Thread(() -> serve(s), "chunked-upstream-conn");
                t.setDaemon(true);
                t.start();
            } catch (final IOException e) {
                return;   // closed
            }
        }
    }

    private void serve(final Socket s) {
        try (s) {
            final InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            final OutputStream out = s.getOutputStream();
            while (true) {
                final ByteArrayOutputStream raw = new ByteArrayOutputStream();
                final String requestLine = line(in, raw);
                if (requestLine == null) {
                    return;
                }
                boolean chunked = false;
                long length = 0;
                String l;
                while (!(l = line(in, raw)).isEmpty()) {
                    final String lower = l.toLowerCase(java.util.Locale.ROOT);
                    chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(lower.substring(15).trim());
                    }
                }
                if (chunked) {
                    long size;
                    do {
                        size = Long.parseLong(line(in, raw).split(";")[0].trim(), 16);
                        for (long i = 0; i < size; i++) {
                            raw.write(in.read());
                        }
                        if (size > 0) {
                            line(in, raw);
                        }
                    } while (size > 0);
                    while (!line(in, raw).isEmpty()) {
                        // the trailer section, recorded in raw
                    }
                } else {
                    for (long i = 0; i < length; i++) {
                        raw.write(in.read());
                    }
                }
                requests.add(raw.toString(StandardCharsets.ISO_8859_1));
                answer(requestLine.split(" ")[1], out);
            }
        } catch (final IOException | InterruptedException | RuntimeException e) {
            // the proxy closed the connection: done with it
        }
    }

    private static void answer(final String path, final OutputStream out) throws IOException, InterruptedException {
        final String chunkedHead = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n";
        if (path.equals("/trailers")) {
            write(out, chunkedHead + "2\r\nhi\r\n0\r\ngrpc-status: 0\r\ngrpc-message: ok\r\n"
                + "content-length: 99\r\n\r\n");
        } else if (path.startsWith("/stream/")) {
            final String[] p = path.split("/");
            final int n = Integer.parseInt(p[2]);
            final long ms = Long.parseLong(p[3]);
            write(out, chunkedHead);
            for (int i = 0; i < n; i++) {
                Thread.sleep(ms);
                write(out, "5\r\ntick\n\r\n");
            }
            write(out, "0\r\n\r\n");
        } else if (path.equals("/stall")) {
            write(out, chunkedHead + "5\r\ntick\n\r\n");
            Thread.sleep(60_000);
        } else {
            write(out, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        }
    }

    private static void write(final OutputStream out, final String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads a CRLF line (recording it with its CRLF); null at the end of input before any byte. */
    private static String line(final InputStream in, final ByteArrayOutputStream raw) throws IOException {
        final StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            raw.write(b);
            if (b == '\n') {
                return sb.substring(0, Math.max(0, sb.length() - 1));
            }
            sb.append((char) b);
        }
        if (sb.length() == 0) {
            return null;
        }
        throw new IOException("truncated line");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
