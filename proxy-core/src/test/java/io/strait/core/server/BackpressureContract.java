package io.strait.core.server;

import io.strait.core.testing.RawResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Backpressure end to end: a stalled client stops the upstream read and a stalled upstream stops the client upload,
 * with only kernel buffers in between. Run on every transport by the classes that extend {@link
 * AbstractProxyIntegrationTest}.
 */
interface BackpressureContract extends ProxyFixture {

    /** Bytes a stalled side lets through before backpressure stops the other: kernel buffers, not the proxy. */
    long BUFFERED_BOUND = 48L << 20;

    @Test
    default void aStalledClientStopsTheUpstreamRead() throws Exception {
        final long total = bigBody();
        final AtomicLong written = new AtomicLong();
        final CompletableFuture<Void> upstream = CompletableFuture.runAsync(() -> {
            try (Socket s = responsePeer().accept()) {
                StalledPeer.readHead(s.getInputStream());
                final OutputStream out = s.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + total + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
                StalledPeer.writeBody(out, total, written);
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try (Socket client = new Socket("127.0.0.1", proxy().port("main"))) {
            client.setSoTimeout(10_000);
            client.getOutputStream().write("GET /stalled-response/ HTTP/1.1\r\nHost: x\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
            final InputStream in = client.getInputStream();
            StalledPeer.readHead(in);
            // The client reads nothing for a while: the upstream must be stopped by backpressure.
            await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> true);
            assertThat(written.get()).as("bytes the upstream could write while the client was stalled")
                .isLessThan(BUFFERED_BOUND);
            final AtomicLong read = new AtomicLong();
            StalledPeer.readBody(in, total, read);
            assertThat(read.get()).isEqualTo(total);
        }
        upstream.get(30, TimeUnit.SECONDS);
    }

    @Test
    default void aStalledUpstreamStopsTheClientUpload() throws Exception {
        final long total = bigBody();
        final CompletableFuture<Void> release = new CompletableFuture<>();
        final AtomicLong received = new AtomicLong();
        final CompletableFuture<Void> upstream = CompletableFuture.runAsync(() -> {
            try (Socket s = uploadPeer().accept()) {
                final InputStream in = s.getInputStream();
                StalledPeer.readHead(in);
                release.get(30, TimeUnit.SECONDS);
                StalledPeer.readBody(in, total, received);
                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                    .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
            } catch (final Exception e) {
                throw new IllegalStateException(e);
            }
        });
        final AtomicLong sent = new AtomicLong();
        try (Socket client = new Socket("127.0.0.1", proxy().port("main"))) {
            client.setSoTimeout(10_000);
            final OutputStream out = client.getOutputStream();
            final CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST /stalled-upload/ HTTP/1.1\r\nHost: x\r\nContent-Length: " + total + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                    StalledPeer.writeBody(out, total, sent);
                } catch (final Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> true);
            assertThat(sent.get()).as("bytes the client could send while the upstream was stalled")
                .isLessThan(BUFFERED_BOUND);
            release.complete(null);
            writer.get(60, TimeUnit.SECONDS);
            final RawResponse r = readResponse(client);
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(received.get()).isEqualTo(total);
        upstream.get(10, TimeUnit.SECONDS);
    }

    private static RawResponse readResponse(final Socket s) throws Exception {
        final InputStream in = s.getInputStream();
        final StringBuilder head = new StringBuilder();
        int state = 0;
        while (state < 4) {
            final int c = in.read();
            head.append((char) c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                ? state + 1 : 0;
        }
        final int status = Integer.parseInt(head.substring(9, 12));
        return new RawResponse("HTTP/1.1", status, "", java.util.List.of(), new byte[0], head.toString(),
            java.util.List.of(), RawResponse.Framing.NONE);
    }
}
