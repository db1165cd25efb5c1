package io.strait.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code strait} command line: {@code run}, {@code validate}, {@code demo}, {@code mesh}, {@code stat} and
 * {@code version}.
 * Runs on the launcher's main thread.
 */
@Command(name = "strait", mixinStandardHelpOptions = true, versionProvider = Version.Provider.class,
    description = "Strait: a performance-first L4/L7 proxy for the JVM.",
    subcommands = {RunCommand.class, ValidateCommand.class, DemoCommand.class, MeshCommand.class, StatCommand.class,
                   VersionCommand.class,
                   CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Entry point. */
    public static void main(final String[] args) {
        final int code = new CommandLine(new Main()).execute(args);
        if (code != 0 || !RunCommand.keepsRunning()) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
