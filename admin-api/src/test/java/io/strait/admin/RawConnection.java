package io.strait.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain socket to the admin server, for requests the JDK client will not send (over-long heads, raw bytes). */
final class RawConnection implements AutoCloseable {

    private final Socket socket = new Socket();
    private final InputStream in;

    RawConnection(final InetSocketAddress address) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", address.getPort()), 5000);
        // A safety net so a broken server fails the test instead of hanging it; no assertion depends on it.
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
    }

    RawConnection send(final String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Everything until the server closes. */
    String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** One response whose body has a Content-Length: head and body. */
    String readResponse() throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            final int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        final String h = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (final String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return h + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    /** -1 when the server has closed the connection. */
    int read() throws IOException {
        return in.read();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
