package io.strait.core.config.validate;

import io.strait.core.config.OverloadConfig;
import io.strait.core.config.OverloadConfig.Action;
import io.strait.core.config.OverloadConfig.ActionConfig;
import io.strait.core.config.OverloadConfig.Resource;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ListNode;
import io.strait.core.config.yaml.YamlNode.ScalarKind;
import io.strait.core.config.yaml.YamlNode.ScalarNode;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Confined to one thread (one per load). Binds and checks the {@code overload} section: the sampling interval, the
 * monitored resources and their budgets, and each action's trigger (threshold, release, saturation, the resources it
 * watches, which must be monitored). Absent, the section is {@link OverloadConfig#DEFAULTS}.
 */
final class OverloadValidator extends SectionValidator {

    /** Sampling faster than this costs CPU for nothing: the pressures it watches move over seconds. */
    static final Duration MIN_REFRESH_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_REFRESH_INTERVAL = Duration.ofSeconds(60);

    private static final String[] RESOURCE_KEYS = names(Resource.values());
    private static final String[] ACTION_KEYS = names(Action.values());

    OverloadValidator(final SectionValidator shared) {
        super(shared);
    }

    /** The overload section; its defaults when absent; null when invalid (reported). */
    OverloadConfig overload(final Fields root) {
        if (!root.has("overload")) {
            return OverloadConfig.DEFAULTS;
        }
        final Fields f = root.object("overload", "enabled", "refresh_interval", "resources", "actions");
        if (f == null) {
            return null;
        }
        final Boolean enabled = f.bool("enabled", true);
        final Duration refresh = f.duration("refresh_interval", OverloadConfig.DEFAULT_REFRESH_INTERVAL, true);
        if (refresh != null && (refresh.compareTo(MIN_REFRESH_INTERVAL) < 0
            || refresh.compareTo(MAX_REFRESH_INTERVAL) > 0)) {
            f.errorAtValue("refresh_interval", "must be between 10ms and 60s, got " + refresh.toMillis() + "ms");
        }
        final Map<Resource, Long> resources = f.has("resources") ? resources(f)
            : OverloadConfig.DEFAULTS.resources();
        final Map<Action, ActionConfig> actions = f.has("actions") && resources != null ? actions(f, resources)
            : f.has("actions") ? null : OverloadConfig.DEFAULTS.actions();
        if (enabled == null || refresh == null || resources == null || actions == null) {
            return null;
        }
        if (!enabled) {
            return new OverloadConfig(false, refresh, Map.of(), Map.of());
        }
        final Map<Resource, Long> r = new EnumMap<>(Resource.class);
        r.putAll(resources);
        final Map<Action, ActionConfig> a = new EnumMap<>(Action.class);
        a.putAll(actions);
        return new OverloadConfig(true, refresh, Collections.unmodifiableMap(r), Collections.unmodifiableMap(a));
    }

    private Map<Resource, Long> resources(final Fields overload) {
        final Fields f = overload.object("resources", RESOURCE_KEYS);
        if (f == null) {
            return null;
        }
        final Map<Resource, Long> out = new EnumMap<>(Resource.class);
        boolean ok = true;
        for (final Resource r : Resource.values()) {
            if (!f.map().entries().containsKey(r.configName())) {
                continue;
            }
            final Long max = resourceMax(f, r);
            if (max == null) {
                ok = false;
            } else {
                out.put(r, max);
            }
        }
        return ok ? out : null;
    }

    /** {@code <resource>: { max: auto | N }}, or {@code <resource>: {}} for auto; null when invalid. */
    private Long resourceMax(final Fields resources, final Resource r) {
        final YamlNode node = resources.map().entries().get(r.configName()).value();
        if (node instanceof ScalarNode s && s.kind() == ScalarKind.NULL) {
            return OverloadConfig.AUTO;   // "heap:" alone: watched against the process's limit
        }
        final Fields f = resources.object(r.configName(), "max");
        if (f == null) {
            return null;
        }
        final ScalarNode s = f.scalar("max", false);
        if (s == null || s.kind() == ScalarKind.STRING && s.text().equals("auto")) {
            return f.has("max") && s == null ? null : OverloadConfig.AUTO;
        }
        if (r == Resource.HEAP || r == Resource.DIRECT_MEMORY) {
            return f.size("max", OverloadConfig.AUTO, false, 1024 * 1024, Long.MAX_VALUE);
        }
        final Long n = f.integer("max", 1, Integer.MAX_VALUE, "'auto' or a positive integer");
        return n;
    }

    private Map<Action, ActionConfig> actions(final Fields overload, final Map<Resource, Long> resources) {
        final Fields f = overload.object("actions", ACTION_KEYS);
        if (f == null) {
            return null;
        }
        final Map<Action, ActionConfig> out = new EnumMap<>(Action.class);
        boolean ok = true;
        for (final Action a : Action.values()) {
            if (!f.map().entries().containsKey(a.configName())) {
                continue;
            }
            final ActionConfig c = action(f, a, resources);
            if (c == null) {
                ok = false;
            } else {
                out.put(a, c);
            }
        }
        return ok ? out : null;
    }

    private ActionConfig action(final Fields actions, final Action a, final Map<Resource, Long> monitored) {
        final Fields f = a == Action.RESET_STREAMS
            ? actions.object(a.configName(), "threshold", "release", "resources", "min_buffered", "max_per_interval")
            : a == Action.SHED_REQUESTS
            ? actions.object(a.configName(), "threshold", "release", "saturation", "resources")
            : actions.object(a.configName(), "threshold", "release", "resources");
        if (f == null) {
            if (!actions.has(a.configName())) {
                actions.errorAtValue(a.configName(), "expected a map with a threshold, e.g. { threshold: 0.95 }");
            }
            return null;
        }
        if (!f.has("threshold")) {
            f.missing("threshold");
            return null;
        }
        final Double threshold = f.decimal("threshold", 1, 0.01, 1);
        if (threshold == null) {
            return null;
        }
        final Double release = f.decimal("release", Math.max(0, threshold - OverloadConfig.DEFAULT_HYSTERESIS), 0,
            1);
        final Double saturation = f.decimal("saturation", threshold, 0.01, 1);
        boolean ok = release != null && saturation != null;
        if (release != null && release > threshold) {
            f.errorAtValue("release", "must not be above threshold (" + threshold + "), got " + release);
            ok = false;
        }
        if (saturation != null && saturation < threshold) {
            f.errorAtValue("saturation", "must not be below threshold (" + threshold + "), got " + saturation);
            ok = false;
        }
        final Set<Resource> watched = watched(f, monitored);
        final Long minBuffered = f.size("min_buffered", OverloadConfig.DEFAULT_RESET_MIN_BUFFERED, false, 0,
            Long.MAX_VALUE);
        final Long perInterval = f.integerOr("max_per_interval", (long) OverloadConfig.DEFAULT_RESET_MAX_PER_INTERVAL,
            1, 100_000);
        if (!ok || watched == null || minBuffered == null || perInterval == null) {
            return null;
        }
        return new ActionConfig(threshold, release, saturation, watched, minBuffered, perInterval.intValue());
    }

    /** The action's {@code resources} list: names of monitored resources; empty when absent; null when invalid. */
    private Set<Resource> watched(final Fields action, final Map<Resource, Long> monitored) {
        final ListNode list = action.list("resources", false, true);
        if (list == null) {
            return action.has("resources") ? null : Set.of();
        }
        final Set<Resource> out = EnumSet.noneOf(Resource.class);
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            final YamlNode item = list.items().get(i);
            final String path = action.childPath("resources") + "[" + i + "]";
            final String name = scalarText(item, path, "a resource name");
            if (name == null) {
                ok = false;
                continue;
            }
            final Resource r = byName(name);
            if (r == null) {
                error(path, item, "unknown resource '" + name + "' (expected one of: " + String.join(", ",
                    RESOURCE_KEYS) + ")");
                ok = false;
            } else if (!monitored.containsKey(r)) {
                error(path, item, "resource '" + name + "' is not monitored: add it under overload.resources");
                ok = false;
            } else {
                out.add(r);
            }
        }
        return ok ? Set.copyOf(out) : null;
    }

    private static Resource byName(final String name) {
        for (final Resource r : Resource.values()) {
            if (r.configName().equals(name)) {
                return r;
            }
        }
        return null;
    }

    private static String[] names(final Enum<?>[] values) {
        final String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] instanceof Resource r ? r.configName() : ((Action) values[i]).configName();
        }
        return out;
    }
}
