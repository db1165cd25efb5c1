package io.strait.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Called once by logback at start-up, before any logging. Sets up what {@code logback.xml} says (console, Netty at
 * WARN, root at {@code STRAIT_LOG_LEVEL} or INFO) in code, its pattern written by {@link LogLineLayout}: logback's
 * XML configurator loads some 650 classes (Joran and the JDK's XML parser), about a fifth of all Strait loads, for
 * metaspace and start-up time it never gives back.
 * An explicit {@code -Dlogback.configurationFile} or a {@code logback-test.xml} on the class path still wins.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(final LoggerContext context) {
        return configure(context, System.getProperty("logback.configurationFile") != null
            || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null);
    }

    /** Sets up {@code context} unless {@code fileGiven}: then logback's own configurators read that file. */
    static ExecutionStatus configure(final LoggerContext context, final boolean fileGiven) {
        if (fileGiven) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        final LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        final LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        final ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        context.getLogger("io.netty").setLevel(Level.WARN);
        final Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(rootLevel());
        root.addAppender(console);
        StatusWarnings.install(context, System.err);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code STRAIT_LOG_LEVEL} (a system property, else the environment), INFO when unset or not a level. */
    static Level rootLevel() {
        String v = System.getProperty("STRAIT_LOG_LEVEL");
        if (v == null) {
            v = System.getenv("STRAIT_LOG_LEVEL");
        }
        return Level.toLevel(v, Level.INFO);
    }
}
