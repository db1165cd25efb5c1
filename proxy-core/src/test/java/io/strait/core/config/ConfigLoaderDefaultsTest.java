package io.strait.core.config;

import io.strait.lb.LbPolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigLoaderDefaultsTest {

    static final String MINIMAL = """
        listeners:
          - name: l
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - match: { prefix: / }
                    cluster: c
        clusters:
          - name: c
            endpoints: [ { address: 127.0.0.1:8080 } ]
        """;

    static StraitConfig valid(final String yaml) {
        final ConfigResult r = ConfigLoader.parse(yaml, "t.yaml");
        assertThat(r.errors()).extracting(ConfigError::format).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.config()).isNotNull();
        return r.config();
    }

    @Test
    void minimalConfigGetsEveryDefault() {
        final StraitConfig c = valid(MINIMAL);
        assertThat(c.admin()).isNull();
        assertThat(c.runtime()).isEqualTo(new RuntimeConfig(0, Transport.AUTO, Duration.ofSeconds(10)));

        final ListenerConfig l = c.listeners().get(0);
        assertThat(l.name()).isEqualTo("l");
        assertThat(l.address()).isEqualTo(new HostPort("127.0.0.1", 0));
        assertThat(l.protocol()).isEqualTo(ListenerProtocol.HTTP);
        assertThat(l.cluster()).isNull();
        assertThat(l.limits()).isEqualTo(new LimitsConfig(8192, 65536, 100, -1L));
        assertThat(l.timeouts()).isEqualTo(new ListenerTimeoutsConfig(Duration.ofSeconds(10), Duration.ofSeconds(60)));

        final VirtualHostConfig vh = l.virtualHosts().get(0);
        assertThat(vh.name()).isEqualTo("vh0");
        assertThat(vh.domains()).containsExactly("*");

        final RouteConfig r = vh.routes().get(0);
        assertThat(r.match()).isEqualTo(new RouteMatchConfig("/", null, null, List.of(), List.of()));
        assertThat(r.cluster()).isEqualTo("c");
        assertThat(r.weightedClusters()).isNull();
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(r.prefixRewrite()).isNull();
        assertThat(r.hostRewrite()).isNull();
        assertThat(r.requestHeadersToAdd()).isEmpty();
        assertThat(r.requestHeadersToRemove()).isEmpty();
        assertThat(r.responseHeadersToAdd()).isEmpty();
        assertThat(r.responseHeadersToRemove()).isEmpty();

        final ClusterConfig cl = c.clusters().get(0);
        assertThat(cl.name()).isEqualTo("c");
        assertThat(cl.lb()).isEqualTo(LbPolicy.ROUND_ROBIN);
        assertThat(cl.endpoints()).containsExactly(new EndpointConfig(new HostPort("127.0.0.1", 8080), 1));
        assertThat(cl.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cl.pool()).isEqualTo(new PoolConfig(1024, Duration.ofSeconds(30)));
        assertThat(cl.circuitBreakers()).isEqualTo(new CircuitBreakersConfig(1024, 1024, 1024));
    }

    @Test
    void emptySubObjectsGetDefaultsToo() {
        final StraitConfig c = valid(MINIMAL
            .replace("    address: 127.0.0.1:0\n", "    address: 127.0.0.1:0\n    limits: {}\n    timeouts: {}\n")
            .replace("  - name: c\n", "  - name: c\n    pool: {}\n")
            + "runtime: {}\n");
        assertThat(c.runtime()).isEqualTo(new RuntimeConfig(0, Transport.AUTO, Duration.ofSeconds(10)));
        assertThat(c.listeners().get(0).limits()).isEqualTo(new LimitsConfig(8192, 65536, 100, -1L));
        assertThat(c.listeners().get(0).timeouts())
            .isEqualTo(new ListenerTimeoutsConfig(Duration.ofSeconds(10), Duration.ofSeconds(60)));
        assertThat(c.clusters().get(0).pool()).isEqualTo(new PoolConfig(1024, Duration.ofSeconds(30)));
    }

    @Test
    void everyKeySet() {
        final StraitConfig c = valid("""
            admin: { address: "[::1]:9901" }
            runtime: { event_loops: 4, transport: io_uring, drain_timeout: 1.5s }
            listeners:
              - name: edge.v1
                address: localhost:8443
                protocol: http
                limits: { request_line: 4KiB, headers: 1MB, header_count: 50, body: 10MiB }
                timeouts: { request_headers: 0, idle: 2m }
                virtual_hosts:
                  - name: api
                    domains: [ API.Example.com, "*.api.example.com", "example.com:8443", "[::1]:80" ]
                    routes:
                      - match:
                          regex: "/v[0-9]+/.*"
                          headers:
                            - { name: X-Canary, exact: "1" }
                            - { name: x-b, prefix: ab, invert: true }
                            - { name: x-c, present: false }
                            - { name: x-d, regex: "a+" }
                          methods: [ GET, POST ]
                        weighted_clusters: [ { cluster: a, weight: 1 }, { cluster: b, weight: 9999 } ]
                        timeout: 250ms
                        host_rewrite: backend.internal:8080
                        request_headers_to_add: [ { name: X-Env, value: prod }, { name: x-n, value: 1 } ]
                        request_headers_to_remove: [ X-Internal ]
                        response_headers_to_add: [ { name: server, value: strait } ]
                        response_headers_to_remove: [ x-powered-by ]
                      - match: { path: /exact }
                        cluster: a
                        timeout: 0
                      - match: { prefix: /old/ }
                        prefix_rewrite: /new/
                        cluster: b
                        timeout: 1h
            clusters:
              - name: a
                lb: least_request
                connect_timeout: 100us
                pool: { max_idle: 0, idle_timeout: 0 }
                endpoints: [ { address: "10.0.0.1:1", weight: 0 }, { address: "host-b:65535", weight: 3 } ]
              - name: b
                lb: weighted_round_robin
                endpoints: [ { address: "[2001:db8::1]:80" } ]
              - name: unused
                lb: random
                endpoints: [ { address: 127.0.0.1:9 } ]
            """);
        assertThat(c.admin()).isEqualTo(new AdminConfig(new HostPort("::1", 9901)));
        assertThat(c.admin().address()).hasToString("[::1]:9901");
        assertThat(c.runtime()).isEqualTo(new RuntimeConfig(4, Transport.IO_URING, Duration.ofMillis(1500)));
        final ListenerConfig l = c.listeners().get(0);
        assertThat(l.name()).isEqualTo("edge.v1");
        assertThat(l.address()).isEqualTo(new HostPort("localhost", 8443));
        assertThat(l.limits()).isEqualTo(new LimitsConfig(4096, 1_000_000, 50, 10L << 20));
        assertThat(l.timeouts()).isEqualTo(new ListenerTimeoutsConfig(Duration.ZERO, Duration.ofMinutes(2)));
        final VirtualHostConfig vh = l.virtualHosts().get(0);
        assertThat(vh.name()).isEqualTo("api");
        assertThat(vh.domains()).containsExactly("api.example.com", "*.api.example.com", "example.com:8443",
            "[::1]:80");
        final RouteConfig r0 = vh.routes().get(0);
        assertThat(r0.match()).isEqualTo(new RouteMatchConfig(null, null, "/v[0-9]+/.*", List.of(
            new HeaderMatcherConfig("x-canary", "1", null, null, null, false),
            new HeaderMatcherConfig("x-b", null, "ab", null, null, true),
            new HeaderMatcherConfig("x-c", null, null, false, null, false),
            new HeaderMatcherConfig("x-d", null, null, null, "a+", false)), List.of("GET", "POST")));
        assertThat(r0.cluster()).isNull();
        assertThat(r0.weightedClusters()).containsExactly(new WeightedClusterConfig("a", 1),
            new WeightedClusterConfig("b", 9999));
        assertThat(r0.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(r0.hostRewrite()).isEqualTo("backend.internal:8080");
        assertThat(r0.requestHeadersToAdd()).containsExactly(new HeaderValueConfig("x-env", "prod"),
            new HeaderValueConfig("x-n", "1"));
        assertThat(r0.requestHeadersToRemove()).containsExactly("x-internal");
        assertThat(r0.responseHeadersToAdd()).containsExactly(new HeaderValueConfig("server", "strait"));
        assertThat(r0.responseHeadersToRemove()).containsExactly("x-powered-by");
        assertThat(vh.routes().get(1).match().path()).isEqualTo("/exact");
        assertThat(vh.routes().get(1).timeout()).isEqualTo(Duration.ZERO);
        assertThat(vh.routes().get(2).prefixRewrite()).isEqualTo("/new/");
        assertThat(vh.routes().get(2).timeout()).isEqualTo(Duration.ofHours(1));

        final ClusterConfig a = c.clusters().get(0);
        assertThat(a.lb()).isEqualTo(LbPolicy.LEAST_REQUEST);
        assertThat(a.connectTimeout()).isEqualTo(Duration.ofNanos(100_000));
        assertThat(a.pool()).isEqualTo(new PoolConfig(0, Duration.ZERO));
        assertThat(a.endpoints()).containsExactly(new EndpointConfig(new HostPort("10.0.0.1", 1), 0),
            new EndpointConfig(new HostPort("host-b", 65535), 3));
        assertThat(c.clusters().get(1).lb()).isEqualTo(LbPolicy.WEIGHTED_ROUND_ROBIN);
        assertThat(c.clusters().get(1).endpoints().get(0).address()).isEqualTo(new HostPort("2001:db8::1", 80));
        assertThat(c.clusters().get(2).lb()).isEqualTo(LbPolicy.RANDOM);
    }

    @Test
    void unlimitedBodyAndPlainByteSizes() {
        final StraitConfig c = valid(MINIMAL.replace("    address: 127.0.0.1:0\n",
            "    address: 127.0.0.1:0\n    limits: { request_line: 512B, headers: 16384, body: unlimited }\n"));
        assertThat(c.listeners().get(0).limits()).isEqualTo(new LimitsConfig(512, 16384, 100, -1L));
        final StraitConfig zeroBody = valid(MINIMAL.replace("    address: 127.0.0.1:0\n",
            "    address: 127.0.0.1:0\n    limits: { body: 0 }\n"));
        assertThat(zeroBody.listeners().get(0).limits().maxBodyBytes()).isZero();
    }

    @Test
    void eventLoopsAutoIsZero() {
        assertThat(valid(MINIMAL + "runtime: { event_loops: auto, transport: nio }\n").runtime())
            .isEqualTo(new RuntimeConfig(0, Transport.NIO, Duration.ofSeconds(10)));
        assertThat(valid(MINIMAL + "runtime: { transport: epoll }\n").runtime().transport())
            .isEqualTo(Transport.EPOLL);
    }

    @Test
    void emptyAdminMapTakesTheDefaultAddressButNullAdminIsAbsent() {
        assertThat(valid(MINIMAL + "admin:\n").admin()).isNull();
        assertThat(valid(MINIMAL + "admin: {}\n").admin().address()).isEqualTo(new HostPort("127.0.0.1", 9901));
    }

    @Test
    void resultListsAreImmutable() {
        final StraitConfig c = valid(MINIMAL);
        assertThat(c.listeners()).isUnmodifiable();
        assertThat(c.clusters()).isUnmodifiable();
        assertThat(c.listeners().get(0).virtualHosts().get(0).routes()).isUnmodifiable();
    }
}
