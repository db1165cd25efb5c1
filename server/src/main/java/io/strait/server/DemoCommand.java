package io.strait.server;

import io.strait.core.config.ClusterConfig;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import io.strait.core.config.EndpointConfig;
import io.strait.core.config.ListenerConfig;
import io.strait.core.config.StraitConfig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code strait demo}: Strait on the bundled example config, with small demo upstreams started in
 * this process on the endpoint addresses the config names, and the curl commands to try.
 */
final class DemoCommand implements Callable<Integer> {

    private static final String BUNDLED = "/examples/demo.yaml";

    static final Cli.Command CLI = new Cli.Command("demo", Main.text("""
            Usage: strait demo [-c=<config>]
            Run Strait on examples/demo.yaml with built-in demo upstreams.
              -c, --config=<config>   Config to use instead of the bundled examples/demo.
                                        yaml.
            """),
        List.of(Cli.Option.value("-c", "--config", "<config>")));

    private final Path config;

    private DemoCommand(final Path config) {
        this.config = config;
    }

    /** The command with the options of {@code p}. */
    static DemoCommand from(final Cli.Parsed p) {
        return new DemoCommand(p.has("--config") ? Path.of(p.get("--config")) : null);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        final ConfigResult result;
        final String source;
        if (config != null) {
            result = ConfigLoader.load(config);
            source = config.toString();
        } else {
            source = "examples/demo.yaml (bundled)";
            try (InputStream in = DemoCommand.class.getResourceAsStream(BUNDLED)) {
                if (in == null) {
                    System.err.println("the bundled " + BUNDLED + " is missing from the jar");
                    return 1;
                }
                result = ConfigLoader.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "demo.yaml");
            }
        }
        if (!result.ok()) {
            return Launcher.reportErrors(result, source);
        }
        final DemoUpstreams upstreams = new DemoUpstreams();
        try {
            for (final ClusterConfig c : result.config().clusters()) {
                for (final EndpointConfig e : c.endpoints()) {
                    upstreams.start(c.name(), e.address().toSocketAddress());
                }
            }
        } catch (final Exception e) {
            upstreams.close();
            System.err.println("cannot start demo upstreams: " + e.getMessage());
            return 1;
        }
        return Launcher.runUntilStopped(result.config(), config,
            () -> printHints(result.config(), upstreams), upstreams::close);
    }

    private static void printHints(final StraitConfig config, final DemoUpstreams upstreams) {
        final ListenerConfig listener = config.listeners().get(0);
        final String base = "http://" + listener.address();
        System.out.println();
        System.out.println("Strait demo is up: " + base + " -> demo upstreams "
            + String.join(", ", upstreams.started()));
        System.out.println("Try:");
        System.out.println("  curl -i " + base + "/api/hello                 # round robin over two upstreams");
        System.out.println("  curl -i " + base + "/canary/x                  # 90/10 weighted split api/canary");
        System.out.println("  curl -i -H 'x-debug: 1' " + base + "/debug     # header match, response header added");
        System.out.println("  curl -i " + base + "/old/thing                 # prefix rewrite /old/ -> /api/");
        System.out.println("  curl -i -X POST --data-binary @README.md " + base + "/api/echo   # streamed body");
        if (config.admin() != null) {
            final String admin = "http://" + config.admin().address();
            System.out.println("Admin API: " + admin + "/ (GET /help lists the endpoints)");
            System.out.println("  curl " + admin + "/stats?usedonly          # counters, gauges, latency percentiles");
            System.out.println("  curl " + admin + "/clusters                # hosts: health, weight, active requests");
            System.out.println("  curl " + admin + "/stats/prometheus        # for a Prometheus scrape");
        }
        System.out.println("Press Ctrl-C to stop (drains in-flight requests first).");
        System.out.println();
    }
}
