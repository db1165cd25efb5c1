package io.strait.load.distributed;

import picocli.CommandLine;

/**
 * Stateless. Entry point of a coordinator ({@link CoordinateCommand}) until it is registered as
 * {@code strait-load coordinate}.
 */
public final class CoordinatorMain {

    private CoordinatorMain() {
    }

    /** Runs {@link CoordinateCommand} with {@code args} and exits with its code. */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new CoordinateCommand()).execute(args));
    }
}
