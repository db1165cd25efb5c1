package io.strait.server;

import io.strait.core.config.yaml.Durations;
import io.strait.core.stats.StatsFileReader;
import io.strait.core.stats.StatsFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * {@code strait stat [--watch 1s] [--filter REGEX] [--file PATH]}: prints every counter and gauge of a running (or
 * finished) Strait as {@code name: value} lines, read from its stats file without asking it, as aeron-stat reads
 * Aeron's counters. Runs on the launcher's main thread.
 */
final class StatCommand implements Callable<Integer> {

    /** Exit code when there is nothing to read: no stats file, or not one. */
    static final int NO_FILE = 1;
    /** Exit code for bad options. */
    static final int USAGE = 2;
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    static final Cli.Command CLI = new Cli.Command("stat", Main.text("""
            Usage: strait stat [--file=PATH] [--filter=REGEX] [--watch=INTERVAL]
            Print a Strait's counters and gauges (name: value, summed over event loops),
            read from its stats file.
            Without --file: the only stats file in the default directory
            (/dev/shm/strait-<user>/).
                  --file=PATH        The stats file (runtime.stats_file of the Strait to
                                       read).
                  --filter=REGEX     Only the names in which REGEX finds a match (e.g.
                                       ^cluster\\.api\\. or _5xx$).
                  --watch=INTERVAL   Print again every INTERVAL (e.g. 1s, 500ms) until
                                       interrupted.
            """),
        List.of(Cli.Option.value(null, "--file", "PATH"), Cli.Option.value(null, "--watch", "INTERVAL"),
            Cli.Option.value(null, "--filter", "REGEX")));

    private final Path file;
    private final String watch;
    private final String filter;

    private StatCommand(final Cli.Parsed p) {
        this.file = p.has("--file") ? Path.of(p.get("--file")) : null;
        this.watch = p.get("--watch");
        this.filter = p.get("--filter");
    }

    /** The command with the options of {@code p}. */
    static StatCommand from(final Cli.Parsed p) {
        return new StatCommand(p);
    }

    @Override
    public Integer call() throws InterruptedException {
        final PrintStream err = System.err;
        final Pattern names;
        final Duration interval;
        try {
            names = filter == null ? null : Pattern.compile(filter);
            interval = watch == null ? null : Durations.parse(watch);
        } catch (final PatternSyntaxException e) {
            err.println("strait stat: --filter: " + e.getDescription() + " in '" + filter + "'");
            return USAGE;
        } catch (final IllegalArgumentException e) {
            err.println("strait stat: --watch: " + e.getMessage());
            return USAGE;
        }
        if (interval != null && interval.isZero()) {
            err.println("strait stat: --watch must be greater than 0");
            return USAGE;
        }
        final Path path = file != null ? file : defaultFile(err);
        if (path == null) {
            return NO_FILE;
        }
        StatsFileReader reader = open(path, err);
        if (reader == null) {
            return NO_FILE;
        }
        if (interval == null) {
            print(reader, names, System.out);
            return 0;
        }
        while (true) {
            final StringBuilder screen = new StringBuilder(CLEAR_SCREEN);
            screen.append(Instant.now()).append(" - Strait stats ").append(reader.path()).append(", pid ")
                .append(reader.pid()).append(reader.writerAlive() ? " (running)" : " (not running)").append(", ")
                .append(reader.eventLoops()).append(" event loop(s)").append(System.lineSeparator());
            final PrintStream out = System.out;
            out.print(screen);
            print(reader, names, out);
            out.flush();
            Thread.sleep(Math.max(1, interval.toMillis()));
            if (reader.replaced()) {
                // A new Strait took the path over (or it went away): follow the path, keep showing the old till then.
                final StatsFileReader again = open(path, err);
                if (again != null) {
                    reader = again;
                }
            }
        }
    }

    private static void print(final StatsFileReader reader, final Pattern names, final PrintStream out) {
        final StringBuilder b = new StringBuilder();
        for (final Map.Entry<String, Long> e : reader.values().entrySet()) {
            if (names == null || names.matcher(e.getKey()).find()) {
                b.append(e.getKey()).append(": ").append(e.getValue()).append(System.lineSeparator());
            }
        }
        out.print(b);
    }

    /** The stats file at {@code path}, or null after saying why there is none. */
    private static StatsFileReader open(final Path path, final PrintStream err) {
        try {
            return StatsFileReader.open(path);
        } catch (final NoSuchFileException e) {
            err.println("strait stat: no stats file at " + path + " (is Strait running? its runtime.stats_file "
                + "says where it writes)");
        } catch (final IOException e) {
            err.println("strait stat: cannot read " + path + ": " + e.getMessage());
        }
        return null;
    }

    /** The one stats file in the default directory, or null after saying why not. */
    private static Path defaultFile(final PrintStream err) {
        final Path dir = StatsFiles.defaultDirectory();
        final List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> p.getFileName().toString().startsWith(StatsFiles.PREFIX)
                    && !p.getFileName().toString().contains(".tmp.")).sorted().forEach(found::add);
            } catch (final IOException e) {
                err.println("strait stat: cannot list " + dir + ": " + e.getMessage());
                return null;
            }
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            err.println("strait stat: no stats file in " + dir + " (is Strait running? give --file PATH)");
        } else {
            err.println("strait stat: " + found.size() + " stats files in " + dir + ", choose one with --file:");
            for (final Path p : found) {
                err.println("  " + p);
            }
        }
        return null;
    }
}
