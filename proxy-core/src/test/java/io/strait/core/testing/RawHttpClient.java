package io.strait.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Not thread-safe: one test thread drives it. A blocking HTTP/1.1 test client over one plain socket to 127.0.0.1: the
 * test writes exactly the bytes it wants and reads responses one at a time, in order, so pipelining works by sending
 * several requests and then reading several responses.
 *
 * <p>Reading is strict on purpose, so a proxy's mistakes show: a line not ending in CRLF, an obs-fold line, a header
 * line without a colon, a bad status line, differing content-lengths, or content-length together with
 * transfer-encoding all throw {@link ProtocolException}. Every read waits at most the read timeout (default 5 s) and
 * then throws {@link SocketTimeoutException}; a connection closed before a complete response throws
 * {@link EOFException}. To see bytes that are not HTTP, use {@link #readUntilClose()}.
 */
public final class RawHttpClient implements AutoCloseable {

    /** The read timeout used when none is given. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(5);

    /** The largest response head accepted. */
    public static final int MAX_HEAD_BYTES = 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int readTimeoutMillis;
    private byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;
    private boolean eof;

    /**
     * Connects to 127.0.0.1:{@code port} with the default read timeout.
     */
    public RawHttpClient(final int port) throws IOException {
        this(port, DEFAULT_READ_TIMEOUT);
    }

    /**
     * Connects to 127.0.0.1:{@code port}.
     *
     * @param readTimeout how long any single read may block
     */
    public RawHttpClient(final int port, final Duration readTimeout) throws IOException {
        this(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), readTimeout);
    }

    /**
     * Connects to {@code address}, which must be a loopback address.
     *
     * @param readTimeout how long any single read may block
     */
    public RawHttpClient(final InetSocketAddress address, final Duration readTimeout) throws IOException {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("tests talk to loopback only: " + address);
        }
        this.readTimeoutMillis = (int) Math.max(1, readTimeout.toMillis());
        final Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(address, readTimeoutMillis);
            s.setSoTimeout(readTimeoutMillis);
            this.in = s.getInputStream();
            this.out = s.getOutputStream();
        } catch (final IOException e) {
            s.close();
            throw e;
        }
        this.socket = s;
    }

    /**
     * Speaks over {@code connected}, a socket already connected to a loopback address (e.g. a TLS socket whose
     * handshake is done); closing the client closes it.
     *
     * @param readTimeout how long any single read may block
     */
    public RawHttpClient(final Socket connected, final Duration readTimeout) throws IOException {
        if (!connected.getInetAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("tests talk to loopback only: " + connected.getInetAddress());
        }
        this.readTimeoutMillis = (int) Math.max(1, readTimeout.toMillis());
        connected.setSoTimeout(readTimeoutMillis);
        this.in = connected.getInputStream();
        this.out = connected.getOutputStream();
        this.socket = connected;
    }

    /** Sends {@code raw} encoded as ISO-8859-1 (one byte per char), and flushes. */
    public void send(final String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends {@code raw} and flushes. */
    public void send(final byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /**
     * Sends {@code GET path HTTP/1.1} with a {@code host} header and reads the response.
     */
    public RawResponse get(final String path, final String host) throws IOException {
        send(request("GET", path, host));
        return readResponse(false);
    }

    /**
     * Sends {@code HEAD path HTTP/1.1} with a {@code host} header and reads the (bodiless) response.
     */
    public RawResponse head(final String path, final String host) throws IOException {
        send(request("HEAD", path, host));
        return readResponse(true);
    }

    /**
     * Builds a bodiless request head: request line, {@code host}, each of {@code headerLines} (already formatted
     * {@code name: value}), and the empty line, all CRLF-terminated.
     */
    public static String request(final String method, final String path, final String host,
                                 final String... headerLines) {
        final StringBuilder sb = new StringBuilder(128).append(method).append(' ').append(path)
            .append(" HTTP/1.1\r\nhost: ").append(host).append("\r\n");
        for (final String h : headerLines) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /**
     * Reads the next response, which answered a request that was not HEAD. A 1xx interim response is returned like any
     * other; call again for the final one (or use {@link #readFinalResponse()}).
     */
    public RawResponse readResponse() throws IOException {
        return readResponse(false);
    }

    /**
     * Reads the next 1xx-or-final response.
     *
     * @param headRequest true when the request it answers was HEAD (then there is no body, whatever the headers say)
     */
    public RawResponse readResponse(final boolean headRequest) throws IOException {
        final ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
        if (available() < 0) {
            throw new EOFException("connection closed before a response");
        }
        final String statusLine = readLine(raw, true);
        final String version;
        final int status;
        final String reason;
        final int sp1 = statusLine.indexOf(' ');
        if (sp1 < 0 || !statusLine.startsWith("HTTP/") || statusLine.length() < sp1 + 4) {
            throw new ProtocolException("bad status line: " + statusLine);
        }
        version = statusLine.substring(0, sp1);
        final String code = statusLine.substring(sp1 + 1, sp1 + 4);
        if (!code.chars().allMatch(c -> c >= '0' && c <= '9')
            || statusLine.length() > sp1 + 4 && statusLine.charAt(sp1 + 4) != ' ') {
            throw new ProtocolException("bad status line: " + statusLine);
        }
        status = Integer.parseInt(code);
        reason = statusLine.length() > sp1 + 5 ? statusLine.substring(sp1 + 5) : "";
        final List<HeaderField> headers = readFields(raw, true);
        final String rawHead = raw.toString(StandardCharsets.ISO_8859_1);

        final List<String> te = HeaderField.all(headers, "transfer-encoding");
        final List<String> cl = HeaderField.all(headers, "content-length");
        if (!te.isEmpty() && !cl.isEmpty()) {
            throw new ProtocolException("both content-length and transfer-encoding in:\n" + rawHead);
        }
        final boolean bodiless = headRequest || status < 200 || status == 204 || status == 304;
        if (bodiless) {
            return new RawResponse(version, status, reason, headers, new byte[0], rawHead, List.of(),
                RawResponse.Framing.NONE);
        }
        if (!te.isEmpty()) {
            final String codings = String.join(",", te).toLowerCase(Locale.ROOT).trim();
            if (codings.endsWith("chunked")) {
                final List<HeaderField> trailers = new ArrayList<>(0);
                final byte[] body = readChunkedBody(trailers);
                return new RawResponse(version, status, reason, headers, body, rawHead, trailers,
                    RawResponse.Framing.CHUNKED);
            }
            return new RawResponse(version, status, reason, headers, readUntilClose(), rawHead, List.of(),
                RawResponse.Framing.CLOSE_DELIMITED);
        }
        if (!cl.isEmpty()) {
            final long length = contentLength(cl);
            return new RawResponse(version, status, reason, headers, readBytes(length), rawHead, List.of(),
                RawResponse.Framing.CONTENT_LENGTH);
        }
        return new RawResponse(version, status, reason, headers, readUntilClose(), rawHead, List.of(),
            RawResponse.Framing.CLOSE_DELIMITED);
    }

    /**
     * Reads responses until one is not 1xx and returns that one.
     */
    public RawResponse readFinalResponse() throws IOException {
        RawResponse r;
        do {
            r = readResponse(false);
        } while (r.isInterim());
        return r;
    }

    /**
     * Reads exactly {@code n} bytes (what is already buffered first).
     */
    public byte[] readBytes(final long n) throws IOException {
        if (n > Integer.MAX_VALUE - 16) {
            throw new ProtocolException("body too large for a test client: " + n);
        }
        final byte[] result = new byte[(int) n];
        int done = 0;
        while (done < n) {
            if (pos == lim && fill() < 0) {
                throw new EOFException("connection closed after " + done + " of " + n + " body bytes");
            }
            final int take = Math.min(lim - pos, (int) n - done);
            System.arraycopy(buf, pos, result, done, take);
            pos += take;
            done += take;
        }
        return result;
    }

    /**
     * Reads everything until the server closes the connection (what is already buffered first).
     */
    public byte[] readUntilClose() throws IOException {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            if (pos == lim && fill() < 0) {
                return all.toByteArray();
            }
            all.write(buf, pos, lim - pos);
            pos = lim;
        }
    }

    /**
     * Returns true if the server closes the connection (a read returns end of stream, or the connection is reset)
     * within {@code within}. Bytes that arrive meanwhile are kept for the next read.
     */
    public boolean isClosedByPeer(final Duration within) throws IOException {
        if (eof) {
            return true;
        }
        final long deadline = System.nanoTime() + within.toNanos();
        try {
            while (true) {
                final long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                try {
                    if (fill() < 0) {
                        return true;
                    }
                } catch (final SocketTimeoutException e) {
                    return false;
                } catch (final SocketException e) {
                    eof = true;
                    return true;
                }
            }
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(readTimeoutMillis);
            }
        }
    }

    /** Half-closes: sends FIN, keeps reading possible. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Returns the local (client-side) port, as the server sees it. */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** Closes the socket. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (final IOException ignored) {
            // nothing to do in a test client
        }
    }

    private int available() throws IOException {
        if (pos == lim) {
            return fill();
        }
        return lim - pos;
    }

    /** Reads more bytes into the buffer; returns how many, or -1 at end of stream. */
    private int fill() throws IOException {
        if (eof) {
            return -1;
        }
        if (pos == lim) {
            pos = 0;
            lim = 0;
        } else if (lim == buf.length) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            } else {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }
        final int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
            return -1;
        }
        lim += n;
        return n;
    }

    private int readByte() throws IOException {
        if (pos == lim && fill() < 0) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Reads one CRLF-terminated line; appends its bytes (CRLF included) to {@code raw}; returns it without CRLF. */
    private String readLine(final ByteArrayOutputStream raw, final boolean inHead) throws IOException {
        final StringBuilder line = new StringBuilder(64);
        while (true) {
            final int b = readByte();
            if (b < 0) {
                throw new EOFException("connection closed inside a line: " + line);
            }
            raw.write(b);
            if (inHead && raw.size() > MAX_HEAD_BYTES) {
                throw new ProtocolException("response head over " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                final int n = line.length();
                if (n == 0 || line.charAt(n - 1) != '\r') {
                    throw new ProtocolException("line ends in a bare LF: " + line);
                }
                line.setLength(n - 1);
                return line.toString();
            }
            line.append((char) b);
        }
    }

    private List<HeaderField> readFields(final ByteArrayOutputStream raw, final boolean inHead) throws IOException {
        final List<HeaderField> fields = new ArrayList<>();
        while (true) {
            final String line = readLine(raw, inHead);
            if (line.isEmpty()) {
                return fields;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new ProtocolException("obs-fold line: " + line);
            }
            final int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(colon - 1) == ' ' || line.charAt(colon - 1) == '\t') {
                throw new ProtocolException("bad header line: " + line);
            }
            fields.add(new HeaderField(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
    }

    private byte[] readChunkedBody(final List<HeaderField> trailers) throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        final ByteArrayOutputStream scratch = new ByteArrayOutputStream(16);
        while (true) {
            scratch.reset();
            final String sizeLine = readLine(scratch, false);
            final int semi = sizeLine.indexOf(';');
            final String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim();
            final long size;
            try {
                size = hex.isEmpty() ? -1 : Long.parseLong(hex, 16);
            } catch (final NumberFormatException e) {
                throw new ProtocolException("bad chunk size line: " + sizeLine);
            }
            if (size < 0) {
                throw new ProtocolException("bad chunk size line: " + sizeLine);
            }
            if (size == 0) {
                scratch.reset();
                trailers.addAll(readFields(scratch, false));
                return body.toByteArray();
            }
            body.write(readBytes(size));
            scratch.reset();
            if (!readLine(scratch, false).isEmpty()) {
                throw new ProtocolException("chunk data not followed by CRLF");
            }
        }
    }

    private static long contentLength(final List<String> values) throws ProtocolException {
        long length = -1;
        for (final String v : values) {
            for (final String part : v.split(",", -1)) {
                final long parsed;
                try {
                    parsed = Long.parseLong(part.trim());
                } catch (final NumberFormatException e) {
                    throw new ProtocolException("bad content-length: " + v);
                }
                if (parsed < 0 || length >= 0 && parsed != length) {
                    throw new ProtocolException("conflicting content-length: " + values);
                }
                length = parsed;
            }
        }
        return length;
    }
}
