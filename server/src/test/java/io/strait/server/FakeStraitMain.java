package io.strait.server;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for Strait in {@link LauncherArchiveTest}, packed alone into a jar that {@code bin/strait} runs: it
 * prints the JVM flags the launcher gave it, and, like Strait once it serves ({@link TrainingMarker}), writes the
 * training marker when its "config" says {@code serve}; a config saying anything else is a failed start (exit 2).
 * Self-contained: the jar holds this class only.
 */
public final class FakeStraitMain {

    private FakeStraitMain() {
    }

    public static void main(final String[] args) throws Exception {
        System.out.println("flags " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        final boolean serve = args.length >= 3 && Files.readString(Path.of(args[2])).contains("serve");
        final String marker = System.getProperty("strait.classCacheTrained");
        if (serve && marker != null) {
            Files.write(Path.of(marker), new byte[0]);
        }
        System.exit(serve ? 0 : 2);
    }
}
