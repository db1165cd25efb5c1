package io.strait.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
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
        assertTrue(((LayoutWrappingEncoder<ILoggingEvent>) console.getEncoder()).getLayout() instanceof LogLineLayout);
    }

    @Test
    void theLineIsWhatLogbackXmlsPatternWrites() {
        final LoggerContext context = new LoggerContext();
        final PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(LogLineLayout.PATTERN);
        pattern.start();
        final LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        final Logger logger = context.getLogger("io.strait.core.server.ProxyServer");
        final long[] times = {0L, 1_733_500_000_007L, 1_733_543_999_999L, 1_733_500_000_090L};
        final Level[] levels = {Level.INFO, Level.WARN, Level.ERROR, Level.DEBUG, Level.TRACE};
        for (final long time : times) {
            for (final Level level : levels) {
                final LoggingEvent e = new LoggingEvent("fqcn", logger, level, "hello {} and {}", null,
                    new Object[] {"one", 2});
                e.setTimeStamp(time);
                e.setThreadName("strait-loop-0");
                assertEquals(pattern.doLayout(e), layout.doLayout(e));
            }
        }
        final LoggingEvent failed = new LoggingEvent("fqcn", context.getLogger("strait"), Level.ERROR, "failed",
            new IllegalStateException("broken", new RuntimeException("cause")), null);
        failed.setThreadName("main");
        assertEquals(pattern.doLayout(failed), layout.doLayout(failed));
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
