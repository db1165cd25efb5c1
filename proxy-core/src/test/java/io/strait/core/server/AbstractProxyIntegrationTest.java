package io.strait.core.server;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End-to-end tests of the HTTP/1.1 proxy over real loopback sockets with real upstream servers: the fixture (one
 * configuration, upstreams a, b and c, two stalled peers) and the contracts it runs, one interface per topic. Each
 * subclass runs them all on one transport (epoll, io_uring, NIO).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractProxyIntegrationTest
    implements MessagingContract, BackpressureContract, RoutingContract, UpstreamFailureContract,
               HostileClientContract {

    /** The transport, more runtime keys, then the ports of the response and the upload stalled peer. */
    private static final String CONFIG = """
        runtime: { event_loops: 2, transport: %s, drain_timeout: 5s%s }
        listeners:
          - name: main
            address: 127.0.0.1:0
            timeouts: { request_headers: 2s, idle: 30s }
            virtual_hosts:
              - name: exact
                domains: [ "exact.test", "Port.Test:8080" ]
                routes: [ { match: { prefix: / }, cluster: c } ]
              - name: wild
                domains: [ "*.wild.test" ]
                routes: [ { match: { prefix: / }, cluster: b_only } ]
              - name: narrow
                domains: [ "narrow.test" ]
                routes: [ { match: { prefix: /only }, cluster: c } ]
              - name: default
                domains: [ "*" ]
                routes:
                  - { match: { path: /exact }, cluster: b_only }
                  - { match: { regex: "/re/[0-9]+" }, cluster: c }
                  - match: { prefix: /hdr, headers: [ { name: x-route, exact: "c" } ] }
                    cluster: c
                  - match: { prefix: /hdr, headers: [ { name: x-route, present: true } ] }
                    cluster: b_only
                  - { match: { prefix: /method, methods: [ POST ] }, cluster: c }
                  - match: { prefix: /split }
                    weighted_clusters: [ { cluster: a_only, weight: 25 }, { cluster: b_only, weight: 75 } ]
                  - { match: { prefix: /timeout/ }, cluster: a_only, timeout: 300ms, prefix_rewrite: / }
                  - match: { prefix: /old/ }
                    cluster: a_only
                    prefix_rewrite: /new/
                    host_rewrite: rewritten.test
                    request_headers_to_add: [ { name: x-added, value: "yes" } ]
                    request_headers_to_remove: [ x-secret ]
                    response_headers_to_add: [ { name: x-resp, value: added } ]
                    response_headers_to_remove: [ x-upstream ]
                  - { match: { prefix: /refused/ }, cluster: dead }
                  - { match: { prefix: /blackhole/ }, cluster: blackhole }
                  - { match: { prefix: /api/ }, cluster: api }
                  - { match: { prefix: /stalled-response/ }, cluster: response_peer, timeout: 0s }
                  - { match: { prefix: /stalled-upload/ }, cluster: upload_peer, timeout: 0s }
                  - { match: { prefix: / }, cluster: a_only }
          - name: strict
            address: 127.0.0.1:0
            limits: { request_line: 256, headers: 1KiB, header_count: 10, body: 1KiB }
            timeouts: { request_headers: 500ms, idle: 700ms }
            virtual_hosts:
              - domains: [ "*" ]
                routes: [ { match: { prefix: / }, cluster: a_only } ]
        clusters:
          - name: api
            endpoints: [ { address: 127.0.0.1:${upstream:a} }, { address: 127.0.0.1:${upstream:b} } ]
          - { name: a_only, endpoints: [ { address: 127.0.0.1:${upstream:a} } ] }
          - { name: b_only, endpoints: [ { address: 127.0.0.1:${upstream:b} } ] }
          - { name: c, endpoints: [ { address: 127.0.0.1:${upstream:c} } ] }
          - { name: dead, connect_timeout: 1s, endpoints: [ { address: 127.0.0.1:${port:dead} } ] }
          - { name: blackhole, connect_timeout: 300ms, endpoints: [ { address: 127.0.0.1:${blackhole:bh} } ] }
          - { name: response_peer, endpoints: [ { address: 127.0.0.1:%d } ] }
          - { name: upload_peer, endpoints: [ { address: 127.0.0.1:%d } ] }
        """;

    /** The main listener's stalled peers (raw sockets, not TestUpstreams): their ports are formatted into CONFIG. */
    final StalledPeer responsePeer = StalledPeer.open();
    final StalledPeer uploadPeer = StalledPeer.open();

    /**
     * On an instance field of a per-class test instance: started before all of a subclass's tests, on its
     * transport, and closed after them.
     */
    @RegisterExtension
    final ProxyExtension proxy = ProxyExtension.of(CONFIG.formatted(transport(), runtimeKeys(), responsePeer.port(),
        uploadPeer.port())).upstreams("a", "b", "c");

    @Override
    public long bigBody() {
        return 256L << 20;
    }

    /** More keys for the {@code runtime} section, each after ", ". */
    String runtimeKeys() {
        return "";
    }

    @Override
    public ProxyExtension proxy() {
        return proxy;
    }

    @Override
    public StalledPeer responsePeer() {
        return responsePeer;
    }

    @Override
    public StalledPeer uploadPeer() {
        return uploadPeer;
    }

    @AfterAll
    void closePeers() throws Exception {
        responsePeer.close();
        uploadPeer.close();
    }

    @BeforeEach
    void resetUpstreams() {
        proxy.upstream("a").reset();
        proxy.upstream("b").reset();
        proxy.upstream("c").reset();
    }

    @Override
    public RawHttpClient client() throws Exception {
        return new RawHttpClient(proxy.port("main"));
    }

    @Override
    public long stat(final HttpStat stat) {
        return proxy.server().snapshot().listener("main").stats().value(stat);
    }

    @Override
    public long clusterStat(final String cluster, final ClusterStat stat) {
        for (int i = 0; i < proxy.server().snapshot().clusterCount(); i++) {
            if (proxy.server().snapshot().cluster(i).name().equals(cluster)) {
                return proxy.server().snapshot().cluster(i).stats().value(stat);
            }
        }
        throw new IllegalArgumentException(cluster);
    }

    // ------------------------------------------------------------------ transport

    @Test
    void runsOnTheRequestedTransport() {
        assertThat(proxy.server().transport().name()).isEqualTo(transport());
        assertThat(proxy.server().reusePort()).isEqualTo(!"nio".equals(transport()));
    }
}
