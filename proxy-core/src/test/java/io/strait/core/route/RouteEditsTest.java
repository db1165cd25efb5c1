package io.strait.core.route;

import static io.strait.core.route.TestConfigs.clusters;
import static io.strait.core.route.TestConfigs.header;
import static io.strait.core.route.TestConfigs.listener;
import static io.strait.core.route.TestConfigs.path;
import static io.strait.core.route.TestConfigs.prefix;
import static io.strait.core.route.TestConfigs.regex;
import static io.strait.core.route.TestConfigs.vhost;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import io.strait.core.config.HeaderValueConfig;
import io.strait.core.config.RouteConfig;
import io.strait.core.config.RouteMatchConfig;
import io.strait.core.http.HttpHeaderBlock;
import io.strait.core.http.HttpRequestHead;
import io.strait.core.http.HttpResponseHead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteEditsTest {

    private final TestRequests requests = new TestRequests();

    @AfterEach
    void release() {
        requests.releaseAll();
    }

    private static Route compile(final RouteConfig config) {
        final RouteTable t = RouteTable.compile(listener(vhost("vh", List.of("*"), config)), clusters("a"));
        final TestRequests scratch = new TestRequests();
        try {
            // any request reaching the single route gives us the compiled Route; use a catch-all probe
            final Route r = t.match(scratch.get("h", probePath(config.match())));
            assertThat(r).isNotNull();
            return r;
        } finally {
            scratch.releaseAll();
        }
    }

    private static String probePath(final RouteMatchConfig m) {
        if (m.prefix() != null) {
            return m.prefix();
        }
        return m.path() != null ? m.path() : "/v1/x";
    }

    private static RouteConfig rewrite(final RouteMatchConfig match, final String prefixRewrite,
                                       final String hostRewrite) {
        return new RouteConfig(match, "a", null, Duration.ZERO, prefixRewrite, hostRewrite, List.of(), List.of(),
            List.of(), List.of(), List.of(), null);
    }

    private static RouteConfig headerEdits(final List<HeaderValueConfig> reqAdd, final List<String> reqRemove,
                                           final List<HeaderValueConfig> respAdd, final List<String> respRemove) {
        return new RouteConfig(prefix("/"), "a", null, Duration.ZERO, null, null, reqAdd, reqRemove, respAdd,
            respRemove, List.of(), null);
    }

    /** The block's live entries as "name: value", in order. */
    private static List<String> live(final HttpHeaderBlock block) {
        final List<String> out = new ArrayList<>();
        block.forEachLive((b, i) -> out.add(b.name(i) + ": " + b.value(i)));
        return out;
    }

    @ParameterizedTest(name = "prefix {0} -> {1}: {2} -> {3}")
    @CsvSource({
        "/api/, /, /api/users?x=1, /users?x=1",
        "/api, /v2, /api/users, /v2/users",
        "/api, '', /api/users, /users",
        "/, /base/, /a/b?c=d, /base/a/b?c=d",
        "/a, /b, /a, /b",
        "/a?, /b?, /a?q, /b?q",
    })
    void prefixRewriteReplacesTheMatchedPrefix(final String prefix, final String rewrite, final String path,
                                               final String expected) {
        final Route r = compile(rewrite(prefix(prefix), rewrite, null));
        final HttpRequestHead head = requests.get("h", path);
        r.applyRequestEdits(head);
        assertThat(head.path().toString()).isEqualTo(expected);
        assertThat(head.pathLength()).isEqualTo(expected.length());
    }

    @Test
    void prefixRewriteOnPathAndRegexRoutesReplacesThePathKeepingTheQuery() {
        final Route exact = compile(rewrite(path("/old"), "/new", null));
        final HttpRequestHead h1 = requests.get("h", "/old?q=1");
        exact.applyRequestEdits(h1);
        assertThat(h1.path().toString()).isEqualTo("/new?q=1");

        final Route rx = compile(rewrite(regex("/v[0-9]+/x"), "/y", null));
        final HttpRequestHead h2 = requests.get("h", "/v12/x?a=b");
        rx.applyRequestEdits(h2);
        assertThat(h2.path().toString()).isEqualTo("/y?a=b");
        final HttpRequestHead h3 = requests.get("h", "/v12/x");
        rx.applyRequestEdits(h3);
        assertThat(h3.path().toString()).isEqualTo("/y");
    }

    @Test
    void hostRewriteReplacesEveryHostEntryAndUpdatesHostIndex() {
        final Route r = compile(rewrite(prefix("/"), null, "backend.internal:8080"));
        final HttpRequestHead head = requests.parse("GET / HTTP/1.1\r\nHost: a.example.com\r\nAccept: */*\r\n"
            + "host: dup\r\n\r\n");
        r.applyRequestEdits(head);
        assertThat(live(head.headers())).containsExactly("Accept: */*", "host: backend.internal:8080");
        assertThat(head.hostIndex()).isEqualTo(3);
        assertThat(head.authority().toString()).isEqualTo("backend.internal:8080");
        assertThat(head.path().toString()).isEqualTo("/");   // untouched
    }

    @Test
    void requestHeaderEditsRemoveEveryEntryThenAppendInOrder() {
        final Route r = compile(headerEdits(
            List.of(header("X-Added", "1"), header("x-tag", "new"), header("X-Added", "2")),
            List.of("X-Tag", "x-drop"), List.of(), List.of()));
        final HttpRequestHead head = requests.parse("GET / HTTP/1.1\r\nHost: h\r\nx-tag: old1\r\nx-drop: a\r\n"
            + "Accept: */*\r\nX-TAG: old2\r\nx-drop: b\r\n\r\n");
        r.applyRequestEdits(head);
        assertThat(live(head.headers())).containsExactly("Host: h", "Accept: */*", "x-added: 1", "x-tag: new",
            "x-added: 2");
        assertThat(head.hostIndex()).isZero();
        assertThat(head.authority().toString()).isEqualTo("h");
        // adds append even when the name is already present
        final HttpRequestHead again = requests.parse("GET / HTTP/1.1\r\nx-added: 0\r\n\r\n");
        r.applyRequestEdits(again);
        assertThat(live(again.headers())).containsExactly("x-added: 0", "x-added: 1", "x-tag: new", "x-added: 2");
    }

    @Test
    void addedEntriesArePreparedAsciiStringsSharedAcrossRequests() {
        final Route r = compile(headerEdits(List.of(header("x-a", "v")), List.of(), List.of(), List.of()));
        final HttpRequestHead h1 = requests.parse("GET / HTTP/1.1\r\n\r\n");
        final HttpRequestHead h2 = requests.parse("GET / HTTP/1.1\r\n\r\n");
        r.applyRequestEdits(h1);
        r.applyRequestEdits(h2);
        assertThat(h1.headers().isAdded(0)).isTrue();
        assertThat((Object) h1.headers().name(0)).isSameAs(h2.headers().name(0));
        assertThat((Object) h1.headers().value(0)).isSameAs(h2.headers().value(0));
    }

    @Test
    void removingHostClearsHostIndexAndAddingOnePointsAtIt() {
        final Route removeOnly = compile(headerEdits(List.of(), List.of("Host"), List.of(), List.of()));
        final HttpRequestHead h1 = requests.get("a.example.com", "/");
        removeOnly.applyRequestEdits(h1);
        assertThat(h1.hostIndex()).isEqualTo(-1);
        assertThat((Object) h1.authority()).isNull();

        final Route replace = compile(headerEdits(List.of(header("Host", "b.example.com")), List.of("host"),
            List.of(), List.of()));
        final HttpRequestHead h2 = requests.get("a.example.com", "/");
        replace.applyRequestEdits(h2);
        assertThat(h2.hostIndex()).isOne();
        assertThat(h2.authority().toString()).isEqualTo("b.example.com");
    }

    @Test
    void hostRewriteAndPrefixRewriteAndHeaderEditsTogether() {
        final RouteConfig config = new RouteConfig(prefix("/api/"), "a", null, Duration.ofSeconds(1), "/",
            "svc", List.of(header("x-route", "api")), List.of("x-secret"), List.of(), List.of(),
            List.of(), null);
        final Route r = compile(config);
        final HttpRequestHead head = requests.parse("POST /api/items?id=3 HTTP/1.1\r\nHost: edge\r\n"
            + "x-secret: s\r\n\r\n");
        r.applyRequestEdits(head);
        assertThat(head.path().toString()).isEqualTo("/items?id=3");
        assertThat(live(head.headers())).containsExactly("x-route: api", "host: svc");
        assertThat(head.authority().toString()).isEqualTo("svc");
    }

    @Test
    void routeWithoutEditsLeavesTheHeadAlone() {
        final Route r = compile(TestConfigs.route(prefix("/"), "a"));
        final HttpRequestHead head = requests.parse("GET /x?y HTTP/1.1\r\nHost: h\r\nA: 1\r\n\r\n");
        r.applyRequestEdits(head);
        assertThat(live(head.headers())).containsExactly("Host: h", "A: 1");
        assertThat(head.path().toString()).isEqualTo("/x?y");
        assertThat(head.hostIndex()).isZero();
        final HttpResponseHead response = HttpResponseHead.of(200);
        response.headers().add(AsciiString.of("server"), AsciiString.of("x"));
        r.applyResponseEdits(response);
        assertThat(live(response.headers())).containsExactly("server: x");
    }

    @Test
    void responseHeaderEditsRemoveThenAdd() {
        final Route r = compile(headerEdits(List.of(), List.of(),
            List.of(header("X-Served-By", "strait"), header("server", "strait")), List.of("Server", "x-internal")));
        final HttpResponseHead response = HttpResponseHead.of(200);
        final HttpHeaderBlock h = response.headers();
        h.add(AsciiString.of("Server"), AsciiString.of("backend"));
        h.add(AsciiString.of("content-length"), AsciiString.of("0"));
        h.add(AsciiString.of("x-internal"), AsciiString.of("1"));
        h.add(AsciiString.of("X-Internal"), AsciiString.of("2"));
        r.applyResponseEdits(response);
        assertThat(live(h)).containsExactly("content-length: 0", "x-served-by: strait", "server: strait");
        assertThat(h.liveCount()).isEqualTo(3);
    }
}
