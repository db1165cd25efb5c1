package io.strait.core.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegexPrefixTest {

    @ParameterizedTest(name = "{0} -> ''{1}''")
    @CsvSource(value = {
        "/files/[^/]+\\.pdf => /files/",
        "/v[0-9]+/.* => /v",
        "/ab* => /a",
        "/ab+ => /a",
        "/ab? => /a",
        "/ab{2} => /a",
        "/a.b => /a",
        "/abc\\d => /abc",
        "/abc(?i)def => /abc",
        "(?i)/abc => ''",
        "^/abc => ''",
        "/a|/b => ''",
        "/x(a|b) => ''",
        "/api/v1 => /api/v1",
        "a* => ''",
    }, delimiterString = " => ")
    void prefixIsTheLeadingLiteralRun(final String regex, final String prefix) {
        assertThat(new String(RegexPrefix.of(regex), StandardCharsets.US_ASCII)).isEqualTo(prefix);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(value = {
        "/files/[^/]+\\.pdf => /files/a.pdf",
        "/ab* => /a",
        "/ab{0,2}c => /ac",
        "/v[0-9]+/.* => /v12/x",
        "/abc(?i)def => /abcDEF",
    }, delimiterString = " => ")
    void everyWholeMatchStartsWithThePrefix(final String regex, final String input) {
        assertThat(Pattern.compile(regex).matcher(input).matches()).isTrue();
        assertThat(input).startsWith(new String(RegexPrefix.of(regex), StandardCharsets.US_ASCII));
    }
}
