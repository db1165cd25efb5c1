package io.strait.server;

import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.yaml.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code strait run -c FILE}: runs the proxy on a configuration until SIGTERM; SIGHUP (or a change of FILE, with
 * {@code --watch}) reloads FILE.
 */
final class RunCommand implements Callable<Integer> {

    static final Cli.Command CLI = new Cli.Command("run", Main.text("""
            Usage: strait run [--takeover] -c=<config> [--hot-restart-socket=PATH]
                              [--watch=INTERVAL]
            Run the proxy on a configuration file until SIGTERM/SIGINT.
              -c, --config=<config>   The YAML configuration file.
                  --hot-restart-socket=PATH
                                      The hot restart control socket (overrides runtime.
                                        hot_restart_socket; default <java.io.
                                        tmpdir>/strait-<user>/hot-restart-<port>.sock, port
                                        of the first listener with a fixed one).
                  --takeover          Take over from the Strait running on the hot restart
                                        socket: receive its listening sockets, serve on
                                        them, then tell it to drain and exit (binary
                                        upgrade without refusing a connection). Epoll only.
                  --watch=INTERVAL    Read the configuration file every INTERVAL (e.g. 2s,
                                        500ms) and reload it when its content changed; an
                                        invalid file is reported once and the running
                                        configuration stays.
            """),
        List.of(Cli.Option.required("-c", "--config", "<config>"), Cli.Option.flag("--takeover"),
            Cli.Option.value(null, "--hot-restart-socket", "PATH"), Cli.Option.value(null, "--watch", "INTERVAL")));

    private static volatile boolean running;

    private final Path config;
    private final boolean takeover;
    private final Path hotRestartSocket;
    private final String watch;

    private RunCommand(final Cli.Parsed p) {
        this.config = Path.of(p.get("--config"));
        this.takeover = p.has("--takeover");
        this.hotRestartSocket = p.has("--hot-restart-socket") ? Path.of(p.get("--hot-restart-socket")) : null;
        this.watch = p.get("--watch");
    }

    /** The command with the options of {@code p}. */
    static RunCommand from(final Cli.Parsed p) {
        return new RunCommand(p);
    }

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
        if (watch != null) {
            final Duration every = parseInterval(watch);
            if (every == null) {
                System.err.println("--watch " + watch + ": not a duration (e.g. 2s, 500ms, 1m)");
                return 2;
            }
            Launcher.watchConfig(every);
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

    /** A duration in the config syntax ({@code 500ms}, {@code 2s}, {@code 1m}) of at least 10 ms, else null. */
    static Duration parseInterval(final String text) {
        try {
            final Duration d = Durations.parse(text.trim());
            return d.toMillis() >= 10 ? d : null;
        } catch (final IllegalArgumentException e) {
            return null;
        }
    }
}
