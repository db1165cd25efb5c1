package io.strait.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The descriptor limit read from /proc/self/limits, against texts in its format and against the JVM's own bean. */
class FileDescriptorsTest {

    private static final String HEADER =
        "Limit                     Soft Limit           Hard Limit           Units     \n"
        + "Max cpu time              unlimited            unlimited            seconds   \n";

    @Test
    void theSoftLimitOfTheMaxOpenFilesLine() throws IOException {
        final String text = HEADER + "Max open files            20000                1048576              files     \n"
            + "Max locked memory         8388608              8388608              bytes     \n";
        assertThat(FileDescriptors.softLimit(new StringReader(text))).isEqualTo(20000);
    }

    @Test
    void unlimitedIsMinusOneAndAMissingOrGarbledLineIsUnreadable() throws IOException {
        assertThat(FileDescriptors.softLimit(new StringReader(
            HEADER + "Max open files            unlimited            unlimited            files     \n")))
            .isEqualTo(-1);
        assertThat(FileDescriptors.softLimit(new StringReader(HEADER))).isEqualTo(FileDescriptors.UNREADABLE);
        assertThat(FileDescriptors.softLimit(new StringReader(
            HEADER + "Max open files            lots                 lots                 files     \n")))
            .isEqualTo(FileDescriptors.UNREADABLE);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theProcessLimitIsTheOneTheJvmReports() {
        assertThat(Files.isReadable(Path.of("/proc/self/limits"))).isTrue();
        final UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        assertThat(FileDescriptors.limit()).isEqualTo(os.getMaxFileDescriptorCount());
    }
}
