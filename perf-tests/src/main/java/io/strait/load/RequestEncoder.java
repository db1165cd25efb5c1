package io.strait.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Stateless: encodes the run's one request (head and body) once, before the run. */
final class RequestEncoder {

    private RequestEncoder() {
    }

    /**
     * Returns the request's bytes: {@code METHOD target HTTP/1.1}, {@code host} (unless a header sets it), the extra
     * headers, {@code content-length} when there is a body, {@code connection: close} in churn mode, and a body of
     * {@code bodySize} bytes ({@code 'a'..'z'} repeated).
     */
    static byte[] encode(final LoadOptions o) {
        final StringBuilder sb = new StringBuilder(256);
        sb.append(o.method()).append(' ').append(o.target()).append(" HTTP/1.1\r\n");
        boolean host = false;
        boolean length = false;
        boolean connection = false;
        for (final String h : o.headers()) {
            final String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
            host |= name.equals("host");
            length |= name.equals("content-length");
            connection |= name.equals("connection");
        }
        if (!host) {
            sb.append("Host: ").append(o.url().getHost());
            if (o.url().getPort() >= 0) {
                sb.append(':').append(o.url().getPort());
            }
            sb.append("\r\n");
        }
        for (final String h : o.headers()) {
            sb.append(h).append("\r\n");
        }
        if (o.bodySize() > 0 && !length) {
            sb.append("Content-Length: ").append(o.bodySize()).append("\r\n");
        }
        if (o.newConnectionPerRequest() && !connection) {
            sb.append("Connection: close\r\n");
        }
        sb.append("\r\n");
        final byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        final ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + o.bodySize());
        out.writeBytes(head);
        for (int i = 0; i < o.bodySize(); i++) {
            out.write('a' + i % 26);
        }
        return out.toByteArray();
    }
}
