package io.strait.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.status.ErrorStatus;
import ch.qos.logback.core.status.InfoStatus;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.status.WarnStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Logback's warnings and errors reach stderr through the listener, the ones before it too; information does not. */
class StatusWarningsTest {

    @Test
    void warningsAndErrorsArePrintedInformationIsNot() {
        final LoggerContext context = new LoggerContext();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        context.getStatusManager().add(new WarnStatus("before the listener", "origin-a"));
        context.getStatusManager().add(new InfoStatus("just so", "origin-b"));
        StatusWarnings.install(context, out);
        assertThat(StatusUtil.contextHasStatusListener(context))
            .as("so that logback's own start-up printer stays unused").isTrue();
        context.getStatusManager().add(new ErrorStatus("appender broke", "origin-c", new IllegalStateException("x")));
        context.getStatusManager().add(new InfoStatus("fine", "origin-d"));
        final String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed.lines().filter(l -> l.startsWith("logback |-"))).containsExactly(
            "logback |-WARN in origin-a - before the listener",
            "logback |-ERROR in origin-c - appender broke");
        assertThat(printed).contains("java.lang.IllegalStateException: x").doesNotContain("just so", "fine");
    }

    @Test
    void theDefaultSetUpRegistersIt() {
        final LoggerContext context = new LoggerContext();
        LogConfigurator.configure(context, false);
        assertThat(StatusUtil.contextHasStatusListener(context)).isTrue();
        context.stop();
    }
}
