package io.strait.core.route;

import static io.strait.core.route.TestConfigs.clusters;
import static io.strait.core.route.TestConfigs.listener;
import static io.strait.core.route.TestConfigs.prefix;
import static io.strait.core.route.TestConfigs.route;
import static io.strait.core.route.TestConfigs.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import io.strait.core.config.VirtualHostConfig;
import io.strait.core.http.HttpRequestHead;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VirtualHostSelectionTest {

    private final TestRequests requests = new TestRequests();

    private final RouteTable table = RouteTable.compile(listener(
        vh("api", "api.example.com", "www.example.com"),
        vh("api-9000", "api.example.com:9000"),
        vh("wild", "*.example.com"),
        vh("deeper", "*.B.example.com"),
        vh("ipv6", "[::1]"),
        vh("dup", "www.example.com"),
        vh("default", "*"),
        vh("default-2", "*")), clusters("c"));

    @AfterEach
    void release() {
        requests.releaseAll();
    }

    private static VirtualHostConfig vh(final String name, final String... domains) {
        return vhost(name, List.of(domains), route(prefix("/"), "c"));
    }

    private String select(final RouteTable t, final HttpRequestHead head) {
        final Route r = t.match(head);
        return r == null ? null : r.virtualHostName();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "api.example.com, api",
        "API.Example.COM, api",
        "www.example.com, api",                  // first declaring virtual host wins
        "api.example.com:80, api",               // port stripped for the second lookup
        "api.example.com:9000, api-9000",        // whole value (domain with port) first
        "API.EXAMPLE.COM:9000, api-9000",
        "x.example.com, wild",
        "X.Example.Com:8080, wild",
        "a.x.example.com, wild",
        "b.example.com, wild",                   // '*.b.example.com' needs at least one more label
        "a.b.example.com, deeper",               // longest wildcard wins
        "z.a.B.EXAMPLE.com:1, deeper",
        "example.com, default",                  // '*.example.com' does not match the bare domain
        "xexample.com, default",
        "'.example.com', default",            // the wildcard must stand for at least one character
        "api.example.co, default",
        "[::1], ipv6",
        "[::1]:8080, ipv6",
        "'[::1]:', ipv6",
        "[::2]:8080, default",
        "'', default",
    })
    void selectsByAuthority(final String host, final String expected) {
        assertThat(select(table, requests.get(host, "/"))).isEqualTo(expected);
    }

    @Test
    void noHostHeaderGoesToTheDefaultVirtualHostOnly() {
        final HttpRequestHead head = requests.parse("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
        assertThat(select(table, head)).isEqualTo("default");
    }

    @Test
    void removedHostHeaderCountsAsAbsent() {
        final HttpRequestHead head = requests.get("api.example.com", "/");
        head.headers().remove(head.hostIndex());
        assertThat(select(table, head)).isEqualTo("default");
    }

    @Test
    void addedHostEntryIsMatchedToo() {
        final HttpRequestHead head = requests.parse("GET / HTTP/1.1\r\n\r\n");
        head.hostIndex(head.headers().add(AsciiString.of("host"), AsciiString.of("Q.Example.com:443")));
        assertThat(select(table, head)).isEqualTo("wild");
        head.hostIndex(head.headers().add(AsciiString.of("host"), new AsciiString("xxAPI.example.comyy"
            .getBytes(StandardCharsets.US_ASCII), 2, 15, false)));
        assertThat(select(table, head)).isEqualTo("api");
    }

    @Test
    void withoutADefaultVirtualHostUnknownOrMissingAuthorityMatchesNothing() {
        final RouteTable noDefault = RouteTable.compile(listener(vh("api", "api.example.com"),
            vh("wild", "*.example.com")), clusters("c"));
        assertThat(select(noDefault, requests.get("other.org", "/"))).isNull();
        assertThat(select(noDefault, requests.get("example.com", "/"))).isNull();
        assertThat(select(noDefault, requests.parse("GET / HTTP/1.1\r\n\r\n"))).isNull();
        assertThat(select(noDefault, requests.get("api.example.com", "/"))).isEqualTo("api");
    }

    @Test
    void manyExactDomainsAreAllFound() {
        final List<VirtualHostConfig> hosts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            hosts.add(vh("vh" + i, "host" + i + ".test", "alias" + i + ".test:8080"));
        }
        final RouteTable big = RouteTable.compile(listener(hosts.toArray(new VirtualHostConfig[0])), clusters("c"));
        for (int i = 0; i < 300; i++) {
            assertThat(select(big, requests.get("HOST" + i + ".test:1234", "/"))).isEqualTo("vh" + i);
            assertThat(select(big, requests.get("alias" + i + ".test:8080", "/"))).isEqualTo("vh" + i);
            assertThat(select(big, requests.get("alias" + i + ".test", "/"))).isNull();
        }
        requests.releaseAll();
        assertThat(select(big, requests.get("host300.test", "/"))).isNull();
    }

    @Test
    void manyWildcardsOfManyLengthsLongestWins() {
        final List<VirtualHostConfig> hosts = new ArrayList<>();
        hosts.add(vh("org", "*.org"));
        for (int i = 0; i < 300; i++) {
            hosts.add(vh("t" + i, "*.t" + i + ".example.org"));
            hosts.add(vh("deep" + i, "*-x.svc.t" + i + ".example.org"));
        }
        final RouteTable big = RouteTable.compile(listener(hosts.toArray(new VirtualHostConfig[0])), clusters("c"));
        for (int i = 0; i < 300; i++) {
            assertThat(select(big, requests.get("a.T" + i + ".example.org", "/"))).isEqualTo("t" + i);
            assertThat(select(big, requests.get("a-x.svc.t" + i + ".example.org:443", "/"))).isEqualTo("deep" + i);
            assertThat(select(big, requests.get("-x.svc.t" + i + ".example.org", "/"))).isEqualTo("t" + i);
            assertThat(select(big, requests.get("t" + i + ".example.org", "/"))).isEqualTo("org");
        }
        requests.releaseAll();
        assertThat(select(big, requests.get("x.t300.example.org", "/"))).isEqualTo("org");
        assertThat(select(big, requests.get(".org", "/"))).isNull();
        assertThat(select(big, requests.get("org", "/"))).isNull();
    }

    @Test
    void tcpListenerWithoutVirtualHostsMatchesNothing() {
        final RouteTable empty = RouteTable.compile(new io.strait.core.config.ListenerConfig("pg", null,
            io.strait.core.config.ListenerProtocol.TCP, null, "pg", null, null), clusters("pg"));
        assertThat(empty.virtualHostCount()).isZero();
        assertThat(empty.match(requests.get("a", "/"))).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "example.com, 11",
        "example.com:80, 11",
        "example.com:, 11",
        "example.com:8a, 14",
        "[::1]:443, 5",
        "[::1], 5",
        "[::1, 4",
        "[fe80::1%25eth0]:80, 16",
        "'::1', 1",               // unbracketed IPv6 is not a valid authority; treated like Envoy (last ':' = port)
        "80, 2",
        "':80', 0",
    })
    void hostLengthStripsOnlyAPort(final String value, final int expected) {
        final byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        assertThat(VirtualHostMatcher.hostLength(null, bytes, 0, bytes.length)).isEqualTo(expected);
    }
}
