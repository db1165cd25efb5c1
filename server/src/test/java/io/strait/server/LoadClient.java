package io.strait.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 load client for loopback tests that tells failures apart: a refused (or reset) connect, a request
 * that failed on a fresh connection, and one that failed on a reused keep-alive connection. Half its threads open a
 * connection per request ({@code Connection: close}); the other half keep one connection and open a new one only
 * when the server said {@code Connection: close}. A request succeeds when its response is a complete 200 with the
 * expected body. Bounded by a request count and a time limit per thread; paced (1 ms between requests) so the
 * proxies under test keep CPU on a small machine. Thread-safe counters; start and stop from one test thread.
 */
final class LoadClient implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_FAILURES_KEPT = 20;

    private final int port;
    private final String expectedBody;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failedNew = new AtomicLong();
    private final AtomicLong failedReused = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean stop;

    LoadClient(final int port, final String expectedBody) {
        this.port = port;
        this.expectedBody = expectedBody;
    }

    /** Starts {@code perKind} threads of each kind, each stopping after {@code maxRequests} or {@code maxMillis}. */
    LoadClient start(final int perKind, final int maxRequests, final long maxMillis) {
        for (int i = 0; i < 2 * perKind; i++) {
            final boolean keepAlive = i % 2 == 1;
            final Thread t = new Thread(() -> run(keepAlive, maxRequests, maxMillis),
                "load-" + (keepAlive ? "keepalive-" : "new-") + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    long ok() {
        return ok.get();
    }

    long refused() {
        return refused.get();
    }

    long failedNew() {
        return failedNew.get();
    }

    long failedReused() {
        return failedReused.get();
    }

    /** The first failures, described. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public String toString() {
        return "ok " + ok + ", refused connects " + refused + ", failed on new connections " + failedNew
            + ", failed on reused connections " + failedReused + ", first failures " + failures;
    }

    /** Stops every thread and waits for them. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        for (final Thread t : threads) {
            t.join(2L * READ_TIMEOUT_MILLIS);
        }
    }

    private void run(final boolean keepAlive, final int maxRequests, final long maxMillis) {
        final long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        Conn conn = null;
        try {
            for (int n = 0; n < maxRequests && !stop && System.nanoTime() - deadline < 0; n++) {
                final boolean reused = conn != null;
                if (conn == null) {
                    try {
                        conn = connect();
                    } catch (final IOException e) {
                        fail(refused, "connect: " + e);
                        continue;
                    }
                }
                boolean reusable;
                try {
                    reusable = exchange(conn, keepAlive);
                    ok.incrementAndGet();
                } catch (final IOException e) {
                    fail(reused ? failedReused : failedNew, (reused ? "reused" : "new") + " connection: " + e);
                    reusable = false;
                }
                if (!keepAlive || !reusable) {
                    closeQuietly(conn);
                    conn = null;
                }
                Thread.sleep(1);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(conn);
        }
    }

    private Conn connect() throws IOException {
        final Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), READ_TIMEOUT_MILLIS);
            s.setSoTimeout(READ_TIMEOUT_MILLIS);
            s.setTcpNoDelay(true);
            return new Conn(s, new BufferedInputStream(s.getInputStream()));
        } catch (final IOException e) {
            s.close();
            throw e;
        }
    }

    /** A connection and its buffered input (a response is read whole, nothing after it is sent unasked). */
    private record Conn(Socket socket, InputStream in) {
    }

    /** One request and its response; true if the connection may be used again. */
    private boolean exchange(final Conn c, final boolean keepAlive) throws IOException {
        final OutputStream out = c.socket().getOutputStream();
        out.write(("GET /takeover HTTP/1.1\r\nHost: takeover.test\r\n" + (keepAlive ? "" : "Connection: close\r\n")
            + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        final InputStream in = c.in();
        final String head = readHead(in);
        final String[] lines = head.split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 200 ")) {
            throw new IOException("status line '" + lines[0] + "'");
        }
        int length = -1;
        boolean close = false;
        for (int i = 1; i < lines.length; i++) {
            final String l = lines[i].toLowerCase(Locale.ROOT);
            if (l.startsWith("content-length:")) {
                length = Integer.parseInt(l.substring(15).trim());
            } else if (l.startsWith("connection:") && l.contains("close")) {
                close = true;
            }
        }
        if (length < 0) {
            throw new IOException("no content-length in '" + head + "'");
        }
        final byte[] body = in.readNBytes(length);
        final String text = new String(body, StandardCharsets.UTF_8);
        if (body.length != length || !text.equals(expectedBody)) {
            throw new IOException("body '" + text + "' (" + body.length + " of " + length + " bytes)");
        }
        return !close;
    }

    private static String readHead(final InputStream in) throws IOException {
        final StringBuilder b = new StringBuilder();
        while (b.length() < 16_384) {
            final int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after " + b.length() + " bytes of the response head");
            }
            b.append((char) c);
            final int n = b.length();
            if (n >= 4 && b.charAt(n - 4) == '\r' && b.charAt(n - 3) == '\n' && b.charAt(n - 2) == '\r'
                && b.charAt(n - 1) == '\n') {
                return b.substring(0, n - 4);
            }
        }
        throw new IOException("response head too long");
    }

    private void fail(final AtomicLong counter, final String what) {
        counter.incrementAndGet();
        if (failures.size() < MAX_FAILURES_KEPT) {
            failures.add(what);
        }
    }

    private static void closeQuietly(final Conn c) {
        if (c != null) {
            try {
                c.socket().close();
            } catch (final IOException ignored) {
                // closing
            }
        }
    }
}
