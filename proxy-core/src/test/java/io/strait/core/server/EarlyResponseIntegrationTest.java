package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An upstream that answers before reading the request body (a 413 or 401 to an upload, a sink that ignores bodies).
 * Strait forwards the answer, drops the upstream connection (its state is unknown), reads and drops the rest of the
 * client's body, and keeps the client's connection: closing it with the body still arriving would reset it, and the
 * client could lose the answer (perf-tests' 1mib-upload scenario saw thousands of resets that way).
 */
class EarlyResponseIntegrationTest {

    private final AtomicInteger heads = new AtomicInteger();
    /** Answers before reading the body, which a TestUpstream does not: a raw socket, its port formatted in below. */
    private final ServerSocket upstream = listen();

    /** On an instance field: a proxy of its own for each test, as the upstream socket is. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: / }, cluster: early }
        clusters:
          - name: early
            endpoints: [ { address: 127.0.0.1:%d } ]
        """.formatted(upstream.getLocalPort()));

    private static ServerSocket listen() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void start() {
        final Thread acceptor = new Thread(this::serve, "early-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        upstream.close();
    }

    /** Each connection: read one head, answer 413 at once, then read and drop whatever comes until the peer closes. */
    private void serve() {
        while (!upstream.isClosed()) {
            try {
                final Socket s = upstream.accept();
                final Thread t = new Thread(() -> answerEarly(s), "early-conn");
                t.setDaemon(true);
                t.start();
            } catch (final IOException closed) {
                return;
            }
        }
    }

    private void answerEarly(final Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int matched = 0;
            while (matched < 4) {
                final int b = in.read();
                if (b < 0) {
                    return;
                }
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            heads.incrementAndGet();
            out.write("HTTP/1.1 413 Payload Too Large\r\ncontent-length: 7\r\n\r\ntoo big".getBytes(
                StandardCharsets.US_ASCII));
            out.flush();
            final byte[] sink = new byte[64 * 1024];
            while (in.read(sink) >= 0) {
                // drop the body the proxy was still sending
            }
        } catch (final IOException e) {
            // the proxy closed the connection: expected
        }
    }

    @Test
    void theAnswerArrivesTheRestOfTheBodyIsDroppedAndTheConnectionServesTheNextRequest() throws Exception {
        final int bodyLength = 200_000;
        try (RawHttpClient client = new RawHttpClient(proxy.port("main"))) {
            client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + bodyLength + "\r\n\r\n");
            final byte[] part = new byte[1000];
            client.send(part);
            final RawResponse first = client.readResponse();
            assertThat(first.status()).isEqualTo(413);
            assertThat(first.bodyAsString()).isEqualTo("too big");
            assertThat(first.header("connection")).isNull();   // keep-alive: not announced as closing
            // The client goes on sending its body (as curl or a browser would), then reuses the connection.
            client.send(new byte[bodyLength - part.length]);
            client.send(RawHttpClient.request("GET", "/next", "x"));
            final RawResponse second = client.readResponse();
            assertThat(second.status()).isEqualTo(413);   // answered again: the connection was kept and in sync
            assertThat(heads.get()).isEqualTo(2);
        }
    }
}
