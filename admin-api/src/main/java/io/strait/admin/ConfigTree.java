package io.strait.admin;

import io.strait.core.config.HostPort;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Thread-safe (stateless). Turns a configuration made of records (such as {@code StraitConfig}) into the JSON-able
 * tree {@code /config_dump} prints: each record a map of its components under snake_case names, lists and maps as
 * they are, durations as {@code "1.5s"}, addresses as {@code "host:port"}, paths and other values as strings, enums
 * in lower case.
 *
 * <p>Redaction: a component whose name says it holds a secret ({@code secret}, {@code password}, {@code token},
 * {@code private_key}, {@code api_key}; but not a {@code *_file} or {@code *_path}, which only names where a secret
 * is) is printed as {@value #REDACTED}, and so is the value of a header-like record (components {@code name} and
 * {@code value}) whose name is a credential header (authorization, cookie, ...).
 */
public final class ConfigTree {

    /** What a redacted value is printed as. */
    public static final String REDACTED = "[redacted]";

    private static final Pattern SECRET = Pattern.compile("(secret|password|passwd|token|private_key|api_key)");
    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
        "set-cookie", "x-api-key");
    /** Records nest a few levels deep; anything deeper is a cycle through a non-record. */
    private static final int MAX_DEPTH = 32;

    private ConfigTree() {
    }

    /** The tree of {@code config}. */
    public static Object of(final Object config) {
        return convert(config, 0);
    }

    private static Object convert(final Object v, final int depth) {
        if (depth > MAX_DEPTH) {
            return "...";
        }
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        if (v instanceof Duration d) {
            return duration(d);
        }
        if (v instanceof Path || v instanceof HostPort) {
            return v.toString();
        }
        if (v instanceof Optional<?> o) {
            return convert(o.orElse(null), depth + 1);
        }
        if (v instanceof Iterable<?> it) {
            final List<Object> out = new ArrayList<>();
            for (final Object item : it) {
                out.add(convert(item, depth + 1));
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            final Map<String, Object> out = new LinkedHashMap<>();
            for (final Map.Entry<?, ?> e : m.entrySet()) {
                final String key = e.getKey() instanceof Enum<?> en ? en.name().toLowerCase(Locale.ROOT)
                    : String.valueOf(e.getKey());
                out.put(key, isSecret(key) ? REDACTED : convert(e.getValue(), depth + 1));
            }
            return out;
        }
        if (v.getClass().isRecord()) {
            return record(v, depth);
        }
        return v.toString();
    }

    private static Map<String, Object> record(final Object r, final int depth) {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (final RecordComponent c : r.getClass().getRecordComponents()) {
            final String name = snake(c.getName());
            final Object value;
            try {
                value = c.getAccessor().invoke(r);
            } catch (final IllegalAccessException | InvocationTargetException e) {
                out.put(name, "(unreadable: " + e.getClass().getSimpleName() + ")");
                continue;
            }
            out.put(name, isSecret(name) ? (value == null ? null : REDACTED) : convert(value, depth + 1));
        }
        if (out.get("name") instanceof String header && out.containsKey("value")
            && CREDENTIAL_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
            out.put("value", REDACTED);
        }
        return out;
    }

    static boolean isSecret(final String name) {
        final String n = name.toLowerCase(Locale.ROOT);
        return SECRET.matcher(n).find() && !n.endsWith("_file") && !n.endsWith("_path");
    }

    static String snake(final String camel) {
        return CAMEL.matcher(camel).replaceAll("$1_$2").toLowerCase(Locale.ROOT);
    }

    private static String duration(final Duration d) {
        if (d.toNanosPart() == 0) {
            return d.getSeconds() + "s";
        }
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + "s";
    }
}
