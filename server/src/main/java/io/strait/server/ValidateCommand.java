package io.strait.server;

import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code strait validate -c FILE}: checks a config and prints every error with its field path and line. */
final class ValidateCommand implements Callable<Integer> {

    static final Cli.Command CLI = new Cli.Command("validate", Main.text("""
            Usage: strait validate -c=<config>
            Check a configuration file; print every error with its field and line.
              -c, --config=<config>   The YAML configuration file.
            """),
        List.of(Cli.Option.required("-c", "--config", "<config>")));

    private final Path config;

    private ValidateCommand(final Path config) {
        this.config = config;
    }

    /** The command with the options of {@code p}. */
    static ValidateCommand from(final Cli.Parsed p) {
        return new ValidateCommand(Path.of(p.get("--config")));
    }

    @Override
    public Integer call() {
        final ConfigResult result = ConfigLoader.load(config);
        if (result.ok()) {
            System.out.println(config + ": OK (" + result.config().listeners().size() + " listener(s), "
                + result.config().clusters().size() + " cluster(s))");
            return 0;
        }
        for (final ConfigError e : result.errors()) {
            System.err.println(e.format());
        }
        System.err.println(result.errors().size() + " error(s) in " + config);
        return 2;
    }
}
