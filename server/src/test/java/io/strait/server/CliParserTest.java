package io.strait.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line's parser: option forms, help, and a clear message naming whatever is wrong. */
class CliParserTest {

    private static final String NL = System.lineSeparator();

    @Test
    void everyOptionFormGivesTheSameValue() throws Cli.Usage {
        for (final String[] args : new String[][] {
            {"run", "-c", "a.yaml"}, {"run", "-ca.yaml"}, {"run", "-c=a.yaml"}, {"run", "--config", "a.yaml"},
            {"run", "--config=a.yaml"}}) {
            final Cli.Parsed p = Main.parse(args);
            assertThat(p.command().name()).isEqualTo("run");
            assertThat(p.get("--config")).as(String.join(" ", args)).isEqualTo("a.yaml");
            assertThat(p.has("--takeover")).isFalse();
        }
    }

    @Test
    void flagsAndOptionalValues() throws Cli.Usage {
        final Cli.Parsed p = Main.parse(new String[] {"run", "--takeover", "-c", "a.yaml", "--watch", "2s",
            "--hot-restart-socket=/tmp/s.sock"});
        assertThat(p.has("--takeover")).isTrue();
        assertThat(p.get("--watch")).isEqualTo("2s");
        assertThat(p.get("--hot-restart-socket")).isEqualTo("/tmp/s.sock");
        final Cli.Parsed stat = Main.parse(new String[] {"stat", "--filter", "^cluster\\.", "--file", "f"});
        assertThat(stat.get("--filter")).isEqualTo("^cluster\\.");
        assertThat(stat.get("--watch")).isNull();
        assertThat(Main.parse(new String[] {"demo"}).has("--config")).isFalse();
        assertThat(Main.parse(new String[] {"mesh", "-d", "x"}).get("--dir")).isEqualTo("x");
    }

    @Test
    void anUnknownOptionIsNamed() {
        final Cli.Usage u = usage("run", "-c", "a.yaml", "--bogus");
        assertThat(u.code).isEqualTo(Cli.USAGE);
        assertThat(u.text()).startsWith("Unknown option: '--bogus'" + NL + "Usage: strait run [--takeover]");
        assertThat(usage("run", "-x").text()).startsWith("Unknown option: '-x'" + NL);
        assertThat(usage("--bogus").text()).startsWith("Unknown option: '--bogus'" + NL + Main.USAGE);
        assertThat(usage("run", "-c", "a.yaml", "--takeover=yes").text())
            .startsWith("option '--takeover' takes no value" + NL);
    }

    @Test
    void aMissingOptionOrValueIsNamed() {
        assertThat(usage("run").text()).isEqualTo("Missing required option: '--config=<config>'" + NL
            + RunCommand.CLI.help());
        assertThat(usage("validate", "-c").text())
            .startsWith("Missing required parameter for option '--config' (<config>)" + NL);
        assertThat(usage("stat", "--watch").text())
            .startsWith("Missing required parameter for option '--watch' (INTERVAL)" + NL);
        assertThat(usage("run", "-c", "a", "--config", "b").text())
            .startsWith("option '--config' should be specified only once" + NL);
    }

    @Test
    void anUnexpectedArgumentIsNamedWithItsIndex() {
        assertThat(usage("validate", "-c", "a.yaml", "extra").text())
            .isEqualTo("Unmatched argument at index 3: 'extra'" + NL + ValidateCommand.CLI.help());
        assertThat(usage("version", "extra").text()).startsWith("Unmatched argument at index 1: 'extra'" + NL);
        final Cli.Usage unknown = usage("frobnicate");
        assertThat(unknown.code).isEqualTo(Cli.USAGE);
        assertThat(unknown.text()).isEqualTo("Unmatched argument at index 0: 'frobnicate'" + NL + Main.USAGE);
        assertThat(usage("help", "nope").text()).isEqualTo("Unknown subcommand 'nope'." + NL + Main.USAGE);
    }

    @Test
    void helpIsPrintedWithCodeZero() {
        for (final String[] args : new String[][] {{}, {"-h"}, {"--help"}, {"help"}}) {
            final Cli.Usage u = usage(args);
            assertThat(u.code).isZero();
            assertThat(u.text()).isEqualTo(Main.USAGE);
        }
        assertThat(usage("help", "stat").text()).isEqualTo(StatCommand.CLI.help());
        assertThat(usage("run", "--help").text()).isEqualTo(RunCommand.CLI.help());
        assertThat(usage("version", "-h").code).isZero();
        assertThat(usage("--version").text()).startsWith("strait " + Version.get() + " (JDK ");
        assertThat(usage("-V").code).isZero();
    }

    @Test
    void theMainUsageListsEveryCommandWithItsSummary() {
        for (final Cli.Command c : new Cli.Command[] {RunCommand.CLI, ValidateCommand.CLI, DemoCommand.CLI,
            MeshCommand.CLI, StatCommand.CLI, VersionCommand.CLI}) {
            assertThat(Main.USAGE).contains("  " + c.name() + " ");
            assertThat(c.help()).startsWith("Usage: strait " + c.name()).endsWith(NL);
            for (final Cli.Option o : c.options()) {
                assertThat(c.help()).as(c.name()).contains(o.longName());
            }
        }
    }

    @Test
    void executePrintsHelpToOutAndUsageErrorsToErr() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertThat(Main.execute(new String[] {"help", "validate"}, o, e)).isZero();
        assertThat(Main.execute(new String[] {"validate", "--nope"}, o, e)).isEqualTo(Cli.USAGE);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ValidateCommand.CLI.help());
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("Unknown option: '--nope'" + NL);
    }

    private static Cli.Usage usage(final String... args) {
        assertThatThrownBy(() -> Main.parse(args)).isInstanceOf(Cli.Usage.class);
        return catchThrowableOfType(Cli.Usage.class, () -> Main.parse(args));
    }
}
