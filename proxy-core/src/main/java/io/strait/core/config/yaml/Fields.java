package io.strait.core.config.yaml;

import io.strait.core.config.ConfigError;
import io.strait.core.config.HostPort;
import io.strait.core.config.yaml.YamlNode.Entry;
import io.strait.core.config.yaml.YamlNode.ListNode;
import io.strait.core.config.yaml.YamlNode.MapNode;
import io.strait.core.config.yaml.YamlNode.ScalarKind;
import io.strait.core.config.yaml.YamlNode.ScalarNode;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Confined to one thread (that of the validator using it). One map of the document with its field path: typed
 * accessors that report what is wrong (with the path, line and column) and return null, so validation goes on and
 * collects every error. Unknown keys are reported when the map is wrapped, with a "did you mean" suggestion.
 */
public final class Fields {

    /** The value {@code body: unlimited} stands for. */
    public static final long UNLIMITED = -1L;

    private final MapNode map;
    private final String path;
    private final String source;
    private final List<ConfigError> errors;

    private Fields(final MapNode map, final String path, final String source, final List<ConfigError> errors,
                   final List<String> known) {
        this.map = map;
        this.path = path;
        this.source = source;
        this.errors = errors;
        for (final Entry e : map.entries().values()) {
            if (!known.contains(e.key())) {
                final String suggestion = ConfigSyntax.suggest(e.key(), known);
                errors.add(new ConfigError(source, childPath(e.key()), e.keyLine(), e.keyColumn(),
                    "unknown field '" + e.key() + "' " + (suggestion != null
                        ? "(did you mean '" + suggestion + "'?)"
                        : "(expected one of: " + String.join(", ", known) + ")")));
            }
        }
    }

    public String childPath(final String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** True when the key is present with a non-null value. */
    public boolean has(final String key) {
        return value(key) != null;
    }

    /** The key's value, or null when absent or null. */
    public YamlNode value(final String key) {
        final Entry e = map.entries().get(key);
        if (e == null || e.value() instanceof ScalarNode s
            && (s.kind() == ScalarKind.NULL || s.kind() == ScalarKind.INVALID)) {
            return null;
        }
        return e.value();
    }

    /** The position of the key's value, or of this map when the key is absent. */
    public int[] positionOf(final String key) {
        final Entry e = map.entries().get(key);
        return e == null ? new int[] {map.line(), map.column()}
            : new int[] {e.value().line(), e.value().column()};
    }

    public void missing(final String key) {
        final Entry e = map.entries().get(key);
        if (e != null && reported(e.value())) {
            return;
        }
        error(childPath(key), positionOf(key), "missing required field '" + key + "'");
    }

    public void errorAtValue(final String key, final String message) {
        error(childPath(key), positionOf(key), message);
    }

    public void errorAtKey(final String key, final String message) {
        final Entry e = map.entries().get(key);
        errors.add(new ConfigError(source, childPath(key), e.keyLine(), e.keyColumn(), message));
    }

    public void notImplemented(final String key, final String message) {
        if (map.entries().containsKey(key)) {
            errorAtKey(key, message);
        }
    }

    /** A non-null scalar, or null when absent (reported if required) or not a scalar (reported). */
    public ScalarNode scalar(final String key, final boolean required) {
        final YamlNode v = value(key);
        if (v == null) {
            if (required) {
                missing(key);
            }
            return null;
        }
        if (v instanceof ScalarNode s) {
            return s;
        }
        error(childPath(key), v, "expected a single value, got " + v.kindName());
        return null;
    }

    public String string(final String key, final boolean required) {
        final ScalarNode s = scalar(key, required);
        return s == null ? null : s.text();
    }

    /** A listener, cluster or virtual host name. */
    public String name(final String key, final String what) {
        final String name = string(key, true);
        if (name != null && !ConfigSyntax.isObjectName(name)) {
            errorAtValue(key, "invalid " + what + " name '" + name + "' (use letters, digits, '_', '.' and "
                + "'-')");
            return null;
        }
        return name;
    }

    /** A header name, lower-cased. */
    public String headerName(final String key, final boolean required) {
        final String name = string(key, required);
        if (name == null) {
            return null;
        }
        if (!ConfigSyntax.isToken(name)) {
            errorAtValue(key, "'" + name + "' is not a valid header name");
            return null;
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** An integer in min..max, or null when absent or invalid (reported). */
    public Long integer(final String key, final long min, final long max, final String expected) {
        final ScalarNode s = scalar(key, false);
        if (s == null) {
            return null;
        }
        final String what = expected == null ? "an integer" : expected;
        if (s.kind() != ScalarKind.INT) {
            error(childPath(key), s, "expected " + what + ", got " + describe(s));
            return null;
        }
        final long value;
        try {
            value = Long.parseLong(s.text());
        } catch (final NumberFormatException e) {
            error(childPath(key), s, "expected " + what + ", got '" + s.text() + "'");
            return null;
        }
        if (value < min || value > max) {
            error(childPath(key), s, max == Integer.MAX_VALUE || max == Long.MAX_VALUE
                ? "must be at least " + min + ", got " + value
                : "must be between " + min + " and " + max + ", got " + value);
            return null;
        }
        return value;
    }

    /** An integer defaulting to {@code def} when absent; null when invalid. */
    public Long integerOr(final String key, final Long def, final long min, final long max) {
        return has(key) ? integer(key, min, max, null) : def;
    }

    /** A number (integer or decimal) in min..max, {@code def} when absent, null when invalid (reported). */
    public Double decimal(final String key, final double def, final double min, final double max) {
        return parseNumber(key, def, min, max, true);
    }

    private Double parseNumber(final String key, final Double def, final double min, final double max,
                               final boolean compactBounds) {
        final ScalarNode s = scalar(key, false);
        if (s == null) {
            return has(key) ? null : def;
        }
        if (s.kind() != ScalarKind.INT && s.kind() != ScalarKind.FLOAT) {
            error(childPath(key), s, "expected a number, got " + describe(s));
            return null;
        }
        final double value;
        try {
            value = Double.parseDouble(s.text());
        } catch (final NumberFormatException e) {
            error(childPath(key), s, "expected a number, got '" + s.text() + "'");
            return null;
        }
        if (!(value >= min && value <= max)) {
            error(childPath(key), s, "must be between " + (compactBounds ? fmt(min) : String.valueOf(min)) + " and "
                + (compactBounds ? fmt(max) : String.valueOf(max)) + ", got " + s.text());
            return null;
        }
        return value;
    }

    private static String fmt(final double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** A boolean, {@code def} when absent, null when invalid. */
    public Boolean bool(final String key, final Boolean def) {
        final ScalarNode s = scalar(key, def == null);
        if (s == null) {
            return has(key) ? null : def;
        }
        if (s.kind() != ScalarKind.BOOL) {
            error(childPath(key), s, "expected true or false, got " + describe(s));
            return null;
        }
        return Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT));
    }

    /** A duration, {@code def} when absent, null when invalid. */
    public Duration duration(final String key, final Duration def, final boolean positive) {
        final ScalarNode s = scalar(key, false);
        if (s == null) {
            return has(key) ? null : def;
        }
        if (s.kind() == ScalarKind.BOOL || s.kind() == ScalarKind.NULL) {
            error(childPath(key), s, "expected a duration such as 250ms, 5s or 1m, got " + describe(s));
            return null;
        }
        try {
            final Duration d = Durations.parse(s.text());
            if (positive && d.isZero()) {
                error(childPath(key), s, "must be greater than 0");
                return null;
            }
            return d;
        } catch (final IllegalArgumentException e) {
            error(childPath(key), s, e.getMessage());
            return null;
        }
    }

    /** A size in bytes within min..max ({@code unlimited} gives -1 where allowed), def when absent. */
    public Long size(final String key, final long def, final boolean unlimitedAllowed, final long min,
                     final long max) {
        final ScalarNode s = scalar(key, false);
        if (s == null) {
            return has(key) ? null : def;
        }
        if (unlimitedAllowed && s.kind() == ScalarKind.STRING && s.text().equals("unlimited")) {
            return UNLIMITED;
        }
        if (s.kind() != ScalarKind.STRING && s.kind() != ScalarKind.INT) {
            error(childPath(key), s, "expected a size such as 8192, 8KiB or 1MiB"
                + (unlimitedAllowed ? " or 'unlimited'" : "") + ", got " + describe(s));
            return null;
        }
        try {
            final long bytes = Sizes.parse(s.text());
            if (bytes < min || bytes > max) {
                error(childPath(key), s, "must be between " + min + " and " + max + " bytes, got " + bytes);
                return null;
            }
            return bytes;
        } catch (final IllegalArgumentException e) {
            error(childPath(key), s, e.getMessage());
            return null;
        }
    }

    /** One of {@code options} by its config name, {@code def} when absent, null when invalid. */
    public <E> E choice(final String key, final String what, final Map<String, E> options, final E def) {
        final ScalarNode s = scalar(key, false);
        if (s == null) {
            return has(key) ? null : def;
        }
        final E value = options.get(s.text());
        if (value == null) {
            final List<String> names = List.copyOf(options.keySet());
            final String suggestion = ConfigSyntax.suggest(s.text(), names);
            error(childPath(key), s, "unknown " + what + " '" + s.text() + "' (expected one of "
                + String.join(", ", names) + (suggestion == null ? ")" : "; did you mean '" + suggestion + "'?)"));
        }
        return value;
    }

    public HostPort hostPort(final String key, final boolean required, final int minPort) {
        final ScalarNode s = scalar(key, required);
        if (s == null) {
            return null;
        }
        try {
            return ConfigSyntax.hostPort(s.text(), minPort, false);
        } catch (final IllegalArgumentException e) {
            error(childPath(key), s, e.getMessage());
            return null;
        }
    }

    /**
     * Checks a regex matched against client input: it must compile with re2j (RE2 syntax, linear-time matching), so
     * backreferences and lookaround, which need backtracking, are refused here rather than at run time.
     */
    public void regex(final String key, final String regex) {
        try {
            com.google.re2j.Pattern.compile(regex);
        } catch (final com.google.re2j.PatternSyntaxException e) {
            errorAtValue(key, "invalid regex: " + e.getDescription() + " at '" + e.getPattern()
                + "' (RE2 syntax: no backreferences or lookaround)");
        }
    }

    public Fields object(final String key, final String... known) {
        final YamlNode v = value(key);
        return v == null ? null : of(v, childPath(key), source, errors, known);
    }

    /** Wraps {@code node} (e.g. an item of one of this map's lists) as a map at {@code itemPath}. */
    public Fields item(final YamlNode node, final String itemPath, final String... known) {
        return of(node, itemPath, source, errors, known);
    }

    public ListNode list(final String key, final boolean required, final boolean nonEmpty) {
        final YamlNode v = value(key);
        if (v == null) {
            if (required) {
                missing(key);
            }
            return null;
        }
        if (!(v instanceof ListNode list)) {
            error(childPath(key), v, "expected a list, got " + v.kindName());
            return null;
        }
        if (nonEmpty && list.items().isEmpty()) {
            error(childPath(key), v, "must not be empty");
        }
        return list;
    }

    private String describe(final ScalarNode s) {
        return s.kind() == ScalarKind.NULL ? "null" : s.kind().description() + " '" + s.text() + "'";
    }

    /** Wraps {@code node} as a map with the known keys, or reports that it is not a map and returns null. */
    public static Fields of(final YamlNode node, final String path, final String source,
                            final List<ConfigError> errors, final String... known) {
        if (reported(node)) {
            return null;
        }
        if (!(node instanceof MapNode map)) {
            errors.add(new ConfigError(source, path, node.line(), node.column(), "expected a map, got "
                + node.kindName()));
            return null;
        }
        return new Fields(map, path, source, errors, List.of(known));
    }

    /** True for a stand-in of a value whose error the reader already reported. */
    public static boolean reported(final YamlNode node) {
        return node instanceof ScalarNode s && s.kind() == ScalarKind.INVALID;
    }

    /** This map's node. */
    public MapNode map() {
        return map;
    }

    private void error(final String at, final YamlNode node, final String message) {
        errors.add(new ConfigError(source, at, node.line(), node.column(), message));
    }

    /** Reports {@code message} at {@code node} (e.g. a list item), under the field path {@code at}. */
    public void errorAt(final String at, final YamlNode node, final String message) {
        error(at, node, message);
    }

    /**
     * A number (integer or decimal) in min..max, {@code def} when absent, null when invalid (reported). As
     * {@link #decimal}, but a range error prints the bounds as Java prints doubles ({@code 0.0}, {@code 100.0}).
     */
    public Double number(final String key, final Double def, final double min, final double max) {
        return parseNumber(key, def, min, max, false);
    }

    private void error(final String at, final int[] position, final String message) {
        errors.add(new ConfigError(source, at, position[0], position[1], message));
    }
}
