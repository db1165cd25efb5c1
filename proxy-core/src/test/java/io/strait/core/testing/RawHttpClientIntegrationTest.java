package io.strait.core.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * RawHttpClient against a one-shot socket server that writes a scripted byte sequence and then closes.
 */
class RawHttpClientIntegrationTest {

    private ServerSocket server;
    private CompletableFuture<Void> served;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (served != null) {
            served.get();
        }
    }

    private int script(final String response, final boolean closeAfter) throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        served = CompletableFuture.runAsync(() -> {
            try (Socket s = server.accept()) {
                final InputStream in = s.getInputStream();
                in.read(new byte[1024]); // the request: whatever the test sent first
                final OutputStream out = s.getOutputStream();
                out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (!closeAfter) {
                    in.read(); // wait for the client to go
                }
            } catch (final IOException ignored) {
                // the test saw what it needed
            }
        });
        return server.getLocalPort();
    }

    @Test
    void closeDelimitedBody() throws Exception {
        try (RawHttpClient c = new RawHttpClient(script("HTTP/1.1 200 OK\r\nx: y\r\n\r\nuntil the end", true))) {
            final RawResponse r = c.get("/", "h");
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CLOSE_DELIMITED);
            assertThat(r.bodyAsString()).isEqualTo("until the end");
            assertThat(c.isClosedByPeer(Duration.ZERO)).isTrue();
        }
    }

    @Test
    void chunkedWithTrailersAndPipelinedFollower() throws Exception {
        final String two = "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            + "3\r\nabc\r\n0\r\ngrpc-status: 0\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\n\r\n";
        try (RawHttpClient c = new RawHttpClient(script(two, false))) {
            c.send("GET / HTTP/1.1\r\n\r\n");
            final RawResponse first = c.readResponse();
            assertThat(first.bodyAsString()).isEqualTo("abc");
            assertThat(first.trailers()).containsExactly(new HeaderField("grpc-status", "0"));
            final RawResponse second = c.readResponse();
            assertThat(second.status()).isEqualTo(204);
            assertThat(second.reason()).isEqualTo("No Content");
            assertThat(c.isClosedByPeer(Duration.ofMillis(100))).isFalse();
        }
    }

    @Test
    void emptyReasonAndSameDuplicateContentLength() throws Exception {
        try (RawHttpClient c = new RawHttpClient(script("HTTP/1.1 200\r\ncontent-length: 2, 2\r\n\r\nok", true))) {
            final RawResponse r = c.get("/", "h");
            assertThat(r.reason()).isEmpty();
            assertThat(r.bodyAsString()).isEqualTo("ok");
        }
    }

    @Test
    void headResponseHasNoBodyWhateverItsContentLength() throws Exception {
        try (RawHttpClient c = new RawHttpClient(script("HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n", true))) {
            final RawResponse r = c.head("/", "h");
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.NONE);
            assertThat(r.header("Content-Length")).isEqualTo("99");
        }
    }

    @Test
    void truncatedBodyIsEof() throws Exception {
        try (RawHttpClient c = new RawHttpClient(script("HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc", true))) {
            c.send("GET / HTTP/1.1\r\n\r\n");
            assertThatThrownBy(c::readResponse).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void headerWithSpaceBeforeColonIsRejected() throws Exception {
        try (RawHttpClient c = new RawHttpClient(script("HTTP/1.1 200 OK\r\nbad : x\r\n\r\n", true))) {
            c.send("GET / HTTP/1.1\r\n\r\n");
            assertThatThrownBy(c::readResponse).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void refusesNonLoopback() {
        assertThatThrownBy(() -> new RawHttpClient(new java.net.InetSocketAddress("192.0.2.1", 80),
            Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void requestBuilder() {
        assertThat(RawHttpClient.request("PUT", "/p", "h", "a: 1", "b: 2"))
            .isEqualTo("PUT /p HTTP/1.1\r\nhost: h\r\na: 1\r\nb: 2\r\n\r\n");
    }
}
