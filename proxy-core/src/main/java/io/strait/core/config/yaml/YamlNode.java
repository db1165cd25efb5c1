package io.strait.core.config.yaml;

import java.util.List;
import java.util.Map;

/**
 * Immutable. A node of the located YAML tree that {@link YamlTreeReader} builds: a map, a list or a scalar, each with
 * the 1-based line and column where it starts.
 */
public sealed interface YamlNode permits YamlNode.MapNode, YamlNode.ListNode, YamlNode.ScalarNode {

    /** 1-based line of the node's first character. */
    int line();

    /** 1-based column of the node's first character. */
    int column();

    /** What the node is, for "expected a map, got a list" messages. */
    String kindName();

    /** The kind of a scalar, as YAML resolved it (an unquoted {@code 5} is an INT, a quoted {@code "5"} a STRING). */
    enum ScalarKind {
        STRING("a string"),
        INT("an integer"),
        FLOAT("a number"),
        BOOL("a boolean"),
        NULL("null"),
        /** Stands in for a value already reported as an error (an alias, excessive nesting); never reported again. */
        INVALID("an invalid value");

        private final String description;

        ScalarKind(final String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** One key of a map with the key's own position, and its value. Immutable. */
    record Entry(String key, int keyLine, int keyColumn, YamlNode value) {
    }

    /** A mapping; entries keep document order, keys are unique (duplicates are reported while reading). Immutable. */
    record MapNode(Map<String, Entry> entries, int line, int column) implements YamlNode {
        @Override
        public String kindName() {
            return "a map";
        }
    }

    /** A sequence. Immutable. */
    record ListNode(List<YamlNode> items, int line, int column) implements YamlNode {
        @Override
        public String kindName() {
            return "a list";
        }
    }

    /** A scalar with its text as written (for numbers too) and its resolved kind. Immutable. */
    record ScalarNode(String text, ScalarKind kind, int line, int column) implements YamlNode {
        @Override
        public String kindName() {
            return kind.description();
        }
    }
}
