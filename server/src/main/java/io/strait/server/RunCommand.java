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

    @Option(names = "--takeover", description = "Take over from the Strait running on the hot restart socket: "
        + "receive its listening sockets, serve on them, then tell it to drain and exit (binary upgrade without "
        + "refusing a connection). Epoll only.")
    private boolean takeover;

    @Option(names = "--hot-restart-socket", paramLabel = "PATH", description = "The hot restart control socket "
        + "(overrides runtime.hot_restart_socket; default <java.io.tmpdir>/strait-<user>/hot-restart-<port>.sock, "
        + "port of the first listener with a fixed one).")
    private Path hotRestartSocket;

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
        final Path socket = HotRestart.socketPath(result.config(), hotRestartSocket);
        if (takeover) {
            final String refusal = HotRestart.takeoverRefusal(result.config(), socket);
            if (refusal != null) {
                System.err.println(refusal);
                return 2;
            }
        }
        return Launcher.runUntilStopped(result.config(), config, socket, takeover, () -> { }, () -> { });
    }
}
