package io.strait.core.config.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.strait.core.config.ConfigError;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Thread-safe (stateless; the factory is shared and thread-safe once built). Reads YAML text with Jackson's streaming
 * YAML parser into a located {@link YamlNode} tree. Reports duplicate keys, anchors, aliases, more than one document,
 * excessive nesting and syntax errors as {@link ConfigError}s. Anchors and aliases are rejected: a proxy config is
 * short enough to write out, and rejecting them keeps every value's position meaningful.
 */
public final class YamlTreeReader {

    /** Deeper than any valid config; guards the recursion against hostile input. */
    static final int MAX_DEPTH = 64;

    /** Empty plain values ({@code admin:}) are null; only true/false are booleans (yes, no, on, off are strings). */
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
        .build();

    private YamlTreeReader() {
    }

    /**
     * The tree of {@code yaml}, or null when the text is empty or not YAML; errors go to {@code errors}. A non-null
     * tree may still come with errors (a duplicate key, an alias), which the caller reports with the rest.
     */
    public static YamlNode read(final String yaml, final String source, final List<ConfigError> errors) {
        try (JsonParser parser = FACTORY.createParser(yaml)) {
            final JsonToken first = parser.nextToken();
            if (first == null) {
                errors.add(new ConfigError(source, "", 1, 1, "the configuration is empty"));
                return null;
            }
            final YamlNode root = readValue((YAMLParser) parser, first, source, errors, "", 0);
            final JsonToken extra = parser.nextToken();
            if (extra != null) {
                final JsonLocation at = parser.currentTokenLocation();
                errors.add(new ConfigError(source, "", at.getLineNr(), at.getColumnNr(),
                    "only one YAML document is allowed"));
            }
            return root;
        } catch (final JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                final String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
                errors.add(new ConfigError(source, "", m.getProblemMark().getLine() + 1,
                    m.getProblemMark().getColumn() + 1, "invalid YAML: " + firstLine(m.getProblem()) + context));
                return null;
            }
            final JsonLocation at = e.getLocation();
            final int line = at == null ? 0 : Math.max(at.getLineNr(), 0);
            final int column = at == null ? 0 : Math.max(at.getColumnNr(), 0);
            errors.add(new ConfigError(source, "", line, column, "invalid YAML: " + firstLine(e.getOriginalMessage())));
            return null;
        } catch (final IOException e) {
            errors.add(new ConfigError(source, "", 0, 0, "cannot read YAML: " + e.getMessage()));
            return null;
        }
    }

    private static YamlNode readValue(final YAMLParser p, final JsonToken token, final String source,
                                      final List<ConfigError> errors, final String path, final int depth)
        throws IOException {
        final JsonLocation at = p.currentTokenLocation();
        final int line = at.getLineNr();
        final int column = at.getColumnNr();
        if (p.getObjectId() != null) {
            errors.add(new ConfigError(source, path, line, column,
                "YAML anchors (&" + p.getObjectId() + ") are not supported; write the value out"));
        }
        if (depth > MAX_DEPTH) {
            errors.add(new ConfigError(source, path, line, column, "nested deeper than " + MAX_DEPTH + " levels"));
            p.skipChildren();
            return new YamlNode.ScalarNode("", YamlNode.ScalarKind.INVALID, line, column);
        }
        switch (token) {
            case START_OBJECT:
                return readMap(p, source, errors, path, depth, line, column);
            case START_ARRAY: {
                final List<YamlNode> items = new ArrayList<>();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(readValue(p, t, source, errors, path + "[" + items.size() + "]", depth + 1));
                }
                return new YamlNode.ListNode(Collections.unmodifiableList(items), line, column);
            }
            case VALUE_STRING:
                if (p.isCurrentAlias()) {
                    errors.add(new ConfigError(source, path, line, column,
                        "YAML aliases (*" + p.getText() + ") are not supported; write the value out"));
                    return new YamlNode.ScalarNode("", YamlNode.ScalarKind.INVALID, line, column);
                }
                return new YamlNode.ScalarNode(p.getText(), YamlNode.ScalarKind.STRING, line, column);
            case VALUE_NUMBER_INT:
                return new YamlNode.ScalarNode(p.getText(), YamlNode.ScalarKind.INT, line, column);
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.ScalarNode(p.getText(), YamlNode.ScalarKind.FLOAT, line, column);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.ScalarNode(p.getText(), YamlNode.ScalarKind.BOOL, line, column);
            case VALUE_NULL:
                return new YamlNode.ScalarNode("", YamlNode.ScalarKind.NULL, line, column);
            default:
                errors.add(new ConfigError(source, path, line, column, "unsupported YAML value (" + token + ")"));
                return new YamlNode.ScalarNode("", YamlNode.ScalarKind.INVALID, line, column);
        }
    }

    private static YamlNode readMap(final YAMLParser p, final String source, final List<ConfigError> errors,
                                    final String path, final int depth, final int line, final int column)
        throws IOException {
        final Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            final String key = p.currentName();
            final JsonLocation keyAt = p.currentTokenLocation();
            final String childPath = path.isEmpty() ? key : path + "." + key;
            final YamlNode value = readValue(p, p.nextToken(), source, errors, childPath, depth + 1);
            final YamlNode.Entry first = entries.get(key);
            if (first != null) {
                errors.add(new ConfigError(source, childPath, keyAt.getLineNr(), keyAt.getColumnNr(),
                    "duplicate key '" + key + "' (first defined at line " + first.keyLine() + ")"));
            } else {
                entries.put(key, new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IllegalStateException("unexpected token in a map: " + t);
        }
        return new YamlNode.MapNode(Collections.unmodifiableMap(entries), line, column);
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "syntax error";
        }
        final int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }
}
