package io.strait.core.server;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.StraitConfig;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import io.strait.core.testing.TestUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Hot restart in one JVM: two {@link ProxyServer}s on the same port, the listening sockets passed from the first to
 * the second over a {@link HotRestartServer} / {@link HotRestartClient} pair (real SCM_RIGHTS on a real Unix socket),
 * the first draining while the second serves. The launcher's use of it, across processes and under load, is
 * {@code TakeoverIntegrationTest} in the server module.
 */
class HotRestartIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private TestUpstream upstream;
    private int port;
    private Path socket;

    @BeforeEach
    void start() throws IOException {
        upstream = new TestUpstream("up").start();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        socket = dir.resolve("hr.sock");
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void aNewServerServesOnTheOldOnesSocketsWhileTheOldDrains() throws Exception {
        final ProxyServer old = ProxyServer.start(config(2, "main"));
        ProxyServer next = null;
        try (HotRestartServer control = HotRestartServer.start(socket, old);
             RawHttpClient keepAlive = new RawHttpClient(port, WAIT)) {
            assertThat(keepAlive.get("/", "hr.test").status()).isEqualTo(200);
            assertThat(Files.exists(socket)).isTrue();

            final InheritedSockets inherited;
            try (HotRestartClient client = HotRestartClient.connect(socket, WAIT)) {
                inherited = client.receiveListeningSockets();
                assertThat(client.peerPid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(inherited.remaining()).extracting(ListeningSocket::listener).containsExactly("main", "main");
                assertThat(inherited.remaining()).extracting(s -> s.address().getPort()).containsOnly(port);

                // Three loops on two received sockets: the third binds into the same SO_REUSEPORT group.
                next = ProxyServer.start(config(3, "main"), inherited);
                assertThat(inherited.isEmpty()).as("both sockets served by the new server").isTrue();
                assertThat(next.boundAddress("main").getPort()).isEqualTo(port);
                assertThat(next.listeningSockets()).hasSize(3);

                final CompletableFuture<Void> drained = drainWhenAsked(old, control);
                client.requestDrain();
                assertThat(Files.exists(socket)).as("the old server removed its control socket before saying so")
                    .isFalse();

                // The old server acknowledges before it starts to drain: a request in between is served as usual.
                // Once it drains, its response says close (the handler reads the server's draining flag).
                await().atMost(WAIT).until(old::isDraining);
                final RawResponse last = keepAlive.get("/", "hr.test");
                assertThat(last.status()).as("the old server's keep-alive connection is served once more")
                    .isEqualTo(200);
                assertThat(last.header("connection")).isEqualToIgnoringCase("close");
                drained.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }

            final long before = rq(next);
            for (int i = 0; i < 40; i++) {
                try (RawHttpClient c = new RawHttpClient(port, WAIT)) {
                    final RawResponse r = c.get("/", "hr.test");
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.bodyAsString()).isEqualTo("hello from up\n");
                }
            }
            assertThat(rq(next) - before).as("every new connection served by the new server").isEqualTo(40);

            // The new server can be taken over in turn, at the same path.
            try (HotRestartServer again = HotRestartServer.start(socket, next);
                 HotRestartClient client = HotRestartClient.connect(socket, WAIT);
                 InheritedSockets sockets = client.receiveListeningSockets()) {
                assertThat(sockets.size()).isEqualTo(3);
                assertThat(again.path()).isEqualTo(socket);
            }
        } finally {
            old.close();
            if (next != null) {
                next.close();
            }
        }
    }

    @Test
    void socketsNoListenerTakesAreLeftToTheCallerAndTheOldServerKeepsServing() throws Exception {
        final ProxyServer old = ProxyServer.start(config(2, "main"));
        try (HotRestartServer control = HotRestartServer.start(socket, old);
             HotRestartClient client = HotRestartClient.connect(socket, WAIT);
             InheritedSockets inherited = client.receiveListeningSockets()) {
            final int otherPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                otherPort = s.getLocalPort();
            }
            final ProxyServer other = ProxyServer.start(config(2, "other", otherPort), inherited);
            try {
                assertThat(inherited.remaining()).hasSize(2);
                assertThat(other.boundAddress("other").getPort()).isEqualTo(otherPort);
            } finally {
                other.close();
            }
            assertThat(control.drainRequested()).as("never asked to drain").isNotDone();
        }
        try (RawHttpClient c = new RawHttpClient(port, WAIT)) {
            assertThat(c.get("/", "hr.test").status()).as("the old server still serves").isEqualTo(200);
        } finally {
            old.close();
        }
    }

    @Test
    void nothingToTakeOverIsAClearError() throws Exception {
        assertThatThrownBy(() -> HotRestartClient.connect(socket, WAIT))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("no Strait to take over: the hot restart socket " + socket + " does not exist");

        // A socket file whose process is gone (the JDK leaves the file when its server socket closes).
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(Files.exists(socket)).isTrue();
        assertThatThrownBy(() -> HotRestartClient.connect(socket, WAIT))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("nothing accepts on the hot restart socket " + socket);
    }

    @Test
    void aStaleSocketIsReplacedAndALiveOneIsNot() throws Exception {
        try (ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            gone.bind(UnixDomainSocketAddress.of(socket));
        }
        final ProxyServer server = ProxyServer.start(config(1, "main"));
        try (HotRestartServer control = HotRestartServer.start(socket, server)) {
            assertThat(Files.getPosixFilePermissions(socket)).extracting(Object::toString)
                .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
            assertThatThrownBy(() -> HotRestartServer.start(socket, server))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is in use by a running Strait");
            assertThat(control.drainRequested()).isNotDone();
        } finally {
            server.close();
        }
        assertThat(Files.exists(socket)).as("removed on close").isFalse();
    }

    @Test
    void aSecondClientIsToldTheServerIsBusy() throws Exception {
        final ProxyServer server = ProxyServer.start(config(1, "main"));
        try (HotRestartServer control = HotRestartServer.start(socket, server);
             HotRestartClient first = HotRestartClient.connect(socket, WAIT);
             InheritedSockets sockets = first.receiveListeningSockets();
             HotRestartClient second = HotRestartClient.connect(socket, WAIT)) {
            assertThat(sockets.size()).isEqualTo(1);
            assertThatThrownBy(second::receiveListeningSockets)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused the takeover: busy");
        } finally {
            server.close();
        }
    }

    /** What the launcher does when taken over: stop accepting, free the path, acknowledge, drain. */
    private static CompletableFuture<Void> drainWhenAsked(final ProxyServer old, final HotRestartServer control) {
        return control.drainRequested().thenAcceptAsync(request -> {
            try {
                old.stopAccepting();
                control.stopListening();
                request.acknowledge();
                old.drainAndClose(WAIT);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static long rq(final ProxyServer server) {
        return server.snapshot().listener("main").stats().value(HttpStat.DOWNSTREAM_RQ_TOTAL);
    }

    private StraitConfig config(final int loops, final String listener) {
        return config(loops, listener, port);
    }

    private StraitConfig config(final int loops, final String listener, final int listenerPort) {
        final ConfigResult r = ConfigLoader.parse("""
            runtime: { event_loops: %d, transport: epoll, drain_timeout: 5s }
            listeners:
              - name: %s
                address: 127.0.0.1:%d
                virtual_hosts:
                  - domains: [ "*" ]
                    routes: [ { match: { prefix: / }, cluster: up } ]
            clusters:
              - { name: up, endpoints: [ { address: 127.0.0.1:%d } ] }
            """.formatted(loops, listener, listenerPort, upstream.port()), "hot-restart-test.yaml");
        assertThat(r.errors()).isEmpty();
        return r.config();
    }
}
