package io.strait.core.server;

import io.strait.core.stats.ListenerStat;
import io.strait.core.stats.StatsScope;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end on epoll with two event loops: over a listener's {@code max_connections}, or over the global
 * {@code runtime.max_connections}, a new connection is closed at once and counted, the connections already open keep
 * being served, and a slot comes back when a connection closes.
 */
class ConnectionCapIntegrationTest {

    /** Long enough never to pass on a loaded machine; a connection closed at once is seen well before. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

    /** On an instance field: a proxy of its own for each test, so every test starts with all slots free. */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll, max_connections: 5 }
        listeners:
          - name: capped
            address: 127.0.0.1:0
            max_connections: 3
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: u } ] } ]
          - name: open
            address: 127.0.0.1:0
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: u } ] } ]
        clusters:
          - { name: u, endpoints: [ { address: 127.0.0.1:${upstream:u} } ] }
        """).upstreams("u");

    private final List<RawHttpClient> clients = new ArrayList<>();
    private ProxyServer server;

    @BeforeEach
    void start() {
        server = proxy.server();
    }

    @AfterEach
    void stop() throws Exception {
        for (final RawHttpClient c : clients) {
            c.close();
        }
    }

    private RawHttpClient connect(final String listener) throws Exception {
        final RawHttpClient c = new RawHttpClient(proxy.port(listener));
        clients.add(c);
        return c;
    }

    private static void served(final RawHttpClient c) throws Exception {
        assertThat(c.get("/", "x").status()).isEqualTo(200);
    }

    private StatsScope<ListenerStat> listenerStats(final String listener) {
        return server.stats().scope("listener." + listener + ".", ListenerStat.class);
    }

    @Test
    void overTheListenerCapANewConnectionIsClosedAtOnceWhileOpenOnesAreServed() throws Exception {
        final List<RawHttpClient> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final RawHttpClient c = connect("capped");
            served(c);
            held.add(c);
        }
        final RawHttpClient over = connect("capped");
        assertThat(over.isClosedByPeer(CLOSE_BOUND)).as("the fourth connection is closed at once").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(
            () -> listenerStats("capped").value(ListenerStat.DOWNSTREAM_CX_OVERFLOW) == 1);
        assertThat(listenerStats("capped").value(ListenerStat.DOWNSTREAM_GLOBAL_CX_OVERFLOW)).isZero();
        for (final RawHttpClient c : held) {
            served(c);
        }
        assertThat(server.connectionLimit("capped").active()).isEqualTo(3);

        // A closed connection gives its slot back: the next one is served.
        held.get(0).close();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionLimit("capped").active() == 2);
        served(connect("capped"));
        assertThat(listenerStats("capped").value(ListenerStat.DOWNSTREAM_CX_OVERFLOW)).isEqualTo(1);
    }

    @Test
    void overTheGlobalCapANewConnectionIsClosedAtOnceOnAnyListener() throws Exception {
        final List<RawHttpClient> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            final RawHttpClient c = connect("capped");
            served(c);
            held.add(c);
        }
        for (int i = 0; i < 2; i++) {
            final RawHttpClient c = connect("open");
            served(c);
            held.add(c);
        }
        assertThat(server.globalConnectionLimit().active()).isEqualTo(5);
        final RawHttpClient over = connect("open");
        assertThat(over.isClosedByPeer(CLOSE_BOUND)).as("the sixth connection in all is closed at once").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(
            () -> listenerStats("open").value(ListenerStat.DOWNSTREAM_GLOBAL_CX_OVERFLOW) == 1);
        assertThat(listenerStats("open").value(ListenerStat.DOWNSTREAM_CX_OVERFLOW)).isZero();
        assertThat(server.connectionLimit("open").active()).as("a refused connection holds no slot").isEqualTo(2);
        for (final RawHttpClient c : held) {
            served(c);
        }
        for (final RawHttpClient c : held) {
            c.close();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> server.globalConnectionLimit().active() == 0);
        assertThat(server.connectionLimit("capped").active()).isZero();
    }
}
