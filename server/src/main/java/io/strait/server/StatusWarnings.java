package io.strait.server;

import ch.qos.logback.core.Context;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;

import java.io.PrintStream;

/**
 * Thread-safe (a status is printed in one call). Logback's own warnings and errors (a bad appender, a logger
 * misconfigured), printed to stderr as they come. Logback prints its statuses itself at start-up when there are
 * warnings and no listener is registered; that printer formats times with {@code java.time.format} (some 50 classes
 * at every start, warnings or not), so Strait registers this listener instead.
 */
final class StatusWarnings implements StatusListener {

    private final PrintStream out;

    StatusWarnings(final PrintStream out) {
        this.out = out;
    }

    /** Registers a listener on {@code context} that prints to {@code out}, and prints the warnings already there. */
    static void install(final Context context, final PrintStream out) {
        final StatusWarnings listener = new StatusWarnings(out);
        for (final Status s : context.getStatusManager().getCopyOfStatusList()) {
            listener.addStatusEvent(s);
        }
        context.getStatusManager().add(listener);
    }

    @Override
    public void addStatusEvent(final Status status) {
        if (status.getEffectiveLevel() < Status.WARN) {
            return;
        }
        final StringBuilder b = new StringBuilder("logback |-")
            .append(status.getEffectiveLevel() == Status.ERROR ? "ERROR" : "WARN")
            .append(" in ").append(status.getOrigin()).append(" - ").append(status.getMessage());
        synchronized (out) {
            out.println(b);
            if (status.getThrowable() != null) {
                status.getThrowable().printStackTrace(out);
            }
        }
    }

    /** Kept across a reset of the logger context, as logback's console listener is. */
    @Override
    public boolean isResetResistant() {
        return true;
    }
}
