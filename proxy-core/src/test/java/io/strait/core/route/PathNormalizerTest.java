package io.strait.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import io.strait.core.config.PathNormalizationConfig;
import io.strait.core.config.PathNormalizationConfig.EscapedSlashes;
import io.strait.core.http.HttpRequestHead;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

    private static final PathNormalizer DEFAULT = new PathNormalizer(PathNormalizationConfig.DEFAULT);

    private final TestRequests requests = new TestRequests();

    @AfterEach
    void release() {
        requests.releaseAll();
    }

    private String normalized(final PathNormalizer n, final String path) {
        final HttpRequestHead head = requests.get("h", path);
        assertThat(n.normalize(head)).as(path).isEqualTo(PathNormalizer.OK);
        return head.path().toString();
    }

    private int refused(final PathNormalizer n, final String path) {
        final HttpRequestHead head = requests.get("h", path);
        final int result = n.normalize(head);
        assertThat(head.path().toString()).as("a refused path is left as it was").isEqualTo(path);
        return result;
    }

    private static PathNormalizer with(final boolean normalize, final boolean merge, final EscapedSlashes slashes) {
        return new PathNormalizer(new PathNormalizationConfig(normalize, merge, slashes));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        // RFC 3986 §5.4 "normal" and "abnormal" examples, as resolved against base /b/c/d;p?q, taken as paths.
        "/b/c/./g, /b/c/g",
        "/b/c/g/, /b/c/g/",
        "/b/c/., /b/c/",
        "/b/c/./, /b/c/",
        "/b/c/.., /b/",
        "/b/c/../, /b/",
        "/b/c/../g, /b/g",
        "/b/c/../.., /",
        "/b/c/../../, /",
        "/b/c/../../g, /g",
        "/b/c/../../../g, /g",
        "/b/c/../../../../g, /g",
        "/./g, /g",
        "/../g, /g",
        "/b/c/g., /b/c/g.",
        "/b/c/.g, /b/c/.g",
        "/b/c/g.., /b/c/g..",
        "/b/c/..g, /b/c/..g",
        "/b/c/./../g, /b/g",
        "/b/c/./g/., /b/c/g/",
        "/b/c/g/./h, /b/c/g/h",
        "/b/c/g/../h, /b/c/h",
        "/b/c/g;x=1/./y, /b/c/g;x=1/y",
        "/b/c/g;x=1/../y, /b/c/y",
        // §5.2.4's worked examples.
        "/a/b/c/./../../g, /a/g",
        "/mid/content=5/../6, /mid/6",
        // the attacks of issue 9
        "/public/../admin, /admin",
        "/public/%2e%2e/admin, /admin",
        "/public/%2E%2e/admin, /admin",
        "/public/.%2e/admin, /admin",
        "//admin, /admin",
        // dot segments first, as Envoy: ".." removes the empty segment before it; then slashes merge
        "/public//..//admin, /public/admin",
        "/public\\..\\admin, /admin",
        // unreserved decoding and hex case (RFC 3986 §6.2.2.1-2); others stay encoded
        "/%7Euser/%41%62c, /~user/Abc",
        "/a%20b/%3f/%c3%a9, /a%20b/%3F/%C3%A9",
        "/, /",
        "/a, /a",
        "/a/, /a/",
        "///, /",
    })
    void normalisesWithTheDefaults(final String path, final String expected) {
        assertThat(normalized(DEFAULT, path)).isEqualTo(expected);
    }

    @Test
    void theQueryIsKeptByteForByte() {
        assertThat(normalized(DEFAULT, "/a/../b//c?x=/../%2e%2E&y=//z%2F")).isEqualTo("/b/c?x=/../%2e%2E&y=//z%2F");
        assertThat(normalized(DEFAULT, "/a/./?")).isEqualTo("/a/?");
        assertThat(normalized(DEFAULT, "/?q=%zz")).isEqualTo("/?q=%zz");
    }

    @Test
    void anAlreadyNormalPathIsLeftUntouched() {
        for (final String path : new String[] {"/", "/api/v1/users/42?x=1&y=/../", "/a%20b/%C3%A9", "/a.b/..c/.d",
            "/files/report.pdf"}) {
            final HttpRequestHead head = requests.get("h", path);
            assertThat(DEFAULT.normalize(head)).isEqualTo(PathNormalizer.OK);
            // the path still points into the original bytes: path() copies them into a new string each time
            assertThat((Object) head.path()).isNotSameAs(head.path());
            assertThat(head.path().toString()).isEqualTo(path);
        }
    }

    @Test
    void invalidPercentEncodingsAreRefused() {
        for (final String path : new String[] {"/a%", "/a%2", "/a%zz/b", "/%2g", "/a%%41", "/a/%", "/a%4?q"}) {
            assertThat(refused(DEFAULT, path)).as(path).isEqualTo(PathNormalizer.INVALID_ENCODING);
        }
        assertThat(PathNormalizer.status(PathNormalizer.INVALID_ENCODING)).isEqualTo(400);
        assertThat(PathNormalizer.reason(PathNormalizer.INVALID_ENCODING)).isEqualTo("invalid_path");
    }

    @Test
    void escapedSlashesUnderEachPolicy() {
        final String attack = "/public/..%2Fadmin";
        final String back = "/public%5C..%5cadmin";
        // reject (the default)
        assertThat(refused(DEFAULT, attack)).isEqualTo(PathNormalizer.ESCAPED_SLASH);
        assertThat(refused(DEFAULT, back)).isEqualTo(PathNormalizer.ESCAPED_SLASH);
        assertThat(refused(DEFAULT, "/a%2fb")).isEqualTo(PathNormalizer.ESCAPED_SLASH);
        assertThat(PathNormalizer.reason(PathNormalizer.ESCAPED_SLASH)).isEqualTo("escaped_slash");
        // unescape_and_forward: decoded, then normalised like any other slash
        final PathNormalizer unescape = with(true, true, EscapedSlashes.UNESCAPE_AND_FORWARD);
        assertThat(normalized(unescape, attack)).isEqualTo("/admin");
        assertThat(normalized(unescape, back)).isEqualTo("/admin");
        assertThat(normalized(unescape, "/a%2F%2Fb?c=%2F")).isEqualTo("/a/b?c=%2F");
        // keep: left encoded (hex upper-cased when normalising), so they are part of a segment, not separators
        final PathNormalizer keep = with(true, true, EscapedSlashes.KEEP);
        assertThat(normalized(keep, attack)).isEqualTo(attack);
        assertThat(normalized(keep, "/a%2fb/../c")).isEqualTo("/c");
        assertThat(normalized(keep, "/x/a%2fb")).isEqualTo("/x/a%2Fb");
        assertThat(normalized(with(false, false, EscapedSlashes.KEEP), "/x/a%2fb")).isEqualTo("/x/a%2fb");
    }

    @Test
    void eachSettingAlone() {
        final PathNormalizer mergeOnly = with(false, true, EscapedSlashes.KEEP);
        assertThat(normalized(mergeOnly, "//a///b/../c%2e")).isEqualTo("/a/b/../c%2e");
        final PathNormalizer normalizeOnly = with(true, false, EscapedSlashes.KEEP);
        assertThat(normalized(normalizeOnly, "//a//b/../c%2e")).isEqualTo("//a//c.");
        final PathNormalizer off = with(false, false, EscapedSlashes.KEEP);
        assertThat(normalized(off, "//a/../%zz")).isEqualTo("//a/../%zz");
        assertThat(PathNormalizer.OFF.normalize(requests.get("h", "/a/../b"))).isEqualTo(PathNormalizer.OK);
        final PathNormalizer rejectOnly = with(false, false, EscapedSlashes.REJECT);
        assertThat(normalized(rejectOnly, "/a/../b")).isEqualTo("/a/../b");
        assertThat(refused(rejectOnly, "/a%2F")).isEqualTo(PathNormalizer.ESCAPED_SLASH);
    }

    @Test
    void aReplacedPathIsNormalisedToo() {
        final HttpRequestHead head = requests.get("h", "/x");
        head.path(AsciiString.of("/p/./q/../r"));
        assertThat(DEFAULT.normalize(head)).isEqualTo(PathNormalizer.OK);
        assertThat(head.path().toString()).isEqualTo("/p/r");
    }

    @Test
    void anAsteriskTargetIsLeftAlone() {
        final HttpRequestHead head = requests.parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(DEFAULT.normalize(head)).isEqualTo(PathNormalizer.OK);
        assertThat(head.path().toString()).isEqualTo("*");
    }

    @Test
    void routingSeesTheNormalisedPath() {
        final RouteTable t = RouteTable.compile(TestConfigs.listener(TestConfigs.vhost("v", java.util.List.of("*"),
            TestConfigs.route(TestConfigs.prefix("/public"), "pub"), TestConfigs.route(TestConfigs.prefix("/admin"),
                "adm"))), TestConfigs.clusters("pub", "adm"));
        for (final String attack : new String[] {"/public/../admin", "/public/%2e%2e/admin", "//admin"}) {
            final HttpRequestHead head = requests.get("h", attack);
            assertThat(t.normalizePath(head)).isEqualTo(PathNormalizer.OK);
            assertThat(t.match(head).index()).as(attack).isEqualTo(1);
        }
    }
}
