package io.strait.core.server;

import io.netty.handler.codec.http2.Http2Error;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP/2 defences over 127.0.0.1, each against a client that breaks the rule and each with its counter: rapid
 * reset (CVE-2023-44487) while another client is served, max_concurrent_streams, the header list size limit, the
 * HPACK table limits both ways, CONTINUATION and empty-DATA floods, PING and SETTINGS floods from a client that does
 * not read, keep-alive PINGs, and the idle timeout. Every test fails without its defence: the client would be served
 * (or hang) instead of being refused or cut off.
 */
class Http2DefencesIntegrationTest {

    private static final int MAX_RESETS = 100;

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: guarded
            address: 127.0.0.1:0
            # A control-frame flood fills the kernel's buffers before any frame queues in the proxy: on a loaded
            # machine that took over a minute, and the idle (no stream open) or send timeout closed it first.
            timeouts: { idle: 10m, send: 10m }
            http2:
              max_concurrent_streams: 4
              max_header_list_size: 2KiB
              hpack_table_size: 4096
              max_resets_per_interval: %d
              reset_interval: 30s
              max_outbound_control_frames: 100
              max_continuation_frames: 8
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: keepalive
            address: 127.0.0.1:0
            http2: { keepalive_interval: 200ms, keepalive_timeout: 300ms }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
          - name: idle
            address: 127.0.0.1:0
            codec: http2
            timeouts: { idle: 300ms }
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: up } ] } ]
        clusters:
          - name: up
            endpoints: [ { address: 127.0.0.1:${upstream:up} } ]
        """.formatted(MAX_RESETS)).upstreams("up");

    private static long stat(final HttpStat s) {
        return proxy.stat("guarded", s);
    }

    private static int port() {
        return proxy.port("guarded");
    }

    @Test
    void aRapidResetClientGetsGoAwayWhileAnotherClientIsServed() throws Exception {
        final long tooMany = stat(HttpStat.HTTP2_TOO_MANY_RESETS);
        final long goAways = stat(HttpStat.HTTP2_GOAWAY_SENT);
        final int attackers = 5;
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try (H2Client good = H2Client.h2c(port())) {
            // The attack runs on its own thread, one attacking connection after another, while the good client
            // sends its requests; each attacking connection must end in GOAWAY ENHANCE_YOUR_CALM. Each attacker
            // sends exactly one pair more than the limit and then only reads: had it gone on writing, the server's
            // close would meet unread bytes and reset the connection, and the kernel could drop the GOAWAY unread.
            final Future<List<Long>> attack = pool.submit(() -> {
                final List<Long> codes = new ArrayList<>();
                for (int i = 0; i < attackers; i++) {
                    try (H2Client bad = H2Client.h2c(port())) {
                        bad.rapidReset(MAX_RESETS + 1);
                        bad.awaitClosed();
                        codes.add(bad.goAwayError());
                    }
                }
                return codes;
            });
            int served = 0;
            while (!attack.isDone() || served < 50) {
                final List<CompletableFuture<H2Client.Response>> batch = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    batch.add(good.send("GET", "/during-attack", null, null, null, false));
                }
                for (final CompletableFuture<H2Client.Response> f : batch) {
                    assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
                    served++;
                }
                if (served > 5000) {
                    break;
                }
            }
            assertThat(attack.get(30, TimeUnit.SECONDS)).as("GOAWAY error code of each attacking connection")
                .containsOnly(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(good.isOpen()).isTrue();
            assertThat(good.get("/after-attack").status()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
        assertThat(stat(HttpStat.HTTP2_TOO_MANY_RESETS)).isEqualTo(tooMany + attackers);
        assertThat(stat(HttpStat.HTTP2_GOAWAY_SENT)).isGreaterThanOrEqualTo(goAways + attackers);
        assertThat(stat(HttpStat.HTTP2_RX_RESET)).isGreaterThanOrEqualTo((long) attackers * MAX_RESETS);
        await().untilAsserted(() -> assertThat(stat(HttpStat.DOWNSTREAM_RQ_ACTIVE)).isZero());
    }

    @Test
    void streamsOverMaxConcurrentStreamsAreRefused() throws Exception {
        final long refused = stat(HttpStat.HTTP2_STREAM_REFUSED_ERRORS);
        try (RawH2 raw = new RawH2(port()).handshake()) {
            for (int id = 1; id <= 11; id += 2) {
                raw.get(id, "/delay/300", true);   // six streams at once, four allowed
            }
            await().untilAsserted(() -> {
                int ok = 0;
                int refusedNow = 0;
                for (int id = 1; id <= 11; id += 2) {
                    if (Integer.valueOf(200).equals(raw.status(id))) {
                        ok++;
                    }
                    if (Long.valueOf(Http2Error.REFUSED_STREAM.code()).equals(raw.reset(id))) {
                        refusedNow++;
                    }
                }
                assertThat(ok).isEqualTo(4);
                assertThat(refusedNow).isEqualTo(2);
            });
        }
        assertThat(stat(HttpStat.HTTP2_STREAM_REFUSED_ERRORS)).isEqualTo(refused + 2);
    }

    @Test
    void aHeaderListOverTheLimitIsRefusedWith431AndTheConnectionGoesOn() throws Exception {
        final long overflow = stat(HttpStat.HTTP2_HEADER_OVERFLOW);
        try (RawH2 raw = new RawH2(port()).handshake()) {
            raw.get(1, "/big-headers", true, "x-big", "v".repeat(2200));
            raw.get(3, "/small-headers", true);
            await().untilAsserted(() -> {
                assertThat(raw.status(1)).isEqualTo(431);
                assertThat(raw.status(3)).isEqualTo(200);
            });
            assertThat(raw.goAway()).isEqualTo(-1);
        }
        assertThat(stat(HttpStat.HTTP2_HEADER_OVERFLOW)).isEqualTo(overflow + 1);
        assertThat(proxy.upstream("up").requests().stream().noneMatch(r -> r.uri().equals("/big-headers"))).isTrue();
    }

    @Test
    void theEncoderTableStaysWithinTheCapWhateverTheClientAnnounces() throws Exception {
        final long capped = stat(HttpStat.HTTP2_HPACK_TABLE_CAPPED);
        try (RawH2 raw = new RawH2(port()).handshake()) {
            // SETTINGS_HEADER_TABLE_SIZE = 1 GiB: an uncapped encoder would announce (and may fill) a table that big;
            // the test's decoder, like a careful client, accepts at most 4096 and would fail on anything larger.
            raw.frame(RawH2.SETTINGS, 0, 0, new byte[] {0, 1, 0x40, 0, 0, 0});
            raw.get(1, "/table", true);
            await().untilAsserted(() -> assertThat(raw.status(1)).isEqualTo(200));
        }
        assertThat(stat(HttpStat.HTTP2_HPACK_TABLE_CAPPED)).isEqualTo(capped + 1);
    }

    @Test
    void aDynamicTableUpdateOverOurTableSizeIsACompressionError() throws Exception {
        final long errors = stat(HttpStat.HTTP2_RX_MESSAGING_ERROR);
        try (RawH2 raw = new RawH2(port()).handshake()) {
            final ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(0x3f);                // dynamic table size update, 5-bit prefix full
            b.write(0xe1);                // 8192 - 31 = 8161 = 0x1fe1: 0xe1, 0x3f
            b.write(0x3f);
            b.writeBytes(RawH2.block("/too-big-table"));
            raw.frame(RawH2.HEADERS, RawH2.END_HEADERS | RawH2.END_STREAM, 1, b.toByteArray());
            assertThat(raw.awaitClosed(10)).isTrue();
            assertThat(raw.goAway()).isEqualTo(Http2Error.COMPRESSION_ERROR.code());
        }
        assertThat(stat(HttpStat.HTTP2_RX_MESSAGING_ERROR)).isEqualTo(errors + 1);
    }

    @Test
    void aContinuationFloodClosesTheConnection() throws Exception {
        final long floods = stat(HttpStat.HTTP2_CONTINUATION_FLOOD);
        try (RawH2 raw = new RawH2(port()).handshake()) {
            final byte[] block = RawH2.block("/continued");
            raw.frame(RawH2.HEADERS, RawH2.END_STREAM, 1, java.util.Arrays.copyOf(block, 4));
            final int sent = raw.flood(RawH2.CONTINUATION, 0, 1, new byte[0], 100_000);
            assertThat(raw.awaitClosed(10)).isTrue();
            assertThat(raw.goAway()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
            assertThat(sent).isPositive();
        }
        assertThat(stat(HttpStat.HTTP2_CONTINUATION_FLOOD)).isEqualTo(floods + 1);
    }

    @Test
    void anEmptyDataFloodClosesTheConnection() throws Exception {
        final long floods = stat(HttpStat.HTTP2_INBOUND_EMPTY_FRAMES_FLOOD);
        try (RawH2 raw = new RawH2(port()).handshake()) {
            raw.get(1, "/sink", false);
            raw.flood(RawH2.DATA, 0, 1, new byte[0], 100_000);
            assertThat(raw.awaitClosed(10)).isTrue();
            assertThat(raw.goAway()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
        }
        assertThat(stat(HttpStat.HTTP2_INBOUND_EMPTY_FRAMES_FLOOD)).isEqualTo(floods + 1);
    }

    @Test
    void aPingFloodFromAClientThatDoesNotReadIsCutOff() throws Exception {
        controlFlood(RawH2.PING, new byte[8]);
    }

    @Test
    void aSettingsFloodFromAClientThatDoesNotReadIsCutOff() throws Exception {
        controlFlood(RawH2.SETTINGS, new byte[0]);
    }

    /**
     * Each PING and SETTINGS asks for an acknowledgement; a client that never reads makes them pile up in the
     * server. Past max_outbound_control_frames queued the connection is closed, so the flood stops being accepted.
     */
    private void controlFlood(final int type, final byte[] payload) throws Exception {
        final long floods = stat(HttpStat.HTTP2_OUTBOUND_CONTROL_FLOOD);
        try (RawH2 raw = new RawH2(port(), false, 4096)) {
            final int sent = raw.flood(type, 0, 0, payload, 2_000_000);
            assertThat(sent).as("the server stopped taking the flood").isLessThan(2_000_000);
        }
        await().untilAsserted(() ->
            assertThat(stat(HttpStat.HTTP2_OUTBOUND_CONTROL_FLOOD)).isEqualTo(floods + 1));
    }

    @Test
    void aClientThatDoesNotAnswerKeepAlivePingsIsClosedOneThatDoesStaysOpen() throws Exception {
        final long timeouts = proxy.stat("keepalive", HttpStat.HTTP2_KEEPALIVE_TIMEOUT);
        try (H2Client answering = H2Client.h2c(proxy.port("keepalive"));
             RawH2 silent = new RawH2(proxy.port("keepalive")).handshake()) {
            // RawH2 reads every frame and acknowledges no PING; Netty's client acknowledges each one.
            assertThat(silent.awaitClosed(10)).isTrue();
            await().untilAsserted(() -> assertThat(answering.pingsRead()).isGreaterThanOrEqualTo(3));
            assertThat(answering.isOpen()).isTrue();
            assertThat(answering.get("/after-pings").status()).isEqualTo(200);
        }
        assertThat(proxy.stat("keepalive", HttpStat.HTTP2_KEEPALIVE_TIMEOUT)).isEqualTo(timeouts + 1);
    }

    @Test
    void anIdleConnectionIsClosedWithGoAway() throws Exception {
        final long idle = proxy.stat("idle", HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT);
        try (RawH2 raw = new RawH2(proxy.port("idle")).handshake()) {
            raw.get(1, "/before-idle", true);
            await().untilAsserted(() -> assertThat(raw.status(1)).isEqualTo(200));
            assertThat(raw.awaitClosed(10)).isTrue();
            assertThat(raw.goAway()).isEqualTo(Http2Error.NO_ERROR.code());
        }
        assertThat(proxy.stat("idle", HttpStat.DOWNSTREAM_CX_IDLE_TIMEOUT)).isEqualTo(idle + 1);
    }
}
