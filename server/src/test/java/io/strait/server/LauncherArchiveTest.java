package io.strait.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/strait run}'s class-data archive: the first run of a jar trains it, the next ones use it, and an archive
 * written by a run that never served (a usage or configuration error) is not used but trained again. Runs the real
 * launcher script on a jar holding only {@link FakeStraitMain}, with this test's JDK.
 */
class LauncherArchiveTest {

    private static final Path LAUNCHER = Path.of("..", "bin", "strait");

    @TempDir
    Path dir;

    @Test
    void anArchiveIsUsedOnlyOnceItsTrainingRunServed() throws Exception {
        final Path jar = fakeJar();
        final Path cache = dir.resolve("cache");
        final Path failing = Files.writeString(dir.resolve("fail.yaml"), "fail\n");
        final Path serving = Files.writeString(dir.resolve("serve.yaml"), "serve\n");

        final Run failed = run(jar, cache, failing);
        assertThat(failed.exit).as(failed.output).isEqualTo(2);
        assertThat(failed.output).contains("-D" + TrainingMarker.PROPERTY + "=");
        assertThat(archives(cache)).as("the JVM wrote an archive at exit").hasSize(1);
        assertThat(markers(cache)).as("no marker: the run never served").isEmpty();

        final Run trained = run(jar, cache, serving);
        assertThat(trained.exit).as(trained.output).isZero();
        assertThat(trained.output).as("the unmarked archive is trained again")
            .contains("-D" + TrainingMarker.PROPERTY + "=").doesNotContain("SharedArchiveFile=")
            .doesNotContain("AOTCache=");
        assertThat(archives(cache)).hasSize(1);
        assertThat(markers(cache)).hasSize(1);

        final Run using = run(jar, cache, serving);
        assertThat(using.exit).as(using.output).isZero();
        assertThat(using.output).doesNotContain(TrainingMarker.PROPERTY)
            .containsPattern("-XX:(SharedArchiveFile|AOTCache)=" + java.util.regex.Pattern.quote(
                archives(cache).get(0).toString()));
    }

    private record Run(int exit, String output) {
    }

    private Run run(final Path jar, final Path cache, final Path config) throws IOException, InterruptedException {
        final ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "run", "-c", config.toString())
            .redirectErrorStream(true);
        pb.environment().put("STRAIT_JAR", jar.toString());
        pb.environment().put("STRAIT_CACHE_DIR", cache.toString());
        pb.environment().put("STRAIT_JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("STRAIT_PROFILE", "default");
        pb.environment().remove("STRAIT_AOT");
        pb.environment().remove("STRAIT_JAVA_OPTS");
        final Process p = pb.start();
        final String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher exited; output:\n%s", output).isTrue();
        return new Run(p.exitValue(), output);
    }

    private static List<Path> archives(final Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.toString().endsWith(".jsa") || f.toString().endsWith(".aot")).toList();
        }
    }

    private static List<Path> markers(final Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.toString().endsWith(".ok")).toList();
        }
    }

    /** A runnable jar holding only FakeStraitMain. */
    private Path fakeJar() throws IOException {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeStraitMain.class.getName());
        final Path jar = dir.resolve("fake-strait.jar");
        final String entry = FakeStraitMain.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(jar);
             JarOutputStream jarOut = new JarOutputStream(out, manifest);
             InputStream classBytes = FakeStraitMain.class.getClassLoader().getResourceAsStream(entry)) {
            assertThat(classBytes).as(entry).isNotNull();
            jarOut.putNextEntry(new JarEntry(entry));
            classBytes.transferTo(jarOut);
            jarOut.closeEntry();
        }
        return jar;
    }
}
