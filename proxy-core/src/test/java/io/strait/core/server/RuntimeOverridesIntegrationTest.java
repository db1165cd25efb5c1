package io.strait.core.server;

import io.strait.core.config.ConfigLoader;
import io.strait.core.stats.ListenerStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runtime overrides ({@link ProxyServer#modifyRuntime}, the admin's {@code /runtime_modify}) over loopback: the global
 * connection cap and a cluster's breaker limits change on a running server, stay across a reload, and go back to the
 * configured values when removed; a bad key or value changes nothing.
 */
class RuntimeOverridesIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes: [ { match: { prefix: / }, cluster: up } ]
        clusters:
          - { name: up, endpoints: [ { address: 127.0.0.1:${upstream:up} } ] }
        """).upstreams("up");

    private static final String BREAKER = "circuit_breakers.up.max_requests";
    private static final String GLOBAL = "overload.global_downstream_max_connections";

    @Test
    void aBreakerLimitChangesLiveSurvivesAReloadAndComesBackWhenRemoved() throws Exception {
        assertThat(proxy.server().runtime().get(BREAKER)).isEqualTo(new ProxyServer.RuntimeValue(1024, false));
        assertThat(proxy.server().modifyRuntime(Map.of(BREAKER, "1"))).isEmpty();
        assertThat(proxy.server().runtime().get(BREAKER)).isEqualTo(new ProxyServer.RuntimeValue(1, true));
        assertSecondRequestOverflows(true);

        // A reload (the cluster made anew: its config changed) keeps the override.
        final String changed = proxy.yaml().replace("{ name: up, endpoints:", "{ name: up, connect_timeout: 2s, "
            + "endpoints:");
        assertThat(proxy.server().reload(ConfigLoader.parse(changed, "r.yaml").config()).ok()).isTrue();
        assertThat(proxy.server().runtime().get(BREAKER)).isEqualTo(new ProxyServer.RuntimeValue(1, true));
        assertSecondRequestOverflows(true);

        assertThat(proxy.server().modifyRuntime(Map.of(BREAKER, ""))).isEmpty();
        assertThat(proxy.server().runtime().get(BREAKER)).isEqualTo(new ProxyServer.RuntimeValue(1024, false));
        assertSecondRequestOverflows(false);
    }

    /** Holds one slow request and sends a second: answered 503 at once when the limit is 1. */
    private void assertSecondRequestOverflows(final boolean overflows) throws Exception {
        try (RawHttpClient slow = new RawHttpClient(proxy.port("main"), WAIT);
             RawHttpClient second = new RawHttpClient(proxy.port("main"), WAIT)) {
            final int before = proxy.upstream("up").requestCount();
            slow.send(RawHttpClient.request("GET", "/delay/400", "x"));
            await().atMost(WAIT).until(() -> proxy.upstream("up").requestCount() == before + 1);
            final RawResponse r = second.get("/now", "x");
            if (overflows) {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.header("x-strait-error")).isEqualTo("upstream_rq_overflow");
            } else {
                assertThat(r.status()).isEqualTo(200);
            }
            assertThat(slow.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void theGlobalConnectionCapChangesLive() throws Exception {
        final long overflowBefore = overflows();
        assertThat(proxy.server().modifyRuntime(Map.of(GLOBAL, "1"))).isEmpty();
        try (RawHttpClient first = new RawHttpClient(proxy.port("main"), WAIT)) {
            assertThat(first.get("/a", "x").status()).isEqualTo(200);
            try (RawHttpClient second = new RawHttpClient(proxy.port("main"), WAIT)) {
                assertThat(second.isClosedByPeer(WAIT)).as("over the overridden cap: closed at once").isTrue();
            }
            await().atMost(WAIT).until(() -> overflows() == overflowBefore + 1);
            assertThat(proxy.server().modifyRuntime(Map.of(GLOBAL, ""))).isEmpty();
            try (RawHttpClient third = new RawHttpClient(proxy.port("main"), WAIT)) {
                assertThat(third.get("/b", "x").status()).isEqualTo(200);
            }
        }
    }

    private long overflows() {
        return proxy.server().stats().scope("listener.main.", ListenerStat.class)
            .value(ListenerStat.DOWNSTREAM_GLOBAL_CX_OVERFLOW);
    }

    @Test
    void aBadKeyOrValueChangesNothing() {
        assertThat(proxy.server().modifyRuntime(Map.of(BREAKER, "2", "circuit_breakers.nowhere.max_requests", "3")))
            .singleElement().asString().contains("no cluster named nowhere");
        assertThat(proxy.server().modifyRuntime(Map.of(BREAKER, "zero"))).singleElement().asString()
            .contains("not a whole number");
        assertThat(proxy.server().modifyRuntime(Map.of(BREAKER, "0"))).singleElement().asString()
            .contains("not in 1..");
        assertThat(proxy.server().modifyRuntime(Map.of("upstream.magic", "1"))).singleElement().asString()
            .contains("unknown runtime key");
        assertThat(proxy.server().runtime().get(BREAKER)).isEqualTo(new ProxyServer.RuntimeValue(1024, false));
    }
}
