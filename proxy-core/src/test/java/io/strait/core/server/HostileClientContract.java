package io.strait.core.server;

import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile clients end to end: request smuggling shapes (CL with TE, obs-fold, bare LF), head and body limits,
 * slowloris and idle connections. Run on every transport by the classes that extend {@link
 * AbstractProxyIntegrationTest}.
 */
interface HostileClientContract extends ProxyFixture {

    @Test
    default void rejectsContentLengthWithTransferEncoding() throws Exception {
        try (RawHttpClient client = client()) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(400);
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
        assertThat(proxy().upstream("a").requestCount()).as("nothing reaches the upstream").isZero();
    }

    @Test
    default void rejectsObsFoldAndBareLf() throws Exception {
        for (final String bad : new String[] {
            "GET / HTTP/1.1\r\nHost: x\r\nx-a: 1\r\n  folded\r\n\r\n",
            "GET / HTTP/1.1\nHost: x\n\n",
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n"}) {
            try (RawHttpClient client = client()) {
                client.send(bad);
                assertThat(client.readResponse().status()).as(bad).isEqualTo(400);
                assertThat(client.isClosedByPeer(WAIT)).isTrue();
            }
        }
        assertThat(proxy().upstream("a").requestCount()).isZero();
    }

    @Test
    default void enforcesHeadAndBodyLimits() throws Exception {
        try (RawHttpClient client = new RawHttpClient(proxy().port("strict"))) {
            client.send("GET /" + "a".repeat(300) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(414);
        }
        try (RawHttpClient client = new RawHttpClient(proxy().port("strict"))) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nx-big: " + "b".repeat(2000) + "\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(431);
        }
        try (RawHttpClient client = new RawHttpClient(proxy().port("strict"))) {
            final StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 20; i++) {
                many.append("x-h").append(i).append(": v\r\n");
            }
            client.send(many.append("\r\n").toString());
            assertThat(client.readResponse().status()).isEqualTo(431);
        }
        try (RawHttpClient client = new RawHttpClient(proxy().port("strict"))) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(413);
        }
        try (RawHttpClient client = new RawHttpClient(proxy().port("strict"))) {
            client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "z".repeat(1000));
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    default void closesASlowlorisClientAfterTheHeaderTimeout() throws Exception {
        try (RawHttpClient client = new RawHttpClient(proxy().port("strict"))) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nx-slow: ");
            final RawResponse r = client.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
    }

    @Test
    default void closesAnIdleConnection() throws Exception {
        try (RawHttpClient client = new RawHttpClient(proxy().port("strict"))) {
            assertThat(client.get("/hello", "x").status()).isEqualTo(200);
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
    }

}
