package io.strait.admin;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each bound on hostile input, and the bearer token, over loopback sockets. */
class AdminBoundsIntegrationTest {

    private final FakeTarget target = new FakeTarget();
    private AdminServer server;

    private AdminServer start(final String token, final int maxConnections, final int maxHead, final int maxBody,
                              final Duration idle) throws Exception {
        server = AdminServer.start(new AdminOptions(new InetSocketAddress("127.0.0.1", 0), token, maxConnections,
            maxHead, maxBody, idle, Duration.ofSeconds(1), Clock.systemUTC()), target);
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void overLongRequestLineIs414AndClosed() throws Exception {
        start(null, 8, 1024, 1024, Duration.ofSeconds(60));
        try (RawConnection c = new RawConnection(server.localAddress())) {
            final String answer = c.send("GET /stats?filter=" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .readToEnd();
            assertThat(answer).startsWith("HTTP/1.1 414 ").contains("connection: close", "bad request: ");
        }
    }

    @Test
    void overLongHeadersAre431AndClosed() throws Exception {
        start(null, 8, 1024, 1024, Duration.ofSeconds(60));
        try (RawConnection c = new RawConnection(server.localAddress())) {
            final String answer = c.send("GET /stats HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(2000) + "\r\n\r\n")
                .readToEnd();
            assertThat(answer).startsWith("HTTP/1.1 431 ").contains("connection: close");
        }
    }

    @Test
    void declaredOverLongBodyIs413WithTheReason() throws Exception {
        start(null, 8, 1024, 64 * 1024, Duration.ofSeconds(60));
        try (RawConnection c = new RawConnection(server.localAddress())) {
            final String answer = c.send("POST /runtime_modify HTTP/1.1\r\nHost: x\r\nContent-Type: "
                + "application/x-www-form-urlencoded\r\nContent-Length: 70000\r\n\r\n").readToEnd();
            assertThat(answer).startsWith("HTTP/1.1 413 ").endsWith("request body over 65536 bytes\n");
        }
        assertThat(target.runtime()).doesNotContainKey("a");
    }

    @Test
    void streamedOverLongBodyIs413() throws Exception {
        start(null, 8, 1024, 100, Duration.ofSeconds(60));
        try (RawConnection c = new RawConnection(server.localAddress())) {
            final String chunk = "a=" + "1".repeat(78);
            final String answer = c.send("POST /runtime_modify HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
                + "50\r\n" + chunk + "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n").readToEnd();
            assertThat(answer).startsWith("HTTP/1.1 413 ").endsWith("request body over 100 bytes\n");
        }
        assertThat(target.runtime()).doesNotContainKey("a");
    }

    @Test
    void bodyWithinTheLimitIsRead() throws Exception {
        start(null, 8, 1024, 100, Duration.ofSeconds(60));
        final HttpResponse<String> r = new AdminClient(server.localAddress()).postForm("/runtime_modify", "a=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(target.runtime()).containsEntry("a", "1");
    }

    @Test
    void idleConnectionIsClosed() throws Exception {
        start(null, 8, 1024, 1024, Duration.ofMillis(200));
        try (RawConnection c = new RawConnection(server.localAddress())) {
            assertThat(c.send("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200 ");
            // Nothing more is sent: the server closes the connection once it has been idle for the timeout.
            assertThat(c.read()).isEqualTo(-1);
        }
    }

    @Test
    void connectionsOverTheCapAre503AndClosed() throws Exception {
        start(null, 2, 1024, 1024, Duration.ofSeconds(60));
        final List<RawConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                final RawConnection c = new RawConnection(server.localAddress());
                open.add(c);
                assertThat(c.send("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).startsWith("HTTP/1.1 200");
            }
            try (RawConnection third = new RawConnection(server.localAddress())) {
                assertThat(third.readToEnd()).startsWith("HTTP/1.1 503 ")
                    .endsWith("too many admin connections (at most 2)\n");
            }
            open.remove(0).close();
            while (server.openConnections() > 1) {
                Thread.onSpinWait();
            }
            try (RawConnection again = new RawConnection(server.localAddress())) {
                assertThat(again.send("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .startsWith("HTTP/1.1 200");
            }
        } finally {
            for (final RawConnection c : open) {
                c.close();
            }
        }
    }

    @Test
    void malformedRequestIs400() throws Exception {
        start(null, 8, 1024, 1024, Duration.ofSeconds(60));
        try (RawConnection c = new RawConnection(server.localAddress())) {
            assertThat(c.send("GET /stats?filter=%zz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                .startsWith("HTTP/1.1 400 ");
        }
    }

    @Test
    void tokenIsRequiredOnEveryEndpoint() throws Exception {
        start("s3cret-token", 8, 4096, 1024, Duration.ofSeconds(60));
        final AdminClient none = new AdminClient(server.localAddress());
        final AdminClient wrong = new AdminClient(server.localAddress(), "s3cret-tokeN");
        final AdminClient right = new AdminClient(server.localAddress(), "s3cret-token");
        // The dashboard page has no data and a browser cannot send the header on a page load: it loads without one.
        assertThat(none.get("/").statusCode()).isEqualTo(200);
        for (final String path : List.of("/?x=1", "/help", "/stats", "/stats/prometheus", "/clusters", "/listeners",
            "/config_dump", "/certs", "/server_info", "/ready", "/runtime", "/nope")) {
            final HttpResponse<String> r = none.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("www-authenticate")).as(path).hasValue("Bearer realm=\"strait-admin\"");
            assertThat(wrong.get(path).statusCode()).as(path).isEqualTo(401);
            assertThat(right.get(path).statusCode()).as(path).isEqualTo(path.equals("/nope") ? 404 : 200);
        }
        for (final String path : List.of("/healthcheck/fail", "/drain_listeners", "/reload", "/reset_counters",
            "/reopen_logs", "/quitquitquit", "/logging?level=info", "/runtime_modify?a=1")) {
            assertThat(none.post(path).statusCode()).as(path).isEqualTo(401);
            assertThat(wrong.post(path).statusCode()).as(path).isEqualTo(401);
        }
        assertThat(target.calls).isEmpty();
        assertThat(right.post("/reopen_logs").statusCode()).isEqualTo(200);
        assertThat(target.calls).containsExactly("reopen");
    }
}
