package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strait.core.stats.ListenerStat;
import io.strait.core.testing.ProxyExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code timeouts.send} on an HTTP/2 connection (the handler sits before any codec): a client that opens its flow
 * control windows wide, asks for a large body and never reads is reset after the timeout and counted, while another
 * HTTP/2 client is served.
 */
class Http2SendTimeoutIntegrationTest {

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 1, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            limits: { connection_buffer: 256KiB }
            timeouts: { send: 500ms }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters:
          - { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] }
        """).upstreams("up");

    /** SETTINGS_INITIAL_WINDOW_SIZE (0x4) = 2^31 - 1: the stream may take all the proxy has. */
    private static final byte[] WIDE_STREAM_WINDOW = {0, 4, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    /** A connection WINDOW_UPDATE to 2^31 - 1 from the initial 65535. */
    private static final byte[] WIDE_CONNECTION_WINDOW = {0x7f, (byte) 0xff, 0, 0};
    private static final int WINDOW_UPDATE = 0x8;

    private static long sendTimeouts() {
        return proxy.server().stats().scope("listener.main.", ListenerStat.class)
            .value(ListenerStat.DOWNSTREAM_CX_SEND_TIMEOUT);
    }

    @Test
    void anHttp2ClientThatStopsReadingIsResetWhileAnotherIsServed() throws Exception {
        try (RawH2 stalled = new RawH2(proxy.port("main"), false, 4096)) {
            stalled.frame(RawH2.SETTINGS, 0, 0, WIDE_STREAM_WINDOW);
            stalled.frame(WINDOW_UPDATE, 0, 0, WIDE_CONNECTION_WINDOW);
            stalled.get(1, "/bytes/67108864", true);
            try (H2Client other = H2Client.h2c(proxy.port("main"))) {
                assertThat(other.get("/hello").status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> sendTimeouts() == 1);
        }
    }
}
