package io.strait.core.config.yaml;

import io.strait.core.config.ConfigError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kind and text of one scalar, {@code v: <scalar>}. Every expected value here was first recorded from the reader
 * built on Jackson's YAMLParser (jackson-dataformat-yaml 2.23.0), before it was replaced; the few cases where the
 * reader now answers differently on purpose are in {@link #taggedValuesThatCannotBeReadAreErrorsAtTheValue}.
 */
class YamlScalarKindsTest {

    /** The scalar's kind and text as {@code KIND(text)}; fails on any error. */
    private static String scalar(final String yaml) {
        final List<ConfigError> errors = new ArrayList<>();
        final YamlNode root = YamlTreeReader.read("v: " + yaml + "\n", "t.yaml", errors);
        assertThat(errors).extracting(ConfigError::format).isEmpty();
        final YamlNode v = ((YamlNode.MapNode) root).entries().get("v").value();
        final YamlNode.ScalarNode s = (YamlNode.ScalarNode) v;
        return s.kind() + "(" + s.text() + ")";
    }

    /** The errors of {@code v: <scalar>}, formatted. */
    private static List<String> errors(final String yaml) {
        final List<ConfigError> errors = new ArrayList<>();
        YamlTreeReader.read("v: " + yaml + "\n", "t.yaml", errors);
        return errors.stream().map(ConfigError::format).toList();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', textBlock = """
        # Integers keep their text as written: the validator reads it (Long.parseLong refuses 1_000 and 0x1F).
        1_000                  | INT(1_000)
        1_000_000              | INT(1_000_000)
        1_                     | INT(1_)
        1__0                   | INT(1__0)
        +5                     | INT(+5)
        -5                     | INT(-5)
        +0                     | INT(+0)
        -0                     | INT(-0)
        0                      | INT(0)
        00                     | INT(00)
        017                    | INT(017)
        0_17                   | INT(0_17)
        037777777777           | INT(037777777777)
        0x1F                   | INT(0x1F)
        0x_1F                  | INT(0x_1F)
        0x1f_ff                | INT(0x1f_ff)
        -0x1F                  | INT(-0x1F)
        +0x1F                  | INT(+0x1F)
        0xFFFFFFFFFFFFFFFFFFFF | INT(0xFFFFFFFFFFFFFFFFFFFF)
        0b101                  | INT(0b101)
        0b_1                   | INT(0b_1)
        -0b11                  | INT(-0b11)
        9223372036854775808    | INT(9223372036854775808)
        -99999999999999999999  | INT(-99999999999999999999)
        # Look like integers, are strings: upper-case prefixes, bad digits, base 60, no digit.
        0X1F                   | STRING(0X1F)
        0B101                  | STRING(0B101)
        018                    | STRING(018)
        08                     | STRING(08)
        0b2                    | STRING(0b2)
        0o17                   | STRING(0o17)
        0x                     | STRING(0x)
        0b                     | STRING(0b)
        0_                     | STRING(0_)
        _1                     | STRING(_1)
        1:30                   | STRING(1:30)
        -1:30                  | STRING(-1:30)
        190:20:30              | STRING(190:20:30)
        123abc                 | STRING(123abc)
        1 000                  | STRING(1 000)
        0x1F.5                 | STRING(0x1F.5)
        +                      | STRING(+)
        # Floats, YAML 1.1's forms (an exponent needs no dot, base 60 with a fraction is a float).
        .5                     | FLOAT(.5)
        -.5                    | FLOAT(-.5)
        +.5                    | FLOAT(+.5)
        1.                     | FLOAT(1.)
        1.5                    | FLOAT(1.5)
        +1.5                   | FLOAT(+1.5)
        1_0.5                  | FLOAT(1_0.5)
        1.5_0                  | FLOAT(1.5_0)
        1_000.000_1            | FLOAT(1_000.000_1)
        1e3                    | FLOAT(1e3)
        1E3                    | FLOAT(1E3)
        1e+3                   | FLOAT(1e+3)
        1e-3                   | FLOAT(1e-3)
        1.0e+3                 | FLOAT(1.0e+3)
        1.0E-3                 | FLOAT(1.0E-3)
        .5e3                   | FLOAT(.5e3)
        +.5e3                  | FLOAT(+.5e3)
        1_000e3                | FLOAT(1_000e3)
        685.230_15e+03         | FLOAT(685.230_15e+03)
        190:20:30.15           | FLOAT(190:20:30.15)
        1:30.5                 | FLOAT(1:30.5)
        ._5                    | FLOAT(._5)
        .inf                   | FLOAT(.inf)
        -.inf                  | FLOAT(-.inf)
        +.inf                  | FLOAT(+.inf)
        .Inf                   | FLOAT(.Inf)
        .INF                   | FLOAT(.INF)
        .nan                   | FLOAT(.nan)
        .NaN                   | FLOAT(.NaN)
        .NAN                   | FLOAT(.NAN)
        # Not floats.
        nan                    | STRING(nan)
        inf                    | STRING(inf)
        1e                     | STRING(1e)
        .                      | STRING(.)
        -.                     | STRING(-.)
        ..                     | STRING(..)
        .e3                    | STRING(.e3)
        12.3.4                 | STRING(12.3.4)
        1.5.                   | STRING(1.5.)
        # Null: ~ and null in three spellings, with an empty text.
        ~                      | NULL()
        null                   | NULL()
        Null                   | NULL()
        NULL                   | NULL()
        nUll                   | STRING(nUll)
        # Booleans: only true and false, in YAML's three spellings; the text is kept.
        true                   | BOOL(true)
        True                   | BOOL(True)
        TRUE                   | BOOL(TRUE)
        false                  | BOOL(false)
        False                  | BOOL(False)
        FALSE                  | BOOL(FALSE)
        tRue                   | STRING(tRue)
        truex                  | STRING(truex)
        yes                    | STRING(yes)
        Yes                    | STRING(Yes)
        YES                    | STRING(YES)
        no                     | STRING(no)
        No                     | STRING(No)
        on                     | STRING(on)
        On                     | STRING(On)
        off                    | STRING(off)
        OFF                    | STRING(OFF)
        y                      | STRING(y)
        n                      | STRING(n)
        Y                      | STRING(Y)
        N                      | STRING(N)
        # YAML 1.1's other implicit types are strings here.
        2001-12-14             | STRING(2001-12-14)
        2001-12-14t21:59:43.10-05:00 | STRING(2001-12-14t21:59:43.10-05:00)
        =                      | STRING(=)
        <<                     | STRING(<<)
        http://x:80/p          | STRING(http://x:80/p)
        2#not-a-comment        | STRING(2#not-a-comment)
        """)
    void plainScalars(final String yaml, final String expected) {
        assertThat(scalar(yaml)).isEqualTo(expected);
    }

    @Test
    void emptyPlainValueIsNull() {
        assertThat(scalar("")).isEqualTo("NULL()");
        assertThat(scalar("# a comment")).isEqualTo("NULL()");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        "5"          | STRING(5)
        '5'          | STRING(5)
        "true"       | STRING(true)
        "null"       | STRING(null)
        "~"          | STRING(~)
        "0x1F"       | STRING(0x1F)
        "1.5"        | STRING(1.5)
        ""           | STRING()
        ''           | STRING()
        'it''s'      | STRING(it's)
        "\\x41"      | STRING(A)
        "a\\u00e9b"  | STRING(aéb)
        "\\U0001F600" | STRING(😀)
        """)
    void quotedScalarsAreAlwaysStrings(final String yaml, final String expected) {
        assertThat(scalar(yaml)).isEqualTo(expected);
    }

    @Test
    void blockScalarsAreStrings() {
        assertThat(scalar("|\n  5\n")).isEqualTo("STRING(5\n)");
        assertThat(scalar("|-\n  true\n")).isEqualTo("STRING(true)");
        assertThat(scalar(">-\n  1.5\n")).isEqualTo("STRING(1.5)");
        assertThat(scalar("|-")).isEqualTo("STRING()");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        # The core tags decide the kind, as they did with Jackson, including its odd corners.
        !!str 5         | STRING(5)
        !!str true      | STRING(true)
        !!str           | STRING()
        !!int 5         | INT(5)
        !!int "5"       | INT(5)
        !!int 1_000     | INT(1_000)
        !!int 0x1F      | INT(0x1F)
        !!int -0b1      | INT(-0b1)
        !!int abc       | STRING(abc)
        !!int 0abc      | STRING(0abc)
        !!int 1.5       | STRING(1.5)
        !!int ""        | STRING()
        !!int           | STRING()
        !!float 5       | FLOAT(5)
        !!float "1.5"   | FLOAT(1.5)
        !!float x       | FLOAT(x)
        !!float ""      | STRING()
        !!bool true     | BOOL(true)
        !!bool "true"   | BOOL(true)
        !!bool TrUe     | BOOL(TrUe)
        !!bool yes      | STRING(yes)
        !!bool x        | STRING(x)
        !!null x        | NULL()
        !!null ~        | NULL()
        !!null          | STRING()
        !!null ""       | STRING()
        !!timestamp 2001-12-14 | STRING(2001-12-14)
        !<tag:yaml.org,2002:int> 7 | INT(7)
        # A local tag makes a string; the non-specific tag '!' resolves as if untagged.
        !foo x          | STRING(x)
        !foo 5          | STRING(5)
        !foo            | STRING()
        !<!bar> 7       | STRING(7)
        ! 5             | INT(5)
        ! true          | BOOL(true)
        ! x             | STRING(x)
        !               | NULL()
        """)
    void taggedScalars(final String yaml, final String expected) {
        assertThat(scalar(yaml)).isEqualTo(expected);
    }

    @Test
    void tagsOfOtherNamespacesAreLocalTags() {
        final List<ConfigError> errors = new ArrayList<>();
        final YamlNode root = YamlTreeReader.read("%TAG !! tag:example.com,2000:\n---\na: !!int 5\n", "t.yaml",
            errors);
        assertThat(errors).isEmpty();
        assertThat(((YamlNode.MapNode) root).entries().get("a").value())
            .isEqualTo(new YamlNode.ScalarNode("5", YamlNode.ScalarKind.STRING, 3, 4));
    }

    @Test
    void tagsOnMapsAndListsAreIgnored() {
        final List<ConfigError> errors = new ArrayList<>();
        final YamlNode root = YamlTreeReader.read("a: !!map {b: 1}\nc: !foo [1]\nd: !!str [x]\ne: !!set {f}\n",
            "t.yaml", errors);
        assertThat(errors).isEmpty();
        final var entries = ((YamlNode.MapNode) root).entries();
        assertThat(entries.get("a").value()).isInstanceOf(YamlNode.MapNode.class);
        assertThat(entries.get("c").value()).isInstanceOf(YamlNode.ListNode.class);
        assertThat(entries.get("d").value()).isInstanceOf(YamlNode.ListNode.class);
        assertThat(((YamlNode.MapNode) entries.get("e").value()).entries().get("f").value())
            .isEqualTo(new YamlNode.ScalarNode("", YamlNode.ScalarKind.NULL, 4, 12));
    }

    /**
     * Where Jackson crashed ({@code !!int +}: a NullPointerException out of the reader), stopped the whole read with
     * its own wording ({@code Invalid base-16 number ('ZZ'), problem: ...}) or named its token type
     * ({@code unsupported YAML value (VALUE_EMBEDDED_OBJECT)}), the value is now one error at its own position.
     */
    @Test
    void taggedValuesThatCannotBeReadAreErrorsAtTheValue() {
        assertThat(errors("!!int 0xZZ")).containsExactly("t.yaml:1:4: v: '0xZZ' is not an integer (tagged !!int)");
        assertThat(errors("!!int 09")).containsExactly("t.yaml:1:4: v: '09' is not an integer (tagged !!int)");
        assertThat(errors("!!int 0b")).containsExactly("t.yaml:1:4: v: '0b' is not an integer (tagged !!int)");
        assertThat(errors("!!int +")).containsExactly("t.yaml:1:4: v: '+' is not an integer (tagged !!int)");
        assertThat(errors("!!int \"-_\"")).containsExactly("t.yaml:1:4: v: '-_' is not an integer (tagged !!int)");
        assertThat(errors("!!binary aGVsbG8=")).containsExactly("t.yaml:1:4: v: the YAML tag !!binary is not "
            + "supported");
        final List<ConfigError> errors = new ArrayList<>();
        final YamlNode root = YamlTreeReader.read("a: !!int 0xZZ\nb: 2\n", "t.yaml", errors);
        assertThat(((YamlNode.MapNode) root).entries().get("a").value())
            .isEqualTo(new YamlNode.ScalarNode("", YamlNode.ScalarKind.INVALID, 1, 4));
        assertThat(((YamlNode.MapNode) root).entries().get("b").value())
            .isEqualTo(new YamlNode.ScalarNode("2", YamlNode.ScalarKind.INT, 2, 4));
    }

    /**
     * Jackson refused a hexadecimal, octal or binary number of more than 1000 digits (with no position); SnakeYAML's
     * resolver stops trying to match numbers in longer scalars, which are strings.
     */
    @Test
    void numberLengths() {
        assertThat(scalar("0x" + "F".repeat(1000))).isEqualTo("INT(0x" + "F".repeat(1000) + ")");
        assertThat(errors("0x" + "F".repeat(1001))).containsExactly("t.yaml:1:4: v: the number has 1001 digits (at "
            + "most 1000)");
        assertThat(errors("0b" + "1".repeat(1001))).containsExactly("t.yaml:1:4: v: the number has 1001 digits (at "
            + "most 1000)");
        assertThat(errors("0" + "7".repeat(1001))).containsExactly("t.yaml:1:4: v: the number has 1001 digits (at "
            + "most 1000)");
        assertThat(scalar("0x" + "F".repeat(2000))).isEqualTo("STRING(0x" + "F".repeat(2000) + ")");
        assertThat(scalar("9".repeat(1100))).isEqualTo("STRING(" + "9".repeat(1100) + ")");
        assertThat(scalar("9".repeat(500))).isEqualTo("INT(" + "9".repeat(500) + ")");
    }
}
