package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withRoute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Config values that are spliced into a forwarded request (prefix_rewrite into the request line, header names and
 * values into the head, host_rewrite into Host) are checked against their grammar, so no SP, CR, LF, control or
 * non-Latin-1 character can break or inject a request. Each error names the field and its line:column.
 */
class ConfigWireValuesTest {

    private static final String R = "t.yaml:%d:%d: listeners[0].virtual_hosts[0].routes[0].%s";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return String.format(R, line, column, pathAndMessage);
    }

    private static String rewrite(final String yamlValue) {
        return withRoute("match: { prefix: /a }", "cluster: c", "prefix_rewrite: " + yamlValue);
    }

    @Test
    void prefixRewriteMustBeAPathThatCannotBreakTheRequestLine() {
        assertThat(errors(rewrite("/b/c-d_e.f~g/%2F;x=1:@!$&'()*+,"))).isEmpty();
        assertThat(errors(rewrite("\"/b c\"")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must not contain a space "
                + "(percent-encode it)"));
        assertThat(errors(rewrite("\"/b\\r\\nX-Injected: 1\\r\\n\"")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must not contain CR "
                + "(percent-encode it)"));
        assertThat(errors(rewrite("\"/b HTTP/1.1\\nHost: evil\"")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must not contain a space "
                + "(percent-encode it)"));
        assertThat(errors(rewrite("\"/b\\tc\"")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must not contain a tab "
                + "(percent-encode it)"));
        assertThat(errors(rewrite("\"/b\\0\"")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must not contain NUL "
                + "(percent-encode it)"));
        assertThat(errors(rewrite("/b?x=1")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must not contain '?'"));
        assertThat(errors(rewrite("\"/b#f\"")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must not contain '#'"));
        assertThat(errors(rewrite("/b%2")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: '%' must be followed by two "
                + "hex digits"));
        assertThat(errors(rewrite("/caf\u00e9")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must not contain "
                + "character U+00E9 (percent-encode it)"));
        assertThat(errors(rewrite("b")))
            .containsExactly(at(9, 29, "prefix_rewrite: prefix_rewrite must be a path: it must start with '/'"));
    }

    @Test
    void hostRewriteMustBeAHost() {
        assertThat(errors(withRoute("match: { prefix: /a }", "cluster: c", "host_rewrite: \"a\\r\\nx: y\"")))
            .containsExactly(at(9, 27, "host_rewrite: 'a\r\nx' is not a valid host name"));
        assertThat(errors(withRoute("match: { prefix: /a }", "cluster: c", "host_rewrite: \"a b:80\"")))
            .containsExactly(at(9, 27, "host_rewrite: 'a b' is not a valid host name"));
        assertThat(errors(withRoute("match: { prefix: /a }", "cluster: c", "host_rewrite: b.example:8080")))
            .isEmpty();
    }

    @Test
    void headerNamesMustBeTokensAndValuesFieldValues() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c",
            "request_headers_to_add:",
            "  - { name: \"x-a\\r\\nx-b\", value: a }",
            "  - { name: \"x a\", value: a }",
            "  - { name: \"x:a\", value: a }",
            "  - { name: x-ok, value: \"a\\rb\" }",
            "  - { name: x-ok, value: \"a\\x01b\" }",
            "  - { name: x-ok, value: \"a\\x7Fb\" }",
            "  - { name: x-ok, value: \"a\\u010Ab\" }",
            "  - { name: x-ok, value: \" a\" }",
            "  - { name: x-ok, value: \"a\\t\" }",
            "response_headers_to_add:",
            "  - { name: x-ok, value: \"a\\nb\" }",
            "  - { name: x-ok, value: \"tab\\tand space and caf\\u00e9 are fine\" }",
            "  - { name: x-empty, value: \"\" }")))
            .containsExactly(
                at(10, 25, "request_headers_to_add[0].name: 'x-a\r\nx-b' is not a valid header name"),
                at(11, 25, "request_headers_to_add[1].name: 'x a' is not a valid header name"),
                at(12, 25, "request_headers_to_add[2].name: 'x:a' is not a valid header name"),
                at(13, 38, "request_headers_to_add[3].value: a header value must not contain CR"),
                at(14, 38, "request_headers_to_add[4].value: a header value must not contain control character "
                    + "0x01"),
                at(15, 38, "request_headers_to_add[5].value: a header value must not contain DEL"),
                at(16, 38, "request_headers_to_add[6].value: a header value must not contain character U+010A "
                    + "(beyond ISO-8859-1)"),
                at(17, 38, "request_headers_to_add[7].value: a header value must not contain leading whitespace"),
                at(18, 38, "request_headers_to_add[8].value: a header value must not contain trailing whitespace"),
                at(20, 38, "response_headers_to_add[0].value: a header value must not contain LF"));
    }

    @Test
    void headerNamesToRemoveMustBeTokens() {
        assertThat(errors(withRoute("match: { prefix: / }", "cluster: c",
            "request_headers_to_remove: [ \"x-a\\r\\nx-b\", \"x y\" ]")))
            .containsExactly(
                at(9, 42, "request_headers_to_remove[0]: 'x-a\r\nx-b' is not a valid header name"),
                at(9, 56, "request_headers_to_remove[1]: 'x y' is not a valid header name"));
    }
}
