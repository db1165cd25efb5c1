package io.strait.server;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stateless, thread-safe. How long ago the JVM was created, read from {@code /proc} on Linux: the start of the
 * process's second thread (the java launcher's main thread, which creates the JVM; the first is the process's own,
 * which {@code bin/strait} ran in before its exec) against the system's uptime. Both are in clock ticks of 10 ms
 * ({@code USER_HZ} is 100 on every Linux architecture the JDK runs on).
 */
final class JvmUptime {

    private static final long MILLIS_PER_TICK = 10;

    private JvmUptime() {
    }

    /** Milliseconds since the JVM was created, or -1 where {@code /proc} does not say. */
    static long fromProc() {
        try {
            final String[] tasks = new File("/proc/self/task").list();
            if (tasks == null || tasks.length < 2) {
                return -1;
            }
            long first = Long.MAX_VALUE;
            long second = Long.MAX_VALUE;
            for (final String t : tasks) {
                final long tid = Long.parseLong(t);
                if (tid < first) {
                    second = first;
                    first = tid;
                } else if (tid < second) {
                    second = tid;
                }
            }
            final long startTicks = startTicks(read("/proc/self/task/" + second + "/stat"));
            final long nowMillis = uptimeMillis(read("/proc/uptime"));
            return startTicks < 0 || nowMillis < 0 ? -1 : Math.max(0, nowMillis - startTicks * MILLIS_PER_TICK);
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String read(final String file) throws IOException {
        return Files.readString(Path.of(file), StandardCharsets.US_ASCII);
    }

    /**
     * The start time (field 22, clock ticks since boot) in a {@code /proc/PID/stat} line, or -1 when the line has no
     * such field. The fields are counted after the command's closing parenthesis, as the command may hold spaces.
     */
    static long startTicks(final String stat) {
        final int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        final String[] fields = stat.substring(close + 1).trim().split(" ");
        // fields[0] is field 3 (the state): field 22 is fields[19]
        return fields.length > 19 ? Long.parseLong(fields[19]) : -1;
    }

    /** The system's uptime in milliseconds from a {@code /proc/uptime} text ("12345.67 2345.67"), or -1. */
    static long uptimeMillis(final String uptime) {
        final String s = uptime.trim();
        final int space = s.indexOf(' ');
        final String secs = space < 0 ? s : s.substring(0, space);
        final int dot = secs.indexOf('.');
        if (dot < 0) {
            return Long.parseLong(secs) * 1000;
        }
        final String frac = (secs.substring(dot + 1) + "000").substring(0, 3);
        return Long.parseLong(secs.substring(0, dot)) * 1000 + Long.parseLong(frac);
    }
}
