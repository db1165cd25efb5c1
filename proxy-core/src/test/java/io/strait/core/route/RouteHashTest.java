package io.strait.core.route;

import static io.strait.core.route.TestConfigs.clusters;
import static io.strait.core.route.TestConfigs.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.AsciiString;
import io.strait.core.config.HashPolicyConfig;
import io.strait.core.config.RouteConfig;
import io.strait.core.http.HttpRequestHead;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RouteHashTest {

    private static final long SOURCE = 0x5005CE1FL;
    private static final long FALLBACK = -42L;

    private final TestRequests requests = new TestRequests();

    @AfterEach
    void release() {
        requests.releaseAll();
    }

    private static Route route(final HashPolicyConfig... policy) {
        return Route.compile("vh", 0, new RouteConfig(prefix("/"), "a", null, Duration.ZERO, null, null, List.of(),
            List.of(), List.of(), List.of(), List.of(policy), null), clusters("a"));
    }

    private HttpRequestHead head(final String... headerLines) {
        final StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (final String line : headerLines) {
            sb.append(line).append("\r\n");
        }
        return requests.parse(sb.append("\r\n").toString());
    }

    private static long xxh64(final String s) {
        final byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return Hashing.xxh64(b, 0, b.length);
    }

    @Test
    void withoutAPolicyTheFallbackIsUsed() {
        final Route r = Route.compile("vh", 0, TestConfigs.route(prefix("/"), "a"), clusters("a"));
        assertThat(r.hasHashPolicy()).isFalse();
        assertThat(r.hash(head("x-user: alice"), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
        final Route nullPolicy = Route.compile("vh", 0, new RouteConfig(prefix("/"), "a", null, null, null, null,
            null, null, null, null, null, null), clusters("a"));
        assertThat(nullPolicy.hash(head(), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
    }

    @Test
    void headerHashIsTheXxh64OfTheFirstValue() {
        final Route r = route(HashPolicyConfig.ofHeader("X-User"));
        assertThat(r.hasHashPolicy()).isTrue();
        final long alice = r.hash(head("x-user: alice"), SOURCE, FALLBACK);
        assertThat(alice).isEqualTo(xxh64("alice"));
        assertThat(r.hash(head("X-USER: alice", "x-other: 1"), SOURCE, FALLBACK)).isEqualTo(alice);
        assertThat(r.hash(head("x-user: bob"), SOURCE, FALLBACK)).isNotEqualTo(alice);
        assertThat(r.hash(head("x-user: alice", "x-user: bob"), SOURCE, FALLBACK)).isEqualTo(alice);
        assertThat(r.hash(head("x-other: alice"), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
    }

    @Test
    void headerAddedToTheBlockIsHashedLikeAWireOne() {
        final Route r = route(HashPolicyConfig.ofHeader("x-user"));
        final HttpRequestHead h = head();
        h.headers().add(AsciiString.cached("x-user"), AsciiString.cached("alice"));
        assertThat(r.hash(h, SOURCE, FALLBACK)).isEqualTo(xxh64("alice"));
        final HttpRequestHead removed = head("x-user: bob");
        removed.headers().remove("x-user");
        assertThat(r.hash(removed, SOURCE, FALLBACK)).isEqualTo(FALLBACK);
    }

    @Test
    void cookieIsFoundAmongSeveralCookiesAndHeaders() {
        final Route r = route(HashPolicyConfig.ofCookie("sid"));
        final long abc = xxh64("abc");
        assertThat(r.hash(head("Cookie: sid=abc"), SOURCE, FALLBACK)).isEqualTo(abc);
        assertThat(r.hash(head("Cookie: a=1; sid=abc; b=2"), SOURCE, FALLBACK)).isEqualTo(abc);
        assertThat(r.hash(head("Cookie: a=1;sid=abc"), SOURCE, FALLBACK)).isEqualTo(abc);
        assertThat(r.hash(head("Cookie: a=1;   sid = abc  ;b=2"), SOURCE, FALLBACK)).isEqualTo(abc);
        assertThat(r.hash(head("Cookie: sid=\"abc\""), SOURCE, FALLBACK)).isEqualTo(abc);
        assertThat(r.hash(head("Cookie: a=1; b=2", "Cookie: c=3; sid=abc"), SOURCE, FALLBACK)).isEqualTo(abc);
        assertThat(r.hash(head("Cookie: sid=abc; sid=xyz"), SOURCE, FALLBACK)).isEqualTo(abc);
        assertThat(r.hash(head("Cookie: sid=xyz"), SOURCE, FALLBACK)).isNotEqualTo(abc);
    }

    @Test
    void cookieNamesMatchExactlyAndEmptyValuesDoNotCount() {
        final Route r = route(HashPolicyConfig.ofCookie("sid"));
        assertThat(r.hash(head("Cookie: xsid=abc; sidx=abc; SID=abc"), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
        assertThat(r.hash(head("Cookie: a=sid; sid; =abc"), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
        assertThat(r.hash(head("Cookie: sid=; a=1"), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
        assertThat(r.hash(head("Cookie: sid=\"\""), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
        assertThat(r.hash(head("Cookie: sid=; sid=abc"), SOURCE, FALLBACK)).isEqualTo(xxh64("abc"));
        assertThat(r.hash(head("x-sid: abc"), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
        assertThat(r.hash(head("Cookie: "), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
    }

    @Test
    void findCookieReportsTheValueRange() {
        final byte[] b = "a=1; sid = \"v1\" ;".getBytes(StandardCharsets.US_ASCII);
        final long range = Route.findCookie(null, b, 0, b.length, "sid".getBytes(StandardCharsets.US_ASCII));
        assertThat(new String(b, (int) (range >>> 32), (int) range - (int) (range >>> 32),
            StandardCharsets.US_ASCII)).isEqualTo("v1");
        assertThat(Route.findCookie(null, b, 0, b.length, "b".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-1);
    }

    @Test
    void sourceIpAlwaysYieldsTheConnectionsHash() {
        final Route r = route(HashPolicyConfig.ofSourceIp());
        assertThat(r.hash(head(), SOURCE, FALLBACK)).isEqualTo(SOURCE);
        assertThat(r.hash(head("x-user: alice"), 7, FALLBACK)).isEqualTo(7);
    }

    @Test
    void theFirstEntryThatYieldsAValueWins() {
        final Route r = route(HashPolicyConfig.ofHeader("x-user"), HashPolicyConfig.ofCookie("sid"),
            HashPolicyConfig.ofSourceIp());
        assertThat(r.hash(head("x-user: alice", "Cookie: sid=abc"), SOURCE, FALLBACK)).isEqualTo(xxh64("alice"));
        assertThat(r.hash(head("Cookie: sid=abc"), SOURCE, FALLBACK)).isEqualTo(xxh64("abc"));
        assertThat(r.hash(head("Cookie: other=abc"), SOURCE, FALLBACK)).isEqualTo(SOURCE);
        final Route noSource = route(HashPolicyConfig.ofCookie("sid"), HashPolicyConfig.ofHeader("x-user"));
        assertThat(noSource.hash(head("x-user: alice", "Cookie: sid=abc"), SOURCE, FALLBACK))
            .isEqualTo(xxh64("abc"));
        assertThat(noSource.hash(head("x-user: alice"), SOURCE, FALLBACK)).isEqualTo(xxh64("alice"));
        assertThat(noSource.hash(head(), SOURCE, FALLBACK)).isEqualTo(FALLBACK);
    }

    @Test
    void anEntryOfNoKindIsRejectedAtCompileTime() {
        assertThatThrownBy(() -> route(new HashPolicyConfig(null, null, false)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hash_policy[0]");
    }
}
