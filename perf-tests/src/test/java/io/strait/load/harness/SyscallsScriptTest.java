package io.strait.load.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** syscalls.sh's options: its help, and the refusals that come before anything is started. */
class SyscallsScriptTest {

    @Test
    void helpNamesTheRateWindowAndTemplate() throws Exception {
        final Bash.Result r = Bash.run("./syscalls.sh --help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("-R RATE", "-d SECONDS", "STRAIT_TEMPLATE");
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() throws Exception {
        final Bash.Result rate = Bash.run("./syscalls.sh -R fast");
        assertThat(rate.exitCode()).isEqualTo(1);
        assertThat(rate.err()).contains("-R must be a positive whole number of requests/s");
        final Bash.Result zero = Bash.run("./syscalls.sh -d 0");
        assertThat(zero.exitCode()).isEqualTo(1);
        assertThat(zero.err()).contains("-d must be a positive integer");
        final Bash.Result unknown = Bash.run("./syscalls.sh --rounds 3");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown argument: --rounds");
    }
}
