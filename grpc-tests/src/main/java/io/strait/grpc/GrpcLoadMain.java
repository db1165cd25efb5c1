package io.strait.grpc;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code java -jar strait-grpc-load.jar load|serve ...}: the perf harness's gRPC unary client ({@link LoadCommand})
 * and echo backend ({@link ServeCommand}). Thread-confined to the main thread.
 */
@Command(name = "strait-grpc-load", mixinStandardHelpOptions = true,
    description = "gRPC unary load (closed loop, h2c prior knowledge) and the echo backend it measures.",
    subcommands = { LoadCommand.class, ServeCommand.class })
public final class GrpcLoadMain implements Runnable {

    /** Runs the command line and exits with its code (2 for a usage error). */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new GrpcLoadMain()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Parses {@code 10s}, {@code 500ms}, {@code 2m} (a number and a unit: ms, s or m). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(final String value) {
            final String v = value.trim().toLowerCase(Locale.ROOT);
            final int unitAt = firstLetter(v);
            if (unitAt <= 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: expected a number"
                    + " and a unit, e.g. 500ms, 10s, 2m");
            }
            final long n;
            try {
                n = Long.parseLong(v.substring(0, unitAt));
            } catch (final NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: "
                    + v.substring(0, unitAt) + " is not a whole number");
            }
            return switch (v.substring(unitAt)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> throw new CommandLine.TypeConversionException("'" + value + "': unknown unit '"
                    + v.substring(unitAt) + "' (ms, s or m)");
            };
        }

        private static int firstLetter(final String v) {
            for (int i = 0; i < v.length(); i++) {
                if (Character.isLetter(v.charAt(i))) {
                    return i;
                }
            }
            return -1;
        }
    }
}
