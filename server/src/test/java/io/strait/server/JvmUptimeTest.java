package io.strait.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The JVM's age from /proc, against texts in the kernel's formats and against the runtime bean. */
class JvmUptimeTest {

    @Test
    void theStartTimeIsField22CountedAfterTheCommand() {
        final String stat = "24623 (a (b) c) R 24579 24579 19911 0 -1 4194304 128 0 0 0 0 0 0 0 20 0 1 0 5121106 "
            + "3133440 410 18446744073709551615 94413660860416";
        assertThat(JvmUptime.startTicks(stat)).isEqualTo(5121106);
        assertThat(JvmUptime.startTicks("24623 (cat) R 1 2")).isEqualTo(-1);
        assertThat(JvmUptime.startTicks("no command")).isEqualTo(-1);
    }

    @Test
    void theSystemUptimeInMillis() {
        assertThat(JvmUptime.uptimeMillis("51211.06 98765.43\n")).isEqualTo(51_211_060);
        assertThat(JvmUptime.uptimeMillis("7.5 1.0")).isEqualTo(7_500);
        assertThat(JvmUptime.uptimeMillis("42")).isEqualTo(42_000);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void agreesWithTheRuntimeBeanWithinTheClockTicks() {
        final long bean = ManagementFactory.getRuntimeMXBean().getUptime();
        final long proc = JvmUptime.fromProc();
        final long beanAfter = ManagementFactory.getRuntimeMXBean().getUptime();
        // /proc counts in 10 ms ticks, and the JVM's own clock starts a little after its thread does
        assertThat(proc).isBetween(bean - 50, beanAfter + 500);
    }
}
