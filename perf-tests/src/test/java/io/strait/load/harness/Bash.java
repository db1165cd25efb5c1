package io.strait.load.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the harness's shell code (compare.sh, lib/*.sh) from the module's directory, as a user would. */
final class Bash {

    /** The perf-tests directory: Maven runs the tests there. */
    static final Path DIR = Path.of("").toAbsolutePath();

    /** What a run printed and returned. */
    record Result(int exitCode, String out, String err) {
    }

    private Bash() {
    }

    /** True when {@code tool} is on the PATH, /usr/sbin and /sbin included (where nginx and haproxy live). */
    static boolean has(final String tool) {
        for (final String dir : (System.getenv("PATH") + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code script} with bash, {@code args} as $1..., in the perf-tests directory; a bounded wait (a script
     * that hangs fails the test instead of blocking the build).
     */
    static Result run(final String script, final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "bash"));
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).directory(DIR.toFile());
        pb.environment().put("PATH", System.getenv("PATH") + ":/usr/sbin:/sbin");
        final Path out = Files.createTempFile("bash-out", ".txt");
        final Path err = Files.createTempFile("bash-err", ".txt");
        try {
            final Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("bash did not finish: " + script);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
