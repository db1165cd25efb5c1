package io.strait.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withListener;
import static org.assertj.core.api.Assertions.assertThat;

/** Key {@code access_log} of a listener: defaults, formats, and the path checked at load time. */
class ConfigAccessLogTest {

    private static final String VH = "virtual_hosts: [ { domains: [ a.example ], routes: [ { match: { prefix: / }, "
        + "cluster: c } ] } ]";

    @TempDir
    Path dir;

    private static String at(final int line, final int column, final String pathAndMessage) {
        return "t.yaml:" + line + ":" + column + ": listeners[1].access_log." + pathAndMessage;
    }

    private static List<String> withAccessLog(final String accessLog) {
        return errors(withListener("name: m", "address: 127.0.0.1:0", VH, "access_log: " + accessLog));
    }

    private static ListenerConfig listener(final String accessLog) {
        final ConfigResult r = ConfigLoader.parse(withListener("name: m", "address: 127.0.0.1:0", VH,
            "access_log: " + accessLog), ConfigFixtures.SOURCE);
        assertThat(r.errors()).isEmpty();
        return r.config().listeners().get(1);
    }

    @Test
    void absentMeansNoAccessLog() {
        final ConfigResult r = ConfigLoader.parse(withListener("name: m", "address: 127.0.0.1:0", VH),
            ConfigFixtures.SOURCE);
        assertThat(r.config().listeners().get(1).accessLog()).isNull();
    }

    @Test
    void textIsTheDefaultFormatAndJsonIsAccepted() {
        final String file = dir.resolve("a.log").toString();
        assertThat(listener("{ path: " + file + " }").accessLog())
            .isEqualTo(new AccessLogConfig(file, AccessLogConfig.Format.TEXT));
        assertThat(listener("{ path: " + file + ", format: json }").accessLog())
            .isEqualTo(new AccessLogConfig(file, AccessLogConfig.Format.JSON));
        assertThat(listener("{ path: \"-\" }").accessLog().path()).isEqualTo("-");
        assertThat(listener("{ path: /dev/stdout, format: text }").accessLog().path()).isEqualTo("/dev/stdout");
    }

    @Test
    void aBadFormatIsNamedWithSuggestions() {
        assertThat(withAccessLog("{ path: " + dir.resolve("a.log") + ", format: jsn }")).containsExactly(
            at(12, 35 + dir.resolve("a.log").toString().length(),
                "format: unknown access log format 'jsn' (expected one of text, json; did you mean 'json'?)"));
    }

    @Test
    void pathIsRequiredAndNotEmpty() {
        assertThat(withAccessLog("{ format: json }")).containsExactly(
            at(12, 17, "path: missing required field 'path'"));
        assertThat(withAccessLog("{ path: \"\" }")).containsExactly(
            at(12, 25, "path: access log path is empty (a file path, or - for standard output)"));
    }

    @Test
    void aMissingDirectoryOrADirectoryPathIsRefusedAtLoadTime() {
        final String missing = dir.resolve("no-such-dir").resolve("a.log").toString();
        assertThat(withAccessLog("{ path: " + missing + " }")).containsExactly(
            at(12, 25, "path: access log directory '" + dir.resolve("no-such-dir") + "' does not exist"));
        assertThat(withAccessLog("{ path: " + dir + " }")).containsExactly(
            at(12, 25, "path: access log path '" + dir + "' is a directory (expected a file in it)"));
    }

    @Test
    void unknownKeysGetSuggestions() {
        assertThat(withAccessLog("{ path: \"-\", fromat: json }")).containsExactly(
            at(12, 30, "fromat: unknown field 'fromat' (did you mean 'format'?)"));
    }
}
