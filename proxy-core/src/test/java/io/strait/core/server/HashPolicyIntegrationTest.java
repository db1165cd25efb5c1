package io.strait.core.server;

import io.strait.core.testing.ProxyExtension;
import io.strait.core.testing.RawHttpClient;
import io.strait.core.testing.RawResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end on epoll: {@code hash_policy} routes send each key to one upstream of a {@code maglev} or {@code
 * ring_hash}
 * cluster of three, whichever connection (and so event loop) the request comes on.
 */
class HashPolicyIntegrationTest {

    private static final int CONNECTIONS = 6;
    private static final int REQUESTS = 60;
    private static final int USERS = 6;

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: epoll }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - match: { prefix: /maglev }
                    cluster: maglev
                    hash_policy: [ { header: x-user } ]
                  - match: { prefix: /ring }
                    cluster: ring
                    hash_policy: [ { cookie: sid } ]
                  - match: { prefix: /source }
                    cluster: ring
                    hash_policy: [ { header: x-none }, { source_ip: true } ]
                  - { match: { prefix: /nopolicy }, cluster: maglev }
        clusters:
          - name: maglev
            lb: maglev
            endpoints:
              - { address: 127.0.0.1:${upstream:u0} }
              - { address: 127.0.0.1:${upstream:u1} }
              - { address: 127.0.0.1:${upstream:u2} }
          - name: ring
            lb: ring_hash
            endpoints:
              - { address: 127.0.0.1:${upstream:u0} }
              - { address: 127.0.0.1:${upstream:u1} }
              - { address: 127.0.0.1:${upstream:u2} }
        """).upstreams("u0", "u1", "u2");

    private static int port() {
        return proxy.port("main");
    }

    /**
     * Sends REQUESTS requests round-robin over CONNECTIONS connections, request i carrying key i % USERS, and
     * returns each key's upstreams (by x-upstream).
     */
    private Map<String, Set<String>> spread(final String path, final String headerFormat) throws Exception {
        final Map<String, Set<String>> seen = new HashMap<>();
        final List<RawHttpClient> clients = new ArrayList<>();
        try {
            for (int c = 0; c < CONNECTIONS; c++) {
                clients.add(new RawHttpClient(port()));
            }
            for (int i = 0; i < REQUESTS; i++) {
                final String key = "user-" + (i % USERS);
                final RawHttpClient client = clients.get((i / USERS) % CONNECTIONS);   // each key on every one
                client.send(RawHttpClient.request("GET", path, "x", String.format(headerFormat, key)));
                final RawResponse r = client.readResponse();
                assertThat(r.status()).isEqualTo(200);
                seen.computeIfAbsent(key, k -> new HashSet<>()).add(r.header("x-upstream"));
            }
        } finally {
            for (final RawHttpClient c : clients) {
                c.close();
            }
        }
        return seen;
    }

    /** The upstreams that one request each for many distinct keys reach (for the spread check). */
    private Set<String> upstreamsOfManyKeys(final String path, final String headerFormat) throws Exception {
        final Set<String> used = new HashSet<>();
        try (RawHttpClient client = new RawHttpClient(port())) {
            for (int i = 0; i < 30; i++) {
                client.send(RawHttpClient.request("GET", path, "x", String.format(headerFormat, "other-" + i)));
                used.add(client.readResponse().header("x-upstream"));
            }
        }
        return used;
    }

    private static Set<String> union(final Map<String, Set<String>> seen) {
        final Set<String> all = new HashSet<>();
        seen.values().forEach(all::addAll);
        return all;
    }

    @Test
    void maglevWithAHeaderPolicyKeepsEachUserOnOneUpstream() throws Exception {
        final Map<String, Set<String>> seen = spread("/maglev", "x-user: %s");
        assertThat(seen).hasSize(USERS);
        assertThat(seen.values()).allSatisfy(hosts -> assertThat(hosts).hasSize(1));
        // Six keys all on one of three hosts has probability 1/243 for a random port assignment; 30 more keys
        // make a false failure of the spread check negligible (3^-35).
        final Set<String> used = union(seen);
        used.addAll(upstreamsOfManyKeys("/maglev", "x-user: %s"));
        assertThat(used).hasSizeGreaterThan(1);
    }

    @Test
    void ringHashWithACookiePolicyKeepsEachSessionOnOneUpstream() throws Exception {
        final Map<String, Set<String>> seen = spread("/ring", "Cookie: theme=dark; sid=%s; lang=en");
        assertThat(seen).hasSize(USERS);
        assertThat(seen.values()).allSatisfy(hosts -> assertThat(hosts).hasSize(1));
        final Set<String> used = union(seen);
        used.addAll(upstreamsOfManyKeys("/ring", "Cookie: sid=%s"));
        assertThat(used).hasSizeGreaterThan(1);
    }

    @Test
    void sourceIpPolicyKeepsOneClientAddressOnOneUpstream() throws Exception {
        // Every connection comes from 127.0.0.1, so all keys land together; x-none is absent and falls through.
        final Map<String, Set<String>> seen = spread("/source", "x-user: %s");
        assertThat(union(seen)).hasSize(1);
    }

    @Test
    void aHashingClusterWithoutAPolicySpreadsRequestsRandomly() throws Exception {
        // With a fixed hash every request would reach one host; the per-request random fallback spreads them
        // (all 60 on one host of three: probability 3^-59).
        final Map<String, Set<String>> seen = spread("/nopolicy", "x-user: %s");
        assertThat(union(seen)).hasSizeGreaterThan(1);
    }
}
