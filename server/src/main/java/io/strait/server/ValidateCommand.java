package io.strait.server;

import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code strait validate -c FILE}: checks a config and prints every error with its field path and line. */
@Command(name = "validate", description = "Check a configuration file; print every error with its field and line.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, required = true, description = "The YAML configuration file.")
    private Path config;

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
