package io.strait.core.route;

import static io.strait.core.route.TestConfigs.clusters;
import static io.strait.core.route.TestConfigs.exact;
import static io.strait.core.route.TestConfigs.headerPrefix;
import static io.strait.core.route.TestConfigs.headerRegex;
import static io.strait.core.route.TestConfigs.listener;
import static io.strait.core.route.TestConfigs.path;
import static io.strait.core.route.TestConfigs.prefix;
import static io.strait.core.route.TestConfigs.prefixWithMethods;
import static io.strait.core.route.TestConfigs.present;
import static io.strait.core.route.TestConfigs.regex;
import static io.strait.core.route.TestConfigs.route;
import static io.strait.core.route.TestConfigs.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.AsciiString;
import io.strait.core.config.HeaderMatcherConfig;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.RouteMatchConfig;
import io.strait.core.http.HttpRequestHead;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteMatchTest {

    private final TestRequests requests = new TestRequests();

    @AfterEach
    void release() {
        requests.releaseAll();
    }

    private static RouteTable table(final RouteConfig... routes) {
        return RouteTable.compile(listener(vhost("vh", List.of("*"), routes)), clusters("a", "b", "c"));
    }

    /** The index of the matching route, or -1. */
    private static int matchIndex(final RouteTable table, final HttpRequestHead head) {
        final Route r = table.match(head);
        return r == null ? -1 : r.index();
    }

    private int matchPath(final RouteTable table, final String path) {
        return matchIndex(table, requests.get("h", path));
    }

    @Test
    void firstMatchingRouteWinsInOrder() {
        final RouteTable t = table(route(prefix("/api/v2"), "b"), route(prefix("/api"), "a"), route(prefix("/"), "c"),
            route(prefix("/api/v3"), "b"));
        assertThat(matchPath(t, "/api/v2/users")).isEqualTo(0);
        assertThat(matchPath(t, "/api/v3/users")).isEqualTo(1);   // shadowed by '/api'
        assertThat(matchPath(t, "/apix")).isEqualTo(1);
        assertThat(matchPath(t, "/other")).isEqualTo(2);
        final Route r = t.match(requests.get("h", "/api/v1"));
        assertThat(r.virtualHostName()).isEqualTo("vh");
        assertThat(r.pickCluster(12345L)).isEqualTo(0);
    }

    @Test
    void noMatchingRouteGivesNull() {
        final RouteTable t = table(route(prefix("/api"), "a"), route(path("/exact"), "b"));
        assertThat(t.match(requests.get("h", "/other"))).isNull();
        assertThat(t.match(requests.get("h", "/"))).isNull();
        assertThat(t.match(requests.get("h", "/ap"))).isNull();
    }

    @ParameterizedTest(name = "prefix {0} on {1}: {2}")
    @CsvSource({
        "/api, /api, true",
        "/api, /api/x, true",
        "/api, /apix, true",
        "/api, /ap, false",
        "/api, /API/x, false",                  // case-sensitive
        "/search?q=, /search?q=1, true",       // the query is part of what a prefix sees, as in Envoy
        "/search?q=, /search, false",
        "/, /, true",
    })
    void prefixMatch(final String prefix, final String requestPath, final boolean matches) {
        assertThat(matchPath(table(route(prefix(prefix), "a")), requestPath)).isEqualTo(matches ? 0 : -1);
    }

    @ParameterizedTest(name = "path {0} on {1}: {2}")
    @CsvSource({
        "/exact, /exact, true",
        "/exact, /exact?x=1, true",             // the query is ignored
        "/exact, /exact?, true",
        "/exact, /exact/, false",
        "/exact, /exac, false",
        "/exact, /exactly, false",
        "/exact, /EXACT, false",
        "/exact?x=1, /exact?x=1, false",        // the query is never part of the compared path
    })
    void pathMatch(final String path, final String requestPath, final boolean matches) {
        assertThat(matchPath(table(route(path(path), "a")), requestPath)).isEqualTo(matches ? 0 : -1);
    }

    @ParameterizedTest(name = "regex {0} on {1}: {2}")
    @CsvSource({
        "/users/[0-9]+, /users/42, true",
        "/users/[0-9]+, /users/42?page=2, true",   // the query is excluded
        "/users/[0-9]+, /users/42/x, false",       // whole-path match, not find
        "/users/[0-9]+, /x/users/42, false",
        "/users/[0-9]+, /users/, false",
        ".*\\.(png|jpg), /img/a.png, true",
        ".*\\.(png|jpg), /img/a.png.txt, false",
    })
    void regexMatch(final String regex, final String requestPath, final boolean matches) {
        assertThat(matchPath(table(route(regex(regex), "a")), requestPath)).isEqualTo(matches ? 0 : -1);
    }

    @Test
    void matchesAReplacedPathToo() {
        final RouteTable t = table(route(path("/new"), "a"), route(regex("/n.w"), "b"));
        final HttpRequestHead head = requests.get("h", "/old");
        assertThat(t.match(head)).isNull();
        head.path(AsciiString.of("/new?q"));
        assertThat(matchIndex(t, head)).isEqualTo(0);
        head.path(AsciiString.of("/now"));
        assertThat(matchIndex(t, head)).isEqualTo(1);
    }

    private int matchHeaders(final HeaderMatcherConfig matcher, final String headerLines) {
        final RouteTable t = table(route(prefix("/", matcher), "a"));
        return matchIndex(t, requests.parse("GET / HTTP/1.1\r\nHost: h\r\n" + headerLines + "\r\n"));
    }

    @Test
    void exactHeaderMatcher() {
        final HeaderMatcherConfig m = exact("X-Canary", "1", false);
        assertThat(matchHeaders(m, "x-canary: 1\r\n")).isEqualTo(0);
        assertThat(matchHeaders(m, "X-CANARY:1\r\n")).isEqualTo(0);          // names are case-insensitive
        assertThat(matchHeaders(m, "x-canary: 10\r\n")).isEqualTo(-1);
        assertThat(matchHeaders(m, "x-canary: \r\n")).isEqualTo(-1);
        assertThat(matchHeaders(m, "x-other: 1\r\n")).isEqualTo(-1);         // absent
        assertThat(matchHeaders(exact("x-env", "Prod", false), "x-env: prod\r\n")).isEqualTo(-1);   // values are not
        // several same-named entries: any one of them may satisfy the matcher
        assertThat(matchHeaders(m, "x-canary: 0\r\nx-canary: 1\r\n")).isEqualTo(0);
    }

    @Test
    void invertedExactHeaderMatcher() {
        final HeaderMatcherConfig m = exact("x-canary", "1", true);
        assertThat(matchHeaders(m, "x-canary: 1\r\n")).isEqualTo(-1);
        assertThat(matchHeaders(m, "x-canary: 2\r\n")).isEqualTo(0);
        assertThat(matchHeaders(m, "")).isEqualTo(0);                         // absent: not equal, inverted
        assertThat(matchHeaders(m, "x-canary: 0\r\nx-canary: 1\r\n")).isEqualTo(-1);
    }

    @Test
    void prefixHeaderMatcher() {
        assertThat(matchHeaders(headerPrefix("user-agent", "curl/", false), "User-Agent: curl/8.0\r\n")).isZero();
        assertThat(matchHeaders(headerPrefix("user-agent", "curl/", false), "User-Agent: Curl/8.0\r\n"))
            .isEqualTo(-1);
        assertThat(matchHeaders(headerPrefix("user-agent", "curl/", false), "User-Agent: curl\r\n")).isEqualTo(-1);
        assertThat(matchHeaders(headerPrefix("user-agent", "curl/", false), "")).isEqualTo(-1);
        assertThat(matchHeaders(headerPrefix("user-agent", "curl/", true), "User-Agent: wget\r\n")).isZero();
        assertThat(matchHeaders(headerPrefix("user-agent", "curl/", true), "User-Agent: curl/8\r\n")).isEqualTo(-1);
        assertThat(matchHeaders(headerPrefix("user-agent", "curl/", true), "")).isZero();
    }

    @Test
    void presentHeaderMatcher() {
        assertThat(matchHeaders(present("x-debug", true, false), "X-Debug: \r\n")).isZero();
        assertThat(matchHeaders(present("x-debug", true, false), "")).isEqualTo(-1);
        assertThat(matchHeaders(present("x-debug", false, false), "")).isZero();
        assertThat(matchHeaders(present("x-debug", false, false), "x-debug: 1\r\n")).isEqualTo(-1);
        assertThat(matchHeaders(present("x-debug", true, true), "")).isZero();
        assertThat(matchHeaders(present("x-debug", true, true), "x-debug: 1\r\n")).isEqualTo(-1);
        assertThat(matchHeaders(present("x-debug", false, true), "x-debug: 1\r\n")).isZero();
        assertThat(matchHeaders(present("x-debug", false, true), "")).isEqualTo(-1);
    }

    @Test
    void regexHeaderMatcher() {
        final HeaderMatcherConfig m = headerRegex("x-version", "v[0-9]+", false);
        assertThat(matchHeaders(m, "x-version: v12\r\n")).isZero();
        assertThat(matchHeaders(m, "x-version: v12a\r\n")).isEqualTo(-1);   // whole-value match
        assertThat(matchHeaders(m, "x-version: av1\r\n")).isEqualTo(-1);
        assertThat(matchHeaders(m, "")).isEqualTo(-1);
        assertThat(matchHeaders(m, "x-version: beta\r\nx-version: v3\r\n")).isZero();
        final HeaderMatcherConfig inverted = headerRegex("x-version", "v[0-9]+", true);
        assertThat(matchHeaders(inverted, "x-version: beta\r\n")).isZero();
        assertThat(matchHeaders(inverted, "x-version: v1\r\n")).isEqualTo(-1);
        assertThat(matchHeaders(inverted, "")).isZero();
    }

    @Test
    void headerMatchersReadAddedEntriesAndSkipRemovedOnes() {
        final RouteTable t = table(route(prefix("/", exact("x-a", "1", false), headerRegex("x-b", "b+", false)), "a"));
        final HttpRequestHead head = requests.parse("GET / HTTP/1.1\r\nx-a: 1\r\nx-b: c\r\n\r\n");
        assertThat(t.match(head)).isNull();
        head.headers().add(AsciiString.of("x-b"), AsciiString.of("bbb"));
        assertThat(matchIndex(t, head)).isZero();
        head.headers().remove(0);
        assertThat(t.match(head)).isNull();
    }

    @Test
    void allHeaderMatchersMustHold() {
        final RouteTable t = table(
            route(prefix("/", exact("x-a", "1", false), present("x-b", true, false), exact("x-c", "3", true)), "a"),
            route(prefix("/"), "b"));
        assertThat(matchIndex(t, requests.parse("GET / HTTP/1.1\r\nx-a: 1\r\nx-b: 2\r\n\r\n"))).isZero();
        assertThat(matchIndex(t, requests.parse("GET / HTTP/1.1\r\nx-a: 1\r\nx-b: 2\r\nx-c: 3\r\n\r\n"))).isOne();
        assertThat(matchIndex(t, requests.parse("GET / HTTP/1.1\r\nx-a: 1\r\n\r\n"))).isOne();
        assertThat(matchIndex(t, requests.parse("GET / HTTP/1.1\r\nx-b: 2\r\n\r\n"))).isOne();
    }

    @Test
    void methods() {
        final RouteTable t = table(route(prefixWithMethods("/", "GET", "HEAD"), "a"),
            route(prefixWithMethods("/", "PURGE"), "b"), route(prefix("/x"), "c"));
        assertThat(matchIndex(t, requests.parse("GET / HTTP/1.1\r\n\r\n"))).isZero();
        assertThat(matchIndex(t, requests.parse("HEAD / HTTP/1.1\r\n\r\n"))).isZero();
        assertThat(matchIndex(t, requests.parse("PURGE / HTTP/1.1\r\n\r\n"))).isOne();   // extension method
        assertThat(matchIndex(t, requests.parse("POST /x HTTP/1.1\r\n\r\n"))).isEqualTo(2);
        assertThat(t.match(requests.parse("POST / HTTP/1.1\r\n\r\n"))).isNull();
        assertThat(t.match(requests.parse("get / HTTP/1.1\r\n\r\n"))).isNull();       // methods are case-sensitive
    }

    @Test
    void timeoutAndIndex() {
        final RouteConfig withTimeout = new RouteConfig(prefix("/"), "b", null, java.time.Duration.ofSeconds(5),
            null, null, List.of(), List.of(), List.of(), List.of(), List.of(), null);
        final RouteConfig noTimeout = new RouteConfig(prefix("/"), "a", null, null, null, null, null, null, null,
            null, null, null);
        final RouteTable t = RouteTable.compile(listener(vhost("one", List.of("one"), withTimeout),
            vhost("two", List.of("two"), route(path("/p"), "a"), noTimeout)), clusters("a", "b"));
        final Route r1 = t.match(requests.get("one", "/"));
        assertThat(r1.timeoutMillis()).isEqualTo(5000);
        assertThat(r1.index()).isZero();
        assertThat(r1.pickCluster(-7)).isOne();
        final Route r2 = t.match(requests.get("two", "/q"));
        assertThat(r2.timeoutMillis()).isZero();
        assertThat(r2.index()).isOne();
        assertThat(r2.virtualHostName()).isEqualTo("two");
        assertThat(r2.isWeighted()).isFalse();
    }

    @Test
    void unknownClusterFailsCompilation() {
        assertThatThrownBy(() -> table(route(prefix("/"), "nope")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
        final RouteMatchConfig none = new RouteMatchConfig(null, null, null, List.of(), List.of());
        assertThatThrownBy(() -> table(route(none, "a"))).isInstanceOf(IllegalArgumentException.class);
    }
}
