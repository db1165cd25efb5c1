package io.strait.server;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code strait run -c FILE}: runs the proxy on a configuration until SIGTERM; SIGHUP reloads FILE. */
@Command(name = "run", description = "Run the proxy on a configuration file until SIGTERM/SIGINT.")
final class RunCommand implements Callable<Integer> {

    private static volatile boolean running;

    @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
    private Path config;

    /** True once a proxy was started: the JVM then exits through the shutdown hook, not System.exit. */
    static boolean keepsRunning() {
        return running;
    }

    static void markRunning() {
        running = true;
    }

    @Override
    public Integer call() {
        final ConfigResult result = ConfigLoader.load(config);
        if (!result.ok()) {
            return Launcher.reportErrors(result, config);
        }
        return Launcher.runUntilStopped(result.config(), config, () -> { }, () -> { });
    }
}
