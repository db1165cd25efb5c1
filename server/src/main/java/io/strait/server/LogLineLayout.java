package io.strait.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The console's log line, {@code %d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n} and the stack trace of an
 * exception, written directly: logback's {@code PatternLayout} loads some 150 classes (its parser, a converter class
 * and a lambda per conversion word, the colour converters) that a process whose log says a few lines at start keeps
 * for its whole life, about 1 MiB of RSS. Called by the appender under its lock; not thread-safe otherwise.
 */
final class LogLineLayout extends LayoutBase<ILoggingEvent> {

    /** What the pattern of {@code logback.xml} says; this layout writes the same. */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";

    private static final int LEVEL_WIDTH = 5;

    private final ZoneId zone = ZoneId.systemDefault();
    private final StringBuilder line = new StringBuilder(256);

    @Override
    public String doLayout(final ILoggingEvent event) {
        line.setLength(0);
        final LocalTime t = LocalTime.ofInstant(Instant.ofEpochMilli(event.getTimeStamp()), zone);
        pad2(t.getHour()).append(':');
        pad2(t.getMinute()).append(':');
        pad2(t.getSecond()).append('.');
        final int millis = t.getNano() / 1_000_000;
        if (millis < 100) {
            line.append('0');
        }
        pad2(millis).append(' ');
        final String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < LEVEL_WIDTH; i++) {
            line.append(' ');
        }
        line.append(" [").append(event.getThreadName()).append("] ");
        final String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length());
        line.append(" - ").append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        final IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown));
        }
        return line.toString();
    }

    private StringBuilder pad2(final int v) {
        if (v < 10) {
            line.append('0');
        }
        return line.append(v);
    }
}
