package io.strait.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real {@code bin/strait} launcher on a jar holding only {@link FakeStraitMain} (which prints the JVM flags it
 * was given), with this test's JDK, for the launcher's tests.
 */
final class LauncherScript {

    private static final Path LAUNCHER = Path.of("..", "bin", "strait");

    /** One launcher run: its exit status and its output (stdout and stderr). */
    record Run(int exit, String output) {

        /** The JVM flags FakeStraitMain printed, or an empty list when it never ran. */
        List<String> flags() {
            for (final String line : output.split("\n")) {
                if (line.startsWith("flags [") && line.endsWith("]")) {
                    return List.of(line.substring("flags [".length(), line.length() - 1).split(", "));
                }
            }
            return List.of();
        }
    }

    private LauncherScript() {
    }

    /**
     * Runs {@code bin/strait ARGS} on {@code jar} with no STRAIT_* variables of the caller's environment but
     * {@code env}'s, the class-data archive kept under {@code cache}.
     */
    static Run run(final Path jar, final Path cache, final Map<String, String> env, final String... args)
        throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("STRAIT_"));
        pb.environment().put("STRAIT_JAR", jar.toString());
        pb.environment().put("STRAIT_CACHE_DIR", cache.toString());
        pb.environment().put("STRAIT_JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        final Process p = pb.start();
        final String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("launcher exited; output:\n%s", output).isTrue();
        return new Run(p.exitValue(), output);
    }

    /** A runnable jar in {@code dir} holding only FakeStraitMain. */
    static Path fakeJar(final Path dir) throws IOException {
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
