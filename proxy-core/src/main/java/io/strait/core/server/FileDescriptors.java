package io.strait.core.server;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Stateless, thread-safe. The process's file-descriptor limit, read at start: from {@code /proc/self/limits} on Linux
 * (a few string operations), else from the JVM's Unix operating-system bean. The bean is the fallback only: looking
 * it up loads the platform MBean machinery (java.lang.management, javax.management, java.util.logging, cgroup
 * metrics: some 150 classes, ~1 MiB of resident memory for the life of the process).
 */
final class FileDescriptors {

    private static final String LIMITS = "/proc/self/limits";
    private static final String LINE = "Max open files";

    private FileDescriptors() {
    }

    /**
     * The RLIMIT_NOFILE soft limit as it is now (HotSpot raises it to the hard limit at start on Linux unless
     * {@code -XX:-MaxFDLimit}), or -1 where it cannot be read (neither {@code /proc} nor a Unix JVM) or is unlimited.
     */
    static long limit() {
        try (Reader r = new InputStreamReader(new FileInputStream(LIMITS), StandardCharsets.US_ASCII)) {
            final long soft = softLimit(r);
            if (soft != UNREADABLE) {
                return soft;
            }
        } catch (final IOException | RuntimeException e) {
            // no /proc (not Linux): the bean
        }
        return MxBean.limit();
    }

    /** What {@link #softLimit} returns when the text has no readable "Max open files" line. */
    static final long UNREADABLE = -2;

    /**
     * The soft limit on the "Max open files" line of a {@code /proc/PID/limits} text ({@code -1} for "unlimited"), or
     * {@link #UNREADABLE} when there is no such line or its figure is not a number.
     */
    static long softLimit(final Reader limits) throws IOException {
        final BufferedReader in = new BufferedReader(limits);
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (!line.startsWith(LINE)) {
                continue;
            }
            final String rest = line.substring(LINE.length()).trim();
            final int end = rest.indexOf(' ');
            final String soft = end < 0 ? rest : rest.substring(0, end);
            if (soft.equals("unlimited")) {
                return -1;
            }
            try {
                return Long.parseLong(soft);
            } catch (final NumberFormatException e) {
                return UNREADABLE;
            }
        }
        return UNREADABLE;
    }

    /** The bean's figure, in a class of its own so that the management classes load only when it is used. */
    private static final class MxBean {
        static long limit() {
            final java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
            return -1;
        }
    }
}
