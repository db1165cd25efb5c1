package io.strait.core.config.validate;

import io.strait.core.config.ConfigError;
import io.strait.core.config.RuntimeProfile;
import io.strait.core.config.yaml.Fields;
import io.strait.core.config.yaml.YamlNode;
import io.strait.core.config.yaml.YamlNode.ScalarKind;
import io.strait.core.config.yaml.YamlNode.ScalarNode;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Confined to one thread (one instance tree per load). What the section validators of one load share: the source
 * name and error list every error goes to, the directory relative file paths resolve against, and the cluster names
 * defined so far (so a reference to an unknown cluster is reported where it is written); with the helpers that report
 * through them.
 */
abstract class SectionValidator {

    private final String source;
    private final List<ConfigError> errors;
    /** The directory relative file paths resolve against: the configuration file's. */
    final Path baseDir;
    /** Cluster name to its path, for references and duplicates. */
    final Map<String, String> clusterNames;
    /**
     * The profile whose defaults fill in what the document leaves out: set by the root from {@code runtime.profile}
     * before the sections that use it are made (they copy it).
     */
    RuntimeProfile profile = RuntimeProfile.DEFAULT;

    /** The root of a load: errors go to {@code errors}, relative file paths resolve against {@code baseDir}. */
    SectionValidator(final String source, final List<ConfigError> errors, final Path baseDir) {
        this.source = source;
        this.errors = errors;
        this.baseDir = baseDir;
        this.clusterNames = new LinkedHashMap<>();
    }

    /** A validator of another section of the same load: it shares {@code shared}'s errors and cluster names. */
    SectionValidator(final SectionValidator shared) {
        this.source = shared.source;
        this.errors = shared.errors;
        this.baseDir = shared.baseDir;
        this.clusterNames = shared.clusterNames;
        this.profile = shared.profile;
    }

    static <T> List<T> nonNull(final List<T> list) {
        list.removeIf(Objects::isNull);
        return list;
    }

    final void error(final String path, final YamlNode at, final String message) {
        errors.add(new ConfigError(source, path, at.line(), at.column(), message));
    }

    final void error(final String path, final int[] at, final String message) {
        errors.add(new ConfigError(source, path, at[0], at[1], message));
    }

    final Fields fields(final YamlNode node, final String path, final String... known) {
        return Fields.of(node, path, source, errors, known);
    }

    /** The cluster name under {@code key}, which must name a defined cluster; null when absent or unknown. */
    final String clusterRef(final Fields f, final String key, final boolean required) {
        final String name = f.string(key, required);
        if (name != null && !clusterNames.containsKey(name)) {
            f.errorAtValue(key, "unknown cluster '" + name + "' " + (clusterNames.isEmpty()
                ? "(no clusters are defined)"
                : "(known: " + String.join(", ", clusterNames.keySet()) + ")"));
            return null;
        }
        return name;
    }

    /** The text of a scalar list item (any kind but null), or null after reporting what it is instead. */
    final String scalarText(final YamlNode node, final String path, final String expected) {
        if (node instanceof ScalarNode s && s.kind() != ScalarKind.NULL) {
            return Fields.reported(s) ? null : s.text();
        }
        error(path, node, "expected " + expected + ", got " + node.kindName());
        return null;
    }

    static <E> Map<String, E> options(final Object... pairs) {
        final Map<String, E> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked") final E value = (E) pairs[i + 1];
            m.put((String) pairs[i], value);
        }
        return m;
    }
}
