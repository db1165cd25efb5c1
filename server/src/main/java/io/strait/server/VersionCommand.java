package io.strait.server;

import java.util.List;

/** {@code strait version}: prints the version and the JDK. */
final class VersionCommand {

    static final Cli.Command CLI = new Cli.Command("version", Main.text("""
        Usage: strait version
        Print the version.
        """), List.of());

    private VersionCommand() {
    }

    /** Prints the version; 0. */
    static int run() {
        System.out.println("strait " + Version.get() + " (JDK " + Runtime.version() + ", "
            + System.getProperty("java.vm.name") + ")");
        return 0;
    }
}
