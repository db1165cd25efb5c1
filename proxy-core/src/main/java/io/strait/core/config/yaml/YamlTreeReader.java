package io.strait.core.config.yaml;

import io.strait.core.config.ConfigError;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Confined to one thread per instance; {@link #read} is thread-safe. Reads YAML text into a located {@link YamlNode}
 * tree from SnakeYAML's event stream ({@link ParserImpl}: events only, so no class is ever instantiated from a tag).
 * Reports duplicate keys, anchors, aliases, more than one document, excessive nesting and syntax errors as
 * {@link ConfigError}s. Anchors and aliases are rejected: a proxy config is short enough to write out, and rejecting
 * them keeps every value's position meaningful. Scalar kinds are {@link ScalarKinds}' job.
 *
 * <p>Limits on hostile input: the text is at most {@link #MAX_CODE_POINTS} code points (SnakeYAML's scanner checks
 * it); a value nested deeper than {@link #MAX_DEPTH} is reported and skipped without recursion, and nesting past
 * {@link #MAX_SKIP_DEPTH} stops the read (SnakeYAML keeps one state per open level, on the heap).
 */
public final class YamlTreeReader {

    /** Deeper than any valid config; guards the recursion against hostile input. */
    static final int MAX_DEPTH = 64;

    /** Nesting at which skipping a too-deep value gives up (where Jackson's parser stopped). */
    static final int MAX_SKIP_DEPTH = 1000;

    /** The longest text read, in code points: SnakeYAML's default (3 MiB), which Jackson used too. */
    static final int MAX_CODE_POINTS = 3 * 1024 * 1024;

    private final String yaml;
    private final Parser parser;
    private final String source;
    private final List<ConfigError> errors;
    /** The last event read: the position of an error that comes without one. */
    private Event last;

    private YamlTreeReader(final String yaml, final String source, final List<ConfigError> errors) {
        this.yaml = yaml;
        this.parser = new ParserImpl(new StreamReader(yaml), loaderOptions());
        this.source = source;
        this.errors = errors;
    }

    /**
     * Only the code point limit binds SnakeYAML's event parser; the nesting, alias and duplicate-key options bind its
     * composer, which this reader never runs (nor its constructor: the tag inspector's default refuses every class).
     * They are set tight all the same, so that they hold if a composer is ever used.
     */
    private static LoaderOptions loaderOptions() {
        final LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_CODE_POINTS);
        options.setNestingDepthLimit(MAX_DEPTH + 1);
        options.setMaxAliasesForCollections(0);
        options.setAllowDuplicateKeys(false);
        return options;
    }

    /**
     * The tree of {@code yaml}, or null when the text is empty or not YAML; errors go to {@code errors}. A non-null
     * tree may still come with errors (a duplicate key, an alias), which the caller reports with the rest.
     */
    public static YamlNode read(final String yaml, final String source, final List<ConfigError> errors) {
        return new YamlTreeReader(yaml, source, errors).readDocument();
    }

    private YamlNode readDocument() {
        try {
            final Event first = nextContent();
            if (first.is(Event.ID.StreamEnd)) {
                errors.add(new ConfigError(source, "", 1, 1, "the configuration is empty"));
                return null;
            }
            final YamlNode root = readValue(first, "", 0);
            final Event extra = nextContent();
            if (!extra.is(Event.ID.StreamEnd)) {
                final Mark at = extra.getStartMark();
                errors.add(new ConfigError(source, "", line(at), column(at), "only one YAML document is allowed"));
            }
            return root;
        } catch (final MarkedYAMLException e) {
            final Mark at = e.getProblemMark() != null ? e.getProblemMark() : lastEnd();
            final String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            final String problem = e.getProblemMark() != null ? e.getProblem() : e.getMessage();
            errors.add(new ConfigError(source, "", line(at), column(at), "invalid YAML: " + firstLine(problem)
                + context));
        } catch (final ReaderException e) {
            // A character YAML forbids (a control character): SnakeYAML gives its offset only.
            final int[] at = position(yaml, e.getPosition());
            errors.add(new ConfigError(source, "", at[0], at[1], "invalid YAML: " + firstLine(e.getMessage())));
        } catch (final YAMLException e) {
            // The code point limit, among others: no position of its own, so that of the last event read.
            final Mark at = lastEnd();
            errors.add(new ConfigError(source, "", line(at), column(at), "invalid YAML: " + firstLine(e.getMessage())));
        } catch (final IllegalArgumentException e) {
            // SnakeYAML lets a NumberFormatException out of an escape too large to decode ("\UFFFFFFFF").
            final Mark at = lastEnd();
            errors.add(new ConfigError(source, "", line(at), column(at), "invalid YAML: malformed escape or number ("
                + firstLine(e.getMessage()) + ")"));
        } catch (final Stop e) {
            errors.add(new ConfigError(source, "", line(e.at), column(e.at), "invalid YAML: " + e.getMessage()));
        }
        return null;
    }

    private YamlNode readValue(final Event event, final String path, final int depth) {
        final Mark at = event.getStartMark();
        final int line = line(at);
        final int column = column(at);
        if (!(event instanceof AliasEvent) && event instanceof NodeEvent node && node.getAnchor() != null) {
            anchor(node.getAnchor(), path, line, column);
        }
        if (depth > MAX_DEPTH) {
            errors.add(new ConfigError(source, path, line, column, "nested deeper than " + MAX_DEPTH + " levels"));
            skip(event, depth);
            return new YamlNode.ScalarNode("", YamlNode.ScalarKind.INVALID, line, column);
        }
        switch (event.getEventId()) {
            case MappingStart:
                return readMap(path, depth, line, column);
            case SequenceStart: {
                final List<YamlNode> items = new ArrayList<>();
                Event e;
                while (!(e = next()).is(Event.ID.SequenceEnd)) {
                    items.add(readValue(e, path + "[" + items.size() + "]", depth + 1));
                }
                return new YamlNode.ListNode(Collections.unmodifiableList(items), line, column);
            }
            case Alias:
                errors.add(new ConfigError(source, path, line, column,
                    "YAML aliases (*" + ((AliasEvent) event).getAnchor() + ") are not supported; write the value out"));
                return new YamlNode.ScalarNode("", YamlNode.ScalarKind.INVALID, line, column);
            case Scalar:
                return scalar((ScalarEvent) event, path, line, column);
            default:
                // The parser gives only node events where a value is expected.
                throw new IllegalStateException("unexpected YAML event where a value belongs: " + event);
        }
    }

    private YamlNode readMap(final String path, final int depth, final int line, final int column) {
        final Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        Event e;
        while (!(e = next()).is(Event.ID.MappingEnd)) {
            final Mark keyAt = e.getStartMark();
            if (!(e instanceof ScalarEvent keyEvent)) {
                throw new Stop(keyAt, "a map key must be a single value, not " + (e instanceof AliasEvent ? "an alias"
                    : e.is(Event.ID.MappingStart) ? "a map" : "a list"));
            }
            final String key = keyEvent.getValue();
            final String childPath = path.isEmpty() ? key : path + "." + key;
            if (keyEvent.getAnchor() != null) {
                anchor(keyEvent.getAnchor(), childPath, line(keyAt), column(keyAt));
            }
            final YamlNode value = readValue(next(), childPath, depth + 1);
            final YamlNode.Entry first = entries.get(key);
            if (first != null) {
                errors.add(new ConfigError(source, childPath, line(keyAt), column(keyAt),
                    "duplicate key '" + key + "' (first defined at line " + first.keyLine() + ")"));
            } else {
                entries.put(key, new YamlNode.Entry(key, line(keyAt), column(keyAt), value));
            }
        }
        return new YamlNode.MapNode(Collections.unmodifiableMap(entries), line, column);
    }

    private YamlNode scalar(final ScalarEvent event, final String path, final int line, final int column) {
        final YamlNode.ScalarKind kind;
        try {
            kind = ScalarKinds.of(event);
        } catch (final IllegalArgumentException e) {
            errors.add(new ConfigError(source, path, line, column, e.getMessage()));
            return new YamlNode.ScalarNode("", YamlNode.ScalarKind.INVALID, line, column);
        }
        return new YamlNode.ScalarNode(kind == YamlNode.ScalarKind.NULL ? "" : event.getValue(), kind, line, column);
    }

    private void anchor(final String name, final String path, final int line, final int column) {
        errors.add(new ConfigError(source, path, line, column,
            "YAML anchors (&" + name + ") are not supported; write the value out"));
    }

    /** Reads past the rest of a value that is too deep, counting levels instead of recursing. */
    private void skip(final Event start, final int depth) {
        if (!(start instanceof CollectionStartEvent)) {
            return;
        }
        int open = 1;
        while (open > 0) {
            final Event e = next();
            if (e instanceof CollectionStartEvent) {
                if (depth + ++open > MAX_SKIP_DEPTH) {
                    throw new Stop(e.getStartMark(), "nested deeper than " + MAX_SKIP_DEPTH + " levels");
                }
            } else if (e.is(Event.ID.MappingEnd) || e.is(Event.ID.SequenceEnd)) {
                open--;
            }
        }
    }

    /** The next event that is not the start of the stream or a document marker. */
    private Event nextContent() {
        Event e = next();
        while (e.is(Event.ID.StreamStart) || e.is(Event.ID.DocumentStart) || e.is(Event.ID.DocumentEnd)) {
            e = next();
        }
        return e;
    }

    private Event next() {
        last = parser.getEvent();
        return last;
    }

    private Mark lastEnd() {
        return last == null ? null : last.getEndMark();
    }

    /** The 1-based line and column of the {@code index}th code point of {@code text}, as SnakeYAML counts them. */
    static int[] position(final String text, final int index) {
        int line = 1;
        int column = 1;
        int offset = 0;
        for (int n = 0; n < index && offset < text.length(); n++) {
            final int c = text.codePointAt(offset);
            offset += Character.charCount(c);
            final boolean crlf = c == '\r' && offset < text.length() && text.charAt(offset) == '\n';
            if (c == '\n' || c == '\r' && !crlf || c == 0x85 || c == 0x2028 || c == 0x2029) {
                line++;
                column = 1;
            } else if (c != 0xFEFF) {
                column++;
            }
        }
        return new int[] {line, column};
    }

    private static int line(final Mark at) {
        return at == null ? 0 : at.getLine() + 1;
    }

    private static int column(final Mark at) {
        return at == null ? 0 : at.getColumn() + 1;
    }

    private static String firstLine(final String message) {
        if (message == null) {
            return "syntax error";
        }
        final int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    /** Ends the read at a problem the tree cannot hold (a key that is not a scalar, runaway nesting). */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Mark at;

        Stop(final Mark at, final String message) {
            super(message, null, false, false);
            this.at = at;
        }
    }
}
