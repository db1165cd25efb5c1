package io.strait.core.config;

import org.junit.jupiter.api.Test;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withListener;
import static org.assertj.core.api.Assertions.assertThat;

/** The listener keys {@code normalize_path}, {@code merge_slashes} and {@code path_with_escaped_slashes}. */
class ConfigPathNormalizationTest {

    private static final String VH = "virtual_hosts: [ { domains: [ a.example ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": listeners[1]." + pathAndMessage;
    }

    private static PathNormalizationConfig parsed(final String... keys) {
        final String[] lines = new String[keys.length + 3];
        lines[0] = "name: m";
        lines[1] = "address: 127.0.0.1:0";
        System.arraycopy(keys, 0, lines, 2, keys.length);
        lines[lines.length - 1] = VH;
        final ConfigResult r = ConfigLoader.parse(withListener(lines), "t.yaml");
        assertThat(r.errors()).isEmpty();
        return r.config().listeners().get(1).pathNormalization();
    }

    @Test
    void defaultsAreOnAndRejectEscapedSlashes() {
        final PathNormalizationConfig d = parsed();
        assertThat(d).isEqualTo(PathNormalizationConfig.DEFAULT);
        assertThat(d.normalizePath()).isTrue();
        assertThat(d.mergeSlashes()).isTrue();
        assertThat(d.escapedSlashes()).isEqualTo(PathNormalizationConfig.EscapedSlashes.REJECT);
    }

    @Test
    void explicitValuesAreRead() {
        assertThat(parsed("normalize_path: false", "merge_slashes: false", "path_with_escaped_slashes: keep"))
            .isEqualTo(PathNormalizationConfig.OFF);
        assertThat(parsed("path_with_escaped_slashes: unescape_and_forward").escapedSlashes())
            .isEqualTo(PathNormalizationConfig.EscapedSlashes.UNESCAPE_AND_FORWARD);
        assertThat(parsed("merge_slashes: false")).isEqualTo(new PathNormalizationConfig(true, false,
            PathNormalizationConfig.EscapedSlashes.REJECT));
    }

    @Test
    void badValuesAreReportedAtTheirLine() {
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0", "normalize_path: yes please",
            "merge_slashes: 1", "path_with_escaped_slashes: rejct", VH)))
            .containsExactly(
                at(11, 21, "normalize_path: expected true or false, got a string 'yes please'"),
                at(12, 20, "merge_slashes: expected true or false, got an integer '1'"),
                at(13, 32, "path_with_escaped_slashes: unknown escaped slashes action 'rejct' (expected one of keep, "
                    + "reject, unescape_and_forward; did you mean 'reject'?)"));
        assertThat(errors(withListener("name: m", "address: 127.0.0.1:0",
            "path_with_escaped_slashes: unescape_and_redirect", VH)))
            .containsExactly(at(11, 32, "path_with_escaped_slashes: unescape_and_redirect is not implemented yet "
                + "(use reject or unescape_and_forward)"));
    }
}
