package io.strait.server;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stateless, thread-safe. The {@code strait} command line's parser: a command name, then its options ({@code -c FILE},
 * {@code -cFILE}, {@code -c=FILE}, {@code --config FILE}, {@code --config=FILE}, flags such as {@code --takeover}).
 * Hand-written rather than a library's: a reflective command-line library loads some 200 classes at every start
 * (~1.5 MiB of resident memory for the life of the proxy) to read two words.
 */
final class Cli {

    /** Exit code of a usage error (the one picocli, used before, gave). */
    static final int USAGE = 2;

    private Cli() {
    }

    /**
     * Immutable. One option.
     *
     * @param shortName {@code -c}, or null
     * @param longName  {@code --config}: the name values are kept under
     * @param label     the value's name in messages ({@code <config>}, {@code PATH}), null for a flag
     * @param required  whether the command needs it
     */
    record Option(String shortName, String longName, String label, boolean required) {

        static Option value(final String shortName, final String longName, final String label) {
            return new Option(shortName, longName, label, false);
        }

        static Option required(final String shortName, final String longName, final String label) {
            return new Option(shortName, longName, label, true);
        }

        static Option flag(final String longName) {
            return new Option(null, longName, null, false);
        }

        boolean isFlag() {
            return label == null;
        }
    }

    /**
     * Immutable. One command.
     *
     * @param name    as typed ({@code run}; its line in {@code strait --help} is in {@code Main.USAGE})
     * @param help    what {@code strait help NAME} prints
     * @param options its options
     */
    record Command(String name, String help, List<Option> options) {

        Option option(final String typed) {
            for (final Option o : options) {
                if (typed.equals(o.longName()) || typed.equals(o.shortName())) {
                    return o;
                }
            }
            return null;
        }
    }

    /** Immutable. A parsed command line: the command and its options' values by long name. */
    record Parsed(Command command, Map<String, String> values) {

        /** The value of option {@code longName}, or null when it was not given. */
        String get(final String longName) {
            return values.get(longName);
        }

        /** Whether flag (or option) {@code longName} was given. */
        boolean has(final String longName) {
            return values.containsKey(longName);
        }
    }

    /** A command line that names no command to run, or a bad one: what to print where, and the exit code. */
    static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Usage(final String text, final int code) {
            super(text, null, false, false);
            this.code = code;
        }

        /** What to print (ends with a line break). */
        String text() {
            return getMessage();
        }
    }

    /**
     * The options of {@code command} from {@code args[from..]}.
     *
     * @throws Usage naming the option (or argument) that is unknown, lacks its value, is given twice or is missing;
     *               or, for {@code -h}/{@code --help}, the command's help with code 0
     */
    static Parsed parse(final Command command, final String[] args, final int from) throws Usage {
        final Map<String, String> values = new HashMap<>();
        for (int i = from; i < args.length; i++) {
            final String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                throw new Usage(command.help(), 0);
            }
            String name = arg;
            String value = null;
            if (arg.startsWith("--")) {
                final int eq = arg.indexOf('=');
                if (eq > 0) {
                    name = arg.substring(0, eq);
                    value = arg.substring(eq + 1);
                }
            } else if (arg.startsWith("-") && arg.length() > 2) {
                name = arg.substring(0, 2);
                value = arg.charAt(2) == '=' ? arg.substring(3) : arg.substring(2);
            } else if (!arg.startsWith("-") || arg.length() == 1) {
                throw error(command, "Unmatched argument at index " + i + ": '" + arg + "'");
            }
            final Option o = command.option(name);
            if (o == null) {
                throw error(command, "Unknown option: '" + arg + "'");
            }
            if (o.isFlag()) {
                if (value != null) {
                    throw error(command, "option '" + o.longName() + "' takes no value");
                }
                value = "";
            } else if (value == null) {
                if (i + 1 >= args.length) {
                    throw error(command, "Missing required parameter for option '" + o.longName() + "' ("
                        + o.label() + ")");
                }
                value = args[++i];
            }
            if (values.put(o.longName(), value) != null) {
                throw error(command, "option '" + o.longName() + "' should be specified only once");
            }
        }
        for (final Option o : command.options()) {
            if (o.required() && !values.containsKey(o.longName())) {
                throw error(command, "Missing required option: '" + o.longName() + "=" + o.label() + "'");
            }
        }
        return new Parsed(command, values);
    }

    /** A usage error: the message, then the command's help, on stderr with {@link #USAGE}. */
    static Usage error(final Command command, final String message) {
        return new Usage(message + System.lineSeparator() + command.help(), USAGE);
    }
}
