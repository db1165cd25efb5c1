package io.strait.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {

    @Test
    void setsUpWhatLogbackXmlSays() {
        final LoggerContext context = new LoggerContext();
        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, LogConfigurator.configure(context, false));
        final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(LogConfigurator.rootLevel(), root.getLevel());
        assertEquals(Level.WARN, context.getLogger("io.netty").getLevel());
        final ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
        assertTrue(console.isStarted());
        assertEquals(LogConfigurator.PATTERN, ((PatternLayoutEncoder) console.getEncoder()).getPattern());
    }

    @Test
    void leavesAGivenFileToLogback() {
        final LoggerContext context = new LoggerContext();
        assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, LogConfigurator.configure(context, true));
        assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT"));
    }

    @Test
    void theLevelComesFromStraitLogLevel() {
        final String before = System.getProperty("STRAIT_LOG_LEVEL");
        try {
            System.setProperty("STRAIT_LOG_LEVEL", "debug");
            assertEquals(Level.DEBUG, LogConfigurator.rootLevel());
            System.setProperty("STRAIT_LOG_LEVEL", "no-such-level");
            assertEquals(Level.INFO, LogConfigurator.rootLevel());
        } finally {
            if (before == null) {
                System.clearProperty("STRAIT_LOG_LEVEL");
            } else {
                System.setProperty("STRAIT_LOG_LEVEL", before);
            }
        }
    }
}
