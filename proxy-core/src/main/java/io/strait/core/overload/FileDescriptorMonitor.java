package io.strait.core.overload;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * Confined to the sampler thread. The process's open file descriptors against RLIMIT_NOFILE (or a configured budget),
 * from the JVM's Unix operating-system bean (which counts the entries of {@code /proc/self/fd}); no pressure where
 * the bean is not a Unix one.
 */
final class FileDescriptorMonitor implements ResourceMonitor {

    private final UnixOperatingSystemMXBean os;
    private final long max;

    /** A monitor against {@code configuredMax} descriptors, or the process's limit when 0. */
    FileDescriptorMonitor(final long configuredMax) {
        final OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        this.os = bean instanceof UnixOperatingSystemMXBean u ? u : null;
        this.max = configuredMax > 0 ? configuredMax : os == null ? 0 : os.getMaxFileDescriptorCount();
    }

    @Override
    public long used() {
        return os == null ? 0 : os.getOpenFileDescriptorCount();
    }

    @Override
    public long max() {
        return max;
    }
}
