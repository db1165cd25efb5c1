package io.strait.server;

import java.io.PrintStream;
import java.util.List;

/**
 * The {@code strait} command line: {@code run}, {@code validate}, {@code demo}, {@code mesh}, {@code stat} and
 * {@code version} ({@link Cli} parses it; the help texts are written out here as the commands' users read them).
 * Runs on the launcher's main thread.
 */
public final class Main {

    static final String USAGE = text("""
        Usage: strait [-hV] [COMMAND]
        Strait: a performance-first L4/L7 proxy for the JVM.
          -h, --help      Show this help message and exit.
          -V, --version   Print version information and exit.
        Commands:
          run       Run the proxy on a configuration file until SIGTERM/SIGINT.
          validate  Check a configuration file; print every error with its field and
                      line.
          demo      Run Strait on examples/demo.yaml with built-in demo upstreams.
          mesh      Run the two-sidecar mTLS example of examples/mesh (needs its
                      certificates: examples/mesh/make-certs.sh, which bin/strait mesh
                      runs when they are missing).
          stat      Print a Strait's counters and gauges (name: value, summed over
                      event loops), read from its stats file.
          version   Print the version.
          help      Display help information about the specified command.
        """);

    private static final List<Cli.Command> COMMANDS = List.of(RunCommand.CLI, ValidateCommand.CLI,
        DemoCommand.CLI, MeshCommand.CLI, StatCommand.CLI, VersionCommand.CLI);

    private Main() {
    }

    /** Entry point. */
    public static void main(final String[] args) {
        final int code = execute(args, System.out, System.err);
        if (code != 0 || !RunCommand.keepsRunning()) {
            System.exit(code);
        }
    }

    /**
     * Runs the command {@code args} name, printing help and usage errors to {@code out} and {@code err} (the
     * commands themselves print to System.out and System.err); returns the exit code: 0, {@link Cli#USAGE} for a
     * bad command line, the command's own, or 1 when it failed with an exception.
     */
    static int execute(final String[] args, final PrintStream out, final PrintStream err) {
        try {
            final Cli.Parsed parsed = parse(args);
            return run(parsed);
        } catch (final Cli.Usage u) {
            (u.code == 0 ? out : err).print(u.text());
            (u.code == 0 ? out : err).flush();
            return u.code;
        } catch (final Exception e) {
            e.printStackTrace(err);
            return 1;
        }
    }

    /** The command {@code args} name with its options. */
    static Cli.Parsed parse(final String[] args) throws Cli.Usage {
        if (args.length == 0) {
            throw new Cli.Usage(USAGE, 0);
        }
        final String first = args[0];
        switch (first) {
            case "-h", "--help" -> throw new Cli.Usage(USAGE, 0);
            case "-V", "--version" -> throw new Cli.Usage(
                "strait " + Version.get() + " (JDK " + Runtime.version() + ")" + System.lineSeparator(), 0);
            case "help" -> {
                if (args.length == 1) {
                    throw new Cli.Usage(USAGE, 0);
                }
                final Cli.Command c = command(args[1]);
                if (c == null) {
                    throw new Cli.Usage("Unknown subcommand '" + args[1] + "'." + System.lineSeparator() + USAGE,
                        Cli.USAGE);
                }
                throw new Cli.Usage(c.help(), 0);
            }
            default -> {
                final Cli.Command c = command(first);
                if (c == null) {
                    throw new Cli.Usage((first.startsWith("-") ? "Unknown option: '" + first + "'"
                        : "Unmatched argument at index 0: '" + first + "'") + System.lineSeparator() + USAGE,
                        Cli.USAGE);
                }
                return Cli.parse(c, args, 1);
            }
        }
    }

    private static Cli.Command command(final String name) {
        for (final Cli.Command c : COMMANDS) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static int run(final Cli.Parsed p) throws Exception {
        return switch (p.command().name()) {
            case "run" -> RunCommand.from(p).call();
            case "validate" -> ValidateCommand.from(p).call();
            case "demo" -> DemoCommand.from(p).call();
            case "mesh" -> MeshCommand.from(p).call();
            case "stat" -> StatCommand.from(p).call();
            case "version" -> VersionCommand.run();
            default -> throw new IllegalStateException("no such command: " + p.command().name());
        };
    }

    /** A text block with the platform's line breaks. */
    static String text(final String block) {
        return block.replace("\n", System.lineSeparator());
    }
}
