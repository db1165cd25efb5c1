package io.strait.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import io.strait.admin.ActionResult;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/** Thread-safe (logback's levels are). Sets log levels on logback for the admin's {@code POST /logging}. */
final class LogLevels {

    private LogLevels() {
    }

    /**
     * Sets {@code logger}'s level (the root logger's when null) to {@code level}: trace, debug, info, warn, error or
     * off.
     */
    static ActionResult set(final String logger, final String level) {
        final ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return ActionResult.notImplemented("the logging backend is not logback: levels cannot be changed here");
        }
        final Level l = Level.toLevel(level.toUpperCase(Locale.ROOT), null);
        if (l == null) {
            return ActionResult.rejected("unknown level '" + level + "'", java.util.List.of());
        }
        final String name = logger == null ? org.slf4j.Logger.ROOT_LOGGER_NAME : logger;
        final Logger target = context.getLogger(name);
        target.setLevel(l);
        return ActionResult.ok((logger == null ? "root" : logger) + " now logs at " + l.levelStr.toLowerCase(
            Locale.ROOT));
    }
}
