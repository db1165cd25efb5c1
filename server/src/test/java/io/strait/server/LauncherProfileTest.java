package io.strait.server;

import io.strait.server.LauncherScript.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM side of {@code runtime.profile} in {@code bin/strait}: {@code run -c FILE} takes the sidecar flags when FILE
 * says {@code profile: sidecar} (not in a comment), STRAIT_PROFILE overrides the file, STRAIT_HEAP the heap's
 * maximum, and an unknown profile stops the launcher with an error. Runs the real launcher ({@link LauncherScript})
 * with the class-data archive off, so only the profile's flags differ.
 */
class LauncherProfileTest {

    private static final String SIDECAR_HEAP = "-Xmx64m";
    private static final String DEFAULT_HEAP = "-Xmx256m";

    @TempDir
    Path dir;

    private Path jar;

    @BeforeEach
    void setUp() throws IOException {
        jar = LauncherScript.fakeJar(dir);
    }

    @Test
    void aConfigSayingProfileSidecarGetsTheSidecarFlags() throws Exception {
        final Path config = config("sidecar.yaml", "runtime:\n  profile: sidecar   # one loop\n# serve\n");
        final Run r = run(Map.of(), "run", "-c", config.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.flags()).contains(SIDECAR_HEAP, "-XX:MaxDirectMemorySize=64m", "-XX:CICompilerCount=2",
            "-Dio.netty.allocator.numDirectArenas=1").doesNotContain(DEFAULT_HEAP);
    }

    @Test
    void theLongOptionAndAQuotedValueAreReadToo() throws Exception {
        final Path config = config("quoted.yaml", "runtime: { profile: \"sidecar\" }\n# serve\n");
        final Run r = run(Map.of(), "run", "--config", config.toString());
        assertThat(r.flags()).as(r.output()).contains(SIDECAR_HEAP);
    }

    @Test
    void aCommentedOutProfileOrAnotherProfileKeepsTheDefault() throws Exception {
        final Path commented = config("commented.yaml", "runtime:\n  # profile: sidecar\n# serve\n");
        assertThat(run(Map.of(), "run", "-c", commented.toString()).flags()).contains(DEFAULT_HEAP)
            .doesNotContain(SIDECAR_HEAP, "-XX:CICompilerCount=2");
        final Path other = config("other.yaml", "runtime: { profile: default }\n# serve\n");
        assertThat(run(Map.of(), "run", "-c", other.toString()).flags()).contains(DEFAULT_HEAP);
    }

    @Test
    void straitProfileOverridesTheFileAndStraitHeapTheMaximum() throws Exception {
        final Path config = config("sidecar.yaml", "runtime: { profile: sidecar }\n# serve\n");
        assertThat(run(Map.of("STRAIT_PROFILE", "default"), "run", "-c", config.toString()).flags())
            .contains(DEFAULT_HEAP).doesNotContain(SIDECAR_HEAP);
        assertThat(run(Map.of("STRAIT_HEAP", "48m"), "run", "-c", config.toString()).flags())
            .contains("-Xmx48m", "-XX:CICompilerCount=2").doesNotContain(SIDECAR_HEAP);
        final Path plain = config("plain.yaml", "runtime: {}\n# serve\n");
        assertThat(run(Map.of("STRAIT_PROFILE", "sidecar"), "run", "-c", plain.toString()).flags())
            .contains(SIDECAR_HEAP);
    }

    @Test
    void anUnknownProfileStopsTheLauncherWithAnError() throws Exception {
        final Path config = config("plain.yaml", "# serve\n");
        final Run r = run(Map.of("STRAIT_PROFILE", "tiny"), "run", "-c", config.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("STRAIT_PROFILE=tiny: expected default or sidecar");
        assertThat(r.flags()).as("Strait never started").isEmpty();
    }

    private Run run(final Map<String, String> env, final String... args) throws Exception {
        final Map<String, String> all = new java.util.HashMap<>(env);
        all.put("STRAIT_AOT", "off");
        return LauncherScript.run(jar, dir.resolve("cache"), all, args);
    }

    private Path config(final String name, final String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
