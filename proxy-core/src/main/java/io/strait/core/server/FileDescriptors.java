package io.strait.core.server;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** Stateless, thread-safe. The process's file-descriptor limit, read without blocking (no file, no process). */
final class FileDescriptors {

    private FileDescriptors() {
    }

    /**
     * The RLIMIT_NOFILE soft limit as it is now (HotSpot raises it to the hard limit at start on Linux unless
     * {@code -XX:-MaxFDLimit}), or -1 where it cannot be read (not a Unix JVM).
     */
    static long limit() {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }
}
