package io.strait.core.route;

import static io.strait.core.route.TestConfigs.clusters;
import static io.strait.core.route.TestConfigs.headerRegex;
import static io.strait.core.route.TestConfigs.listener;
import static io.strait.core.route.TestConfigs.prefix;
import static io.strait.core.route.TestConfigs.regex;
import static io.strait.core.route.TestConfigs.route;
import static io.strait.core.route.TestConfigs.vhost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.netty.util.AsciiString;
import io.strait.core.http.HttpRequestHead;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Regexes run on client input must not backtrack. {@code (.*a){20}} against {@code aaa…a!} (50 a's) keeps
 * java.util.regex busy for longer than anyone waits (checked on JDK 17: still running after 10 s; JDK 17 happens to
 * cut {@code (a+)+$} short, which is tested too); RE2 semantics take one linear pass. The bound is generous (5 s): the
 * test checks that the match completes, not how fast.
 */
class RegexLinearTimeTest {

    private static final String RUN = "a".repeat(50) + "!";
    private static final Duration BOUND = Duration.ofSeconds(5);

    private final TestRequests requests = new TestRequests();

    @AfterEach
    void release() {
        requests.releaseAll();
    }

    @Test
    void catastrophicPathRegexCompletes() {
        for (final String evil : new String[] {"/(.*a){20}", "/(a+)+$"}) {
            final RouteTable t = RouteTable.compile(listener(vhost("v", List.of("*"),
                route(regex(evil), "evil"), route(prefix("/"), "other"))), clusters("evil", "other"));
            final HttpRequestHead head = requests.get("h", "/" + RUN);
            final Route r = assertTimeoutPreemptively(BOUND, () -> t.match(head));
            assertThat(r.index()).as(evil).isEqualTo(1);   // no match on the regex, so the catch-all
            assertThat(t.match(requests.get("h", "/" + "a".repeat(50))).index()).as(evil).isEqualTo(0);
        }
    }

    @Test
    void catastrophicHeaderRegexCompletesOnWireAndAddedValues() {
        final RouteTable t = RouteTable.compile(listener(vhost("v", List.of("*"),
            route(prefix("/", headerRegex("x-a", "(.*a){20}", false)), "evil"), route(prefix("/"), "other"))),
            clusters("evil", "other"));
        final HttpRequestHead wire = requests.parse("GET / HTTP/1.1\r\nHost: h\r\nx-a: " + RUN + "\r\n\r\n");
        assertThat(assertTimeoutPreemptively(BOUND, () -> t.match(wire)).index()).isEqualTo(1);
        final HttpRequestHead added = requests.get("h", "/");
        added.headers().add(AsciiString.cached("x-a"), new AsciiString(RUN));
        assertThat(assertTimeoutPreemptively(BOUND, () -> t.match(added)).index()).isEqualTo(1);
        final HttpRequestHead good = requests.parse("GET / HTTP/1.1\r\nHost: h\r\nx-a: " + "a".repeat(20)
            + "\r\n\r\n");
        assertThat(t.match(good).index()).isEqualTo(0);
    }

    @Test
    void reusedMatchersGiveTheSameAnswersAcrossPatternsAndInputs() {
        // Many regex routes share this thread's matcher cache; every route must still see its own pattern and the
        // current request's path, whichever slot it lands in.
        final int n = RegexScratch.SLOTS * 2 + 3;
        final RouteConfigs rs = new RouteConfigs(n);
        final RouteTable t = RouteTable.compile(listener(vhost("v", List.of("*"), rs.routes)), clusters("c"));
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < n; i++) {
                assertThat(t.match(requests.get("h", "/r" + i + "/x")).index()).isEqualTo(i);
            }
            assertThat(t.match(requests.get("h", "/r" + n + "/x"))).isNull();
        }
    }

    /** Route i matches {@code /r<i>/[a-z]+} only. */
    private static final class RouteConfigs {
        final io.strait.core.config.RouteConfig[] routes;

        RouteConfigs(final int n) {
            routes = new io.strait.core.config.RouteConfig[n];
            for (int i = 0; i < n; i++) {
                routes[i] = route(regex("/r" + i + "/[a-z]+"), "c");
            }
        }
    }
}
