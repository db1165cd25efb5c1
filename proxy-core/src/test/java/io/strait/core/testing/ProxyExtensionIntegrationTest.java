package io.strait.core.testing;

import io.strait.core.stats.ClusterStat;
import io.strait.core.stats.HttpStat;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ProxyExtension} over loopback: placeholders become the ports of what they stand for, the accessors read
 * the running proxy, and a bad placeholder or configuration fails the start with a message that names it.
 */
class ProxyExtensionIntegrationTest {

    @RegisterExtension
    static final ProxyExtension proxy = ProxyExtension.of("""
        runtime: { event_loops: 2, transport: nio }
        listeners:
          - name: main
            address: 127.0.0.1:0
            virtual_hosts:
              - domains: [ "*" ]
                routes:
                  - { match: { prefix: /dead/ }, cluster: dead }
                  - { match: { prefix: / }, cluster: api }
          - name: second
            address: 127.0.0.1:0
            virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: b_only } ] } ]
        clusters:
          - { name: api, endpoints: [ { address: 127.0.0.1:${upstream:a} } ] }
          - { name: b_only, endpoints: [ { address: 127.0.0.1:${upstream:b} } ] }
          - { name: dead, endpoints: [ { address: 127.0.0.1:${port:dead} } ] }
          - { name: dead_too, endpoints: [ { address: 127.0.0.1:${port:dead} } ] }
        """).upstreams("a").upstream("b", u -> u.defaultHeader("x-scripted", "before-start"));

    @Test
    void upstreamPlaceholdersRouteToTheDeclaredUpstreams() throws Exception {
        final long before = proxy.stat("api", ClusterStat.UPSTREAM_RQ_2XX);
        try (RawHttpClient main = new RawHttpClient(proxy.port("main"));
             RawHttpClient second = new RawHttpClient(proxy.port("second"))) {
            final RawResponse a = main.get("/x", "any");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.header("x-upstream")).isEqualTo("a");
            final RawResponse b = second.get("/y", "any");
            assertThat(b.header("x-upstream")).isEqualTo("b");
            assertThat(b.header("x-scripted")).isEqualTo("before-start");
        }
        assertThat(proxy.upstream("a").takeRequest(RawHttpClient.DEFAULT_READ_TIMEOUT).uri()).isEqualTo("/x");
        assertThat(proxy.stat("api", ClusterStat.UPSTREAM_RQ_2XX)).isEqualTo(before + 1);
        assertThat(proxy.host("api", "a").address().getPort()).isEqualTo(proxy.upstream("a").port());
    }

    @Test
    void httpStatsReadOneListenerOrTheSumOfAll() throws Exception {
        final long main = proxy.stat("main", HttpStat.DOWNSTREAM_RQ_2XX);
        final long second = proxy.stat("second", HttpStat.DOWNSTREAM_RQ_2XX);
        assertThat(proxy.stat(HttpStat.DOWNSTREAM_RQ_2XX)).isEqualTo(main + second);
        try (RawHttpClient c = new RawHttpClient(proxy.port("second"))) {
            assertThat(c.get("/", "any").status()).isEqualTo(200);
        }
        assertThat(proxy.stat("second", HttpStat.DOWNSTREAM_RQ_2XX)).isEqualTo(second + 1);
        assertThat(proxy.stat("main", HttpStat.DOWNSTREAM_RQ_2XX)).isEqualTo(main);
        assertThat(proxy.stat(HttpStat.DOWNSTREAM_RQ_2XX)).isEqualTo(main + second + 1);
    }

    @Test
    void aPortPlaceholderIsAClosedPortTheSameForItsName() throws Exception {
        final int dead = proxy.placeholderPort("port", "dead");
        assertThat(proxy.yaml())
            .contains("name: dead, endpoints: [ { address: 127.0.0.1:" + dead + " } ]")
            .contains("name: dead_too, endpoints: [ { address: 127.0.0.1:" + dead + " } ]");
        try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
            final RawResponse r = c.get("/dead/x", "any");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.header("x-strait-error")).isEqualTo("upstream_connect_failure");
        }
    }

    @Test
    void unknownNamesAreReportedWithWhatIsKnown() {
        assertThatThrownBy(() -> proxy.cluster("nope"))
            .hasMessage("no cluster nope; clusters: [api, b_only, dead, dead_too]");
        assertThatThrownBy(() -> proxy.upstream("c")).hasMessage("no upstream c; declared: [a, b]");
        assertThatThrownBy(() -> proxy.port("third")).hasMessageStartingWith("no listener third");
    }

    @Nested
    class InANestedClass {

        @Test
        void theEnclosingClassesProxyIsShared() throws Exception {
            try (RawHttpClient c = new RawHttpClient(proxy.port("main"))) {
                assertThat(c.get("/nested", "any").header("x-upstream")).isEqualTo("a");
            }
        }
    }

    @Test
    void anUnknownPlaceholderKindFailsTheStartNamingItAndItsPosition() throws Exception {
        final AtomicReference<TestUpstream> started = new AtomicReference<>();
        final ProxyExtension ext = ProxyExtension.of("""
            clusters:
              - name: api
                endpoints: [ { address: 127.0.0.1:${upstream:a} }, { address: 127.0.0.1:${ports:x} } ]
            """).upstream("a", started::set);
        assertThatThrownBy(() -> ext.start("kinds.yaml"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("kinds.yaml:3:77: unknown placeholder ${ports:x}: expected ${upstream:NAME}, ${port:NAME},"
                + " ${blackhole:NAME} or ${file:NAME}");
        assertThatThrownBy(() -> ext.upstream("a")).isInstanceOf(IllegalStateException.class);
        // What the failed start opened is closed again: the upstream it started can start anew.
        try (TestUpstream a = started.get().start()) {
            assertThat(a.port()).isPositive();
        }
    }

    @Test
    void aFilePlaceholderIsAPathInADirectoryOfItsOwnDeletedOnClose() throws Exception {
        final ProxyExtension ext = ProxyExtension.of("""
            runtime: { event_loops: 1, transport: nio }
            listeners:
              - name: main
                address: 127.0.0.1:0
                access_log: { path: ${file:access.log} }
                virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: api } ] } ]
            clusters:
              - { name: api, endpoints: [ { address: 127.0.0.1:${upstream:a} } ] }
            """).upstreams("a");
        ext.start("file.yaml");
        final Path log;
        try {
            log = ext.file("access.log");
            assertThat(log).isAbsolute().hasFileName("access.log");
            assertThat(ext.yaml()).contains("access_log: { path: " + log + " }");
            assertThatThrownBy(() -> ext.file("other.log")).hasMessage("no placeholder ${file:other.log} in the"
                + " configuration");
            try (RawHttpClient c = new RawHttpClient(ext.port("main"))) {
                assertThat(c.get("/logged", "any").status()).isEqualTo(200);
            }
        } finally {
            ext.stop();
        }
        // Closing the proxy flushed the log into the file, then the directory went with it.
        assertThat(log.getParent()).doesNotExist();
    }

    @Test
    void aDeclaredFileIsWrittenBeforeTheProxyStarts() throws Exception {
        final ProxyExtension ext = ProxyExtension.of("""
            runtime: { event_loops: 1, transport: nio }
            listeners:
              - name: main
                address: 127.0.0.1:0
                access_log: { path: ${file:access.log} }
                virtual_hosts: [ { domains: [ "*" ], routes: [ { match: { prefix: / }, cluster: api } ] } ]
            clusters:
              - { name: api, endpoints: [ { address: 127.0.0.1:${upstream:a} } ] }
            """).upstreams("a").file("access.log", p -> Files.writeString(p, "written before the start\n"));
        ext.start("declared.yaml");
        try {
            // The access log appends: what was there before the proxy opened it is still the first line.
            assertThat(Files.readAllLines(ext.file("access.log"))).first().isEqualTo("written before the start");
            assertThatThrownBy(() -> ext.file("again.log", p -> { })).isInstanceOf(IllegalStateException.class);
        } finally {
            ext.stop();
        }
    }

    @Test
    void aFilePlaceholderTakesANameNotAPath() {
        final ProxyExtension ext = ProxyExtension.of("access_log: { path: ${file:../x.log} }\n");
        assertThatThrownBy(() -> ext.start("path.yaml"))
            .hasMessage("path.yaml:1:21: placeholder ${file:../x.log}: a file name, not a path");
    }

    @Test
    void anUndeclaredUpstreamFailsTheStartNamingThePlaceholder() {
        final ProxyExtension ext = ProxyExtension.of("""
            clusters:
              - { name: api, endpoints: [ { address: 127.0.0.1:${upstream:c} } ] }
            """).upstreams("a", "b");
        assertThatThrownBy(() -> ext.start("undeclared.yaml"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("undeclared.yaml:2:52: unknown placeholder ${upstream:c}: no upstream named c;"
                + " declared with upstreams(...): [a, b]");
    }

    @Test
    void anUnclosedPlaceholderFailsTheStart() {
        final ProxyExtension ext = ProxyExtension.of("clusters:\n  - { address: ${upstream:a\n");
        assertThatThrownBy(() -> ext.start("open.yaml"))
            .hasMessage("open.yaml:2:16: unclosed placeholder ${upstream:a");
    }

    @Test
    void anInvalidConfigurationFailsTheStartWithTheConfigErrors() {
        final ProxyExtension ext = ProxyExtension.of("""
            clusters:
              - { name: api, endpoints: [ { address: 127.0.0.1:${upstream:a} } ], lb: no_such_policy }
            """).upstreams("a");
        assertThatThrownBy(() -> ext.start("invalid.yaml"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("invalid.yaml:2:")
            .hasMessageContaining("no_such_policy");
    }
}
