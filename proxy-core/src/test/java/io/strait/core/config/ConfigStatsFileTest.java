package io.strait.core.config;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.strait.core.config.ConfigFixtures.errors;
import static io.strait.core.config.ConfigFixtures.withTopLevel;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code runtime.stats_file}. */
class ConfigStatsFileTest {

    @TempDir
    Path dir;

    private StraitConfig parsed(final String yaml) {
        final ConfigResult r = ConfigLoader.parse(yaml, ConfigFixtures.SOURCE, dir);
        assertThat(r.errors()).isEmpty();
        return r.config();
    }

    @Test
    void absentMeansTheLaunchersDefaultAndNoneMeansMemory() {
        final RuntimeConfig absent = parsed(withTopLevel("")).runtime();
        assertThat(absent.statsFile()).isNull();
        assertThat(absent.statsFilePath()).isNull();
        final RuntimeConfig none = parsed(withTopLevel("runtime: { stats_file: none }\n")).runtime();
        assertThat(none.statsFile()).isEqualTo(RuntimeConfig.NO_STATS_FILE);
        assertThat(none.statsFilePath()).isNull();
    }

    @Test
    void pathsResolveAgainstTheConfigDirectory() {
        assertThat(parsed(withTopLevel("runtime: { stats_file: run/stats }\n")).runtime().statsFilePath())
            .isEqualTo(dir.resolve("run/stats").toAbsolutePath());
        assertThat(parsed(withTopLevel("runtime: { stats_file: /dev/shm/s/stats-1 }\n")).runtime().statsFilePath())
            .isEqualTo(Path.of("/dev/shm/s/stats-1"));
        final RuntimeConfig withDefault = parsed(withTopLevel("")).runtime().withStatsFile("/tmp/x");
        assertThat(withDefault.statsFilePath()).isEqualTo(Path.of("/tmp/x"));
    }

    @Test
    void errorsNameTheFieldAndLine() {
        assertThat(errors(withTopLevel("runtime: { stats_file: \"\" }\n")))
            .containsExactly("t.yaml:12:24: runtime.stats_file: expected a file path, or none to keep counters in "
                + "memory");
        assertThat(errors(withTopLevel("runtime: { stats_file: " + dir + " }\n")))
            .containsExactly("t.yaml:12:24: runtime.stats_file: " + dir + " is a directory; name a file in it, e.g. "
                + dir.resolve("stats"));
        assertThat(errors(withTopLevel("runtime: { stats_fle: x }\n")))
            .containsExactly("t.yaml:12:12: runtime.stats_fle: unknown field 'stats_fle' (did you mean 'stats_file'?)");
    }
}
