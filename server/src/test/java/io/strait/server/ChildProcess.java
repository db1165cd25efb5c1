package io.strait.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Strait's {@code Main} in a child JVM (the test's own java and class path), its stdout and stderr merged into a file
 * that the test polls. (Not a pipe: when a child exits right after printing, the JDK's process reaper can close the
 * pipe under a reading thread, which then sees "Stream closed" and loses the last lines, the ones a drain prints.)
 * Not thread-safe: one test thread drives it.
 */
final class ChildProcess implements AutoCloseable {

    private static final long POLL_MILLIS = 20;

    private final Process process;
    private final Path log;

    private ChildProcess(final Process process, final Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java ... io.strait.server.Main args} with the logging configuration of the shipped jar; its output
     * goes to {@code log}.
     */
    static ChildProcess start(final Path log, final String... args) throws IOException {
        final String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        final List<String> cmd = new ArrayList<>(List.of(java,
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dio.netty.leakDetection.level=paranoid",
            // The proxy-core test-jar on the class path brings a logback-test.xml (root WARN) that would hide the
            // launcher's INFO lines: use the logback.xml Strait ships.
            "-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"),
            "-cp", System.getProperty("java.class.path"),
            Main.class.getName()));
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        return new ChildProcess(pb.start(), log);
    }

    /**
     * Waits until a complete line matching {@code p} was printed and returns it; null if the process exited or
     * {@code within} passed first.
     */
    String awaitLine(final Predicate<String> p, final Duration within) throws InterruptedException {
        final long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            final boolean exited = !process.isAlive();
            for (final String line : lines()) {
                if (p.test(line)) {
                    return line;
                }
            }
            if (exited || System.nanoTime() - deadline >= 0) {
                return null;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Everything printed so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The complete lines printed so far. */
    private List<String> lines() {
        final String all = output();
        final int end = all.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(all.substring(0, end).split("\n", -1));
    }

    /** Sends signal {@code name} (e.g. {@code HUP}) with kill(1); waits for kill to return. */
    void signal(final String name) throws IOException, InterruptedException {
        final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Sends SIGTERM. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the exit; returns the exit code, or null if it did not exit {@code within}. */
    Integer awaitExit(final Duration within) throws InterruptedException {
        return process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** Kills the process if it is still there. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
