package io.strait.server;

import picocli.CommandLine.Command;

/** {@code strait version}: prints the version and the JDK. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("strait " + Version.get() + " (JDK " + Runtime.version() + ", "
            + System.getProperty("java.vm.name") + ")");
    }
}
