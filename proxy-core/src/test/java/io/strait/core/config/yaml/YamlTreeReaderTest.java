package io.strait.core.config.yaml;

import io.strait.core.config.ConfigError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tree, its positions and the document-level errors. Expected trees and messages were recorded from the reader
 * built on Jackson's YAMLParser before it was replaced, except where a test says what changed and why.
 */
class YamlTreeReaderTest {

    /** What reading {@code yaml} gave: the tree (or null) and the errors, formatted. */
    private record Read(String tree, List<String> errors) {
    }

    private static Read read(final String yaml) {
        final List<ConfigError> errors = new ArrayList<>();
        final YamlNode root = YamlTreeReader.read(yaml, "t.yaml", errors);
        return new Read(root == null ? null : dump(root), errors.stream().map(ConfigError::format).toList());
    }

    /** The tree of {@code yaml}, which must read without an error. */
    private static String tree(final String yaml) {
        final Read r = read(yaml);
        assertThat(r.errors()).isEmpty();
        return r.tree();
    }

    /** {@code {@line:col key@line:col=value ...}}, {@code [@line:col item ...]}, {@code KIND(text)@line:col}. */
    private static String dump(final YamlNode node) {
        final StringBuilder sb = new StringBuilder();
        dump(node, sb);
        return sb.toString();
    }

    private static void dump(final YamlNode node, final StringBuilder sb) {
        if (node instanceof YamlNode.MapNode m) {
            sb.append("{@").append(m.line()).append(':').append(m.column());
            for (final YamlNode.Entry e : m.entries().values()) {
                sb.append(' ').append(e.key().replace("\n", "\\n")).append('@').append(e.keyLine()).append(':')
                    .append(e.keyColumn()).append('=');
                dump(e.value(), sb);
            }
            sb.append('}');
        } else if (node instanceof YamlNode.ListNode l) {
            sb.append("[@").append(l.line()).append(':').append(l.column());
            for (final YamlNode item : l.items()) {
                sb.append(' ');
                dump(item, sb);
            }
            sb.append(']');
        } else {
            final YamlNode.ScalarNode s = (YamlNode.ScalarNode) node;
            sb.append(s.kind()).append('(').append(s.text().replace("\n", "\\n")).append(")@").append(s.line())
                .append(':').append(s.column());
        }
    }

    @Test
    void blockAndFlowCollectionsWithPositions() {
        assertThat(tree("""
            a: 1
            b:
              - x
              - y: 2
                z: 3
              -
                - deep
            c: "q"
            d: 'r'
            e: |
              lit
            f: >-
              fold
            """)).isEqualTo("{@1:1 a@1:1=INT(1)@1:4 b@2:1=[@3:3 STRING(x)@3:5 {@4:5 y@4:5=INT(2)@4:8 z@5:5=INT(3)@5:8} "
            + "[@7:5 STRING(deep)@7:7]] c@8:1=STRING(q)@8:4 d@9:1=STRING(r)@9:4 e@10:1=STRING(lit\\n)@10:4 "
            + "f@12:1=STRING(fold)@12:4}");
        assertThat(tree("a: [1, {b: 1}, [c]]\nb: {x: [], y: {}}\n")).isEqualTo("{@1:1 a@1:1=[@1:4 INT(1)@1:5 "
            + "{@1:8 b@1:9=INT(1)@1:12} [@1:16 STRING(c)@1:17]] b@2:1={@2:4 x@2:5=[@2:8] y@2:12={@2:15}}}");
        assertThat(tree("a: {b}\nc: [d: 1, e]\n")).isEqualTo("{@1:1 a@1:1={@1:4 b@1:5=NULL()@1:6} "
            + "c@2:1=[@2:4 {@2:5 d@2:5=INT(1)@2:8} STRING(e)@2:11]}");
    }

    @Test
    void emptyValuesExplicitKeysAndScalarRoots() {
        assertThat(tree("a:\nb:\n  c:\n  d: ~\n"))
            .isEqualTo("{@1:1 a@1:1=NULL()@1:3 b@2:1={@3:3 c@3:3=NULL()@3:5 d@4:3=NULL()@4:6}}");
        assertThat(tree("a:\n  - b\n  -\n  - ~\n"))
            .isEqualTo("{@1:1 a@1:1=[@2:3 STRING(b)@2:5 NULL()@3:4 NULL()@4:5]}");
        assertThat(tree("? a\n: 1\n")).isEqualTo("{@1:1 a@1:3=INT(1)@2:3}");
        assertThat(tree("? |\n  block\n: 1\n")).isEqualTo("{@1:1 block\\n@1:3=INT(1)@3:3}");
        assertThat(tree("? !!int 5\n: x\n! 6: y\n")).isEqualTo("{@1:1 5@1:3=STRING(x)@2:3 6@3:1=STRING(y)@3:6}");
        assertThat(tree("<<: {a: 1}\n")).isEqualTo("{@1:1 <<@1:1={@1:5 a@1:6=INT(1)@1:9}}");
        assertThat(tree("5\n")).isEqualTo("INT(5)@1:1");
        assertThat(tree("- a\n- b\n")).isEqualTo("[@1:1 STRING(a)@1:3 STRING(b)@2:3]");
    }

    @Test
    void lineEndingsByteOrderMarkAndWideCharacters() {
        assertThat(tree("a: 1\r\nb: [1,\r\n  2]\r\nc: x\r\n"))
            .isEqualTo("{@1:1 a@1:1=INT(1)@1:4 b@2:1=[@2:4 INT(1)@2:5 INT(2)@3:3] c@4:1=STRING(x)@4:4}");
        assertThat(tree("\uFEFFa: 1\n")).isEqualTo("{@1:1 a@1:1=INT(1)@1:4}");
        assertThat(tree("k\uD83D\uDE00: 1\n")).isEqualTo("{@1:1 k\uD83D\uDE00@1:1=INT(1)@1:5}");
        assertThat(tree("multi: this is\n  a multi line\n  plain scalar\n"))
            .isEqualTo("{@1:1 multi@1:1=STRING(this is a multi line plain scalar)@1:8}");
    }

    @Test
    void duplicateKeysKeepTheFirstAndReportTheOthers() {
        assertThat(read("a: 1\n\"a\": 2\n")).isEqualTo(new Read("{@1:1 a@1:1=INT(1)@1:4}",
            List.of("t.yaml:2:1: a: duplicate key 'a' (first defined at line 1)")));
        assertThat(read("1: a\n'1': b\n").errors())
            .containsExactly("t.yaml:2:1: 1: duplicate key '1' (first defined at line 1)");
        assertThat(read("a: {b: 1, b: 2, b: 3}\n").errors()).containsExactly(
            "t.yaml:1:11: a.b: duplicate key 'b' (first defined at line 1)",
            "t.yaml:1:17: a.b: duplicate key 'b' (first defined at line 1)");
        assertThat(read("a:\n  - b: 1\n    b: 2\n").errors())
            .containsExactly("t.yaml:3:5: a[0].b: duplicate key 'b' (first defined at line 2)");
        assertThat(tree("~: a\nnull: b\n")).isEqualTo("{@1:1 ~@1:1=STRING(a)@1:4 null@2:1=STRING(b)@2:7}");
    }

    @Test
    void anchorsOnMapsAndListsAndAliasesAreRejected() {
        assertThat(read("a: &v {x: 1}\nb: *v\n")).isEqualTo(new Read(
            "{@1:1 a@1:1={@1:4 x@1:8=INT(1)@1:11} b@2:1=INVALID()@2:4}", List.of(
                "t.yaml:1:4: a: YAML anchors (&v) are not supported; write the value out",
                "t.yaml:2:4: b: YAML aliases (*v) are not supported; write the value out")));
        assertThat(read("- &a [1]\n- *a\n").errors()).containsExactly(
            "t.yaml:1:3: [0]: YAML anchors (&a) are not supported; write the value out",
            "t.yaml:2:3: [1]: YAML aliases (*a) are not supported; write the value out");
        assertThat(read("&r\na: 1\n").errors())
            .containsExactly("t.yaml:1:1: YAML anchors (&r) are not supported; write the value out");
        assertThat(read("b: *undefined\n").errors())
            .containsExactly("t.yaml:1:4: b: YAML aliases (*undefined) are not supported; write the value out");
    }

    /**
     * Changed on purpose: Jackson's parser never exposed an anchor on a scalar (a value or a key), so the old reader
     * let {@code a: &v 1} through and only caught the alias. Every anchor is now rejected, as the reader documents.
     */
    @Test
    void anchorsOnScalarsAndKeysAreRejectedToo() {
        assertThat(read("a: &v 1\nb: *v\n")).isEqualTo(new Read("{@1:1 a@1:1=INT(1)@1:4 b@2:1=INVALID()@2:4}",
            List.of("t.yaml:1:4: a: YAML anchors (&v) are not supported; write the value out",
                "t.yaml:2:4: b: YAML aliases (*v) are not supported; write the value out")));
        assertThat(read("&k a: 1\nb: 2\n").errors())
            .containsExactly("t.yaml:1:1: a: YAML anchors (&k) are not supported; write the value out");
        assertThat(read("x: { k: 1, &a l: 2 }\n").errors())
            .containsExactly("t.yaml:1:12: x.l: YAML anchors (&a) are not supported; write the value out");
    }

    /**
     * A key that is a map, a list or an alias stops the read, as it did; the message used to quote SnakeYAML's event
     * ({@code Expected a field name (Scalar value in YAML), got this instead: <org.yaml.snakeyaml.events...>}) at the
     * end of the key's first token, and now names the problem at the key's start.
     */
    @Test
    void keysMustBeScalars() {
        assertThat(read("[a]: 1\n"))
            .isEqualTo(new Read(null, List.of("t.yaml:1:1: invalid YAML: a map key must be a single value, not a "
                + "list")));
        assertThat(read("{a: 1}: 2\n").errors())
            .containsExactly("t.yaml:1:1: invalid YAML: a map key must be a single value, not a map");
        assertThat(read("? [a]\n: 1\n").errors())
            .containsExactly("t.yaml:1:3: invalid YAML: a map key must be a single value, not a list");
        assertThat(read("a: 1\n*x : 2\n").errors())
            .containsExactly("t.yaml:2:1: invalid YAML: a map key must be a single value, not an alias");
    }

    @Test
    void documents() {
        assertThat(read("")).isEqualTo(new Read(null, List.of("t.yaml:1:1: the configuration is empty")));
        assertThat(read("# only a comment\n").errors()).containsExactly("t.yaml:1:1: the configuration is empty");
        assertThat(tree("---\n")).isEqualTo("NULL()@2:1");
        assertThat(tree("---")).isEqualTo("NULL()@1:4");
        assertThat(tree("---\na: 1\n")).isEqualTo("{@2:1 a@2:1=INT(1)@2:4}");
        assertThat(tree("a: 1\n...\n")).isEqualTo("{@1:1 a@1:1=INT(1)@1:4}");
        assertThat(tree("%YAML 1.1\n---\na: 1\n")).isEqualTo("{@3:1 a@3:1=INT(1)@3:4}");
        assertThat(read("a: 1\n---\n")).isEqualTo(new Read("{@1:1 a@1:1=INT(1)@1:4}",
            List.of("t.yaml:3:1: only one YAML document is allowed")));
        assertThat(read("a: 1\n...\n---\nb: 1\n").errors())
            .containsExactly("t.yaml:4:1: only one YAML document is allowed");
        // The second document is not read further: its syntax error goes unreported.
        assertThat(read("a: 1\n---\nb: [\n").errors()).containsExactly("t.yaml:3:1: only one YAML document is allowed");
        assertThat(read("%YAML 2.0\n---\na: 1\n").errors())
            .containsExactly("t.yaml:1:1: invalid YAML: found incompatible YAML document (version 1.* is required)");
    }

    @Test
    void syntaxErrorsHaveAPositionAndOneLine() {
        assertThat(read("a: b: c\n")).isEqualTo(new Read(null,
            List.of("t.yaml:1:5: invalid YAML: mapping values are not allowed here")));
        assertThat(read("a:\n\tb: 1\n").errors()).containsExactly("t.yaml:2:1: invalid YAML: found character "
            + "'\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation) (while scanning for the "
            + "next token)");
        assertThat(read("a: \"x\n").errors()).containsExactly("t.yaml:2:1: invalid YAML: found unexpected end of "
            + "stream (while scanning a quoted scalar)");
        assertThat(read("a: [1, 2\nb: 3\n").errors()).containsExactly("t.yaml:2:2: invalid YAML: expected ',' or ']', "
            + "but got : (while parsing a flow sequence)");
        assertThat(read("- a\nb: c\n").errors()).containsExactly("t.yaml:2:1: invalid YAML: expected <block end>, but "
            + "found '?' (while parsing a block collection)");
        assertThat(read("a: \"\\q\"\n").errors()).containsExactly("t.yaml:1:6: invalid YAML: found unknown escape "
            + "character q(113) (while scanning a double-quoted scalar)");
        assertThat(read("a: @x\n").errors()).containsExactly("t.yaml:1:4: invalid YAML: found character '@' that "
            + "cannot start any token. (Do not use @ for indentation) (while scanning for the next token)");
        assertThat(read("...\n").errors()).containsExactly("t.yaml:1:1: invalid YAML: expected the node content, but "
            + "found '<document end>' (while parsing a block node)");
    }

    /**
     * Changed on purpose: Jackson placed a forbidden character at the end of the last event read (1:1 when it was in
     * the first 1,024 characters); the error now points at the character itself.
     */
    @Test
    void forbiddenCharactersArePointedAt() {
        assertThat(read("a: 1\nb: x\u0007\n")).isEqualTo(new Read(null,
            List.of("t.yaml:2:5: invalid YAML: special characters are not allowed")));
        final StringBuilder many = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            many.append("k").append(i).append(": 1\r\n");
        }
        assertThat(read(many + "z: \"\u0001\"\n").errors())
            .containsExactly("t.yaml:301:5: invalid YAML: special characters are not allowed");
        assertThat(YamlTreeReader.position("a\r\nb", 3)).containsExactly(2, 1);
        assertThat(YamlTreeReader.position("a\rb\u0085c\u2028d", 6)).containsExactly(4, 1);
        assertThat(YamlTreeReader.position("\uFEFFab", 2)).containsExactly(1, 2);
        assertThat(YamlTreeReader.position("\uD83D\uDE00x", 1)).containsExactly(1, 2);
    }

    /** SnakeYAML lets a NumberFormatException out of an escape beyond Unicode; Jackson caught it, and so does this. */
    @Test
    void undecodableEscapeIsAnError() {
        assertThat(read("a: \"\\UFFFFFFFF\"\n")).isEqualTo(new Read(null, List.of("t.yaml:1:2: invalid YAML: "
            + "malformed escape or number (For input string: \"FFFFFFFF\" under radix 16)")));
        assertThat(read("a: \"\\U0011FFFF\"\n").errors()).containsExactly("t.yaml:1:7: invalid YAML: found unknown "
            + "escape character 0011FFFF (while scanning a double-quoted scalar)");
    }

    @Test
    void tooDeepValuesAreReportedOnceAndSkipped() {
        final StringBuilder blocks = new StringBuilder();
        for (int i = 0; i <= 65; i++) {
            blocks.append("  ".repeat(i)).append('k').append(i).append(":\n");
        }
        final StringBuilder path = new StringBuilder("k0");
        for (int i = 1; i <= 64; i++) {
            path.append(".k").append(i);
        }
        final Read r = read(blocks + "  ".repeat(66) + "x\nnext: 1\n");
        assertThat(r.errors()).containsExactly("t.yaml:66:131: " + path + ": nested deeper than 64 levels");
        assertThat(r.tree()).contains("k64@65:129=INVALID()@66:131}").endsWith(" next@68:1=INT(1)@68:7}");
        // An alias that deep is not reported beside the depth, as before; an anchor is (on a scalar: new, see above).
        assertThat(read("a: " + "[".repeat(66) + "*x" + "]".repeat(66) + "\n").errors()).containsExactly(
            "t.yaml:1:68: a" + "[0]".repeat(64) + ": nested deeper than 64 levels");
        assertThat(read("a: " + "[".repeat(64) + "&x 1" + "]".repeat(64) + "\n").errors()).containsExactly(
            "t.yaml:1:68: a" + "[0]".repeat(64) + ": YAML anchors (&x) are not supported; write the value out",
            "t.yaml:1:68: a" + "[0]".repeat(64) + ": nested deeper than 64 levels");
    }

    /**
     * Hostile nesting: skipping counts levels (no recursion, so no stack overflow) and gives up at the 1000th level
     * (the root map and 999 lists are fine), where Jackson's parser gave up too (its message had no position).
     */
    @Test
    void runawayNestingStopsTheRead() {
        assertThat(read("a: " + "[".repeat(999) + "]".repeat(999) + "\n").errors()).containsExactly(
            "t.yaml:1:68: a" + "[0]".repeat(64) + ": nested deeper than 64 levels");
        final Read r = read("a: " + "[".repeat(1000) + "]".repeat(1000) + "\n");
        assertThat(r.tree()).isNull();
        assertThat(r.errors()).containsExactly("t.yaml:1:68: a" + "[0]".repeat(64) + ": nested deeper than 64 levels",
            "t.yaml:1:1003: invalid YAML: nested deeper than 1000 levels");
        assertThat(read("a: " + "{a: ".repeat(200_000)).errors())
            .endsWith("t.yaml:1:4000: invalid YAML: nested deeper than 1000 levels");
    }

    /** SnakeYAML's code point limit (3 MiB), which Jackson had set too: larger text is refused, not read. */
    @Test
    void textPastTheCodePointLimitIsRefused() {
        final int limit = YamlTreeReader.MAX_CODE_POINTS;
        assertThat(tree("a: " + "x".repeat(limit - 10) + "\n")).startsWith("{@1:1 a@1:1=STRING(xxx");
        final Read r = read("a: " + "x".repeat(limit) + "\n");
        assertThat(r.tree()).isNull();
        assertThat(r.errors()).singleElement().asString().startsWith("t.yaml:1:")
            .endsWith("invalid YAML: The incoming YAML document exceeds the limit: 3145728 code points.");
    }
}
