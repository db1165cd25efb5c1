package io.strait.load.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * lib/harness.sh's ensure_tools with TOOL:PACKAGE: h2load comes from Debian's nghttp2-client. Runs with a PATH of
 * stand-ins only (an apt-get that records its arguments and "installs" what it is asked for), so nothing is
 * installed for real.
 */
class EnsureToolsTest {

    private static void script(final Path bin, final String name, final String body) throws Exception {
        final Path f = bin.resolve(name);
        Files.writeString(f, "#!/bin/bash\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The tools ensure_tools checks for, as no-ops; a real env (it runs apt-get) and a sudo that just runs. */
    private static void standIns(final Path bin) throws Exception {
        for (final String tool : new String[] {"nginx", "haproxy", "java", "curl", "taskset", "awk"}) {
            script(bin, tool, "exit 0");
        }
        script(bin, "getconf", "echo 2");
        script(bin, "env", "exec /usr/bin/env \"$@\"");
        script(bin, "sudo", "exec \"$@\"");
    }

    @Test
    void aMissingH2loadIsInstalledFromNghttp2Client(@TempDir final Path tmp) throws Exception {
        final Path bin = Files.createDirectories(tmp.resolve("bin"));
        standIns(bin);
        script(bin, "timeout", "exit 0");
        // apt-get install -y PACKAGE...: records the packages; nghttp2-client brings h2load, as Debian's does.
        script(bin, "apt-get", "echo \"$*\" >>\"" + tmp.resolve("apt.log") + "\"\n"
            + "for p in \"$@\"; do [[ $p == nghttp2-client ]] && printf '#!/bin/bash\\n' >\"" + bin.resolve("h2load")
            + "\" && /bin/chmod +x \"" + bin.resolve("h2load") + "\"; done; exit 0");
        final Bash.Result r = Bash.run("PATH=\"$1\"; SCRIPT_NAME=test; PROXY_CPU=1; LOAD_CPU=0;"
            + " source lib/harness.sh && ensure_tools h2load:nghttp2-client timeout:coreutils && echo ready",
            bin.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("ready\n");
        // Only the missing tool, by its package's name (timeout is there); one apt-get call sufficed.
        assertThat(Files.readString(tmp.resolve("apt.log"))).isEqualTo("install -y nghttp2-client\n");
        assertThat(bin.resolve("h2load")).isExecutable();
    }

    @Test
    void aToolStillMissingAfterTheInstallStopsTheScript(@TempDir final Path tmp) throws Exception {
        final Path bin = Files.createDirectories(tmp.resolve("bin"));
        standIns(bin);
        script(bin, "apt-get", "exit 0");   // installs nothing
        final Bash.Result r = Bash.run("PATH=\"$1\"; SCRIPT_NAME=test; PROXY_CPU=1; LOAD_CPU=0;"
            + " source lib/harness.sh && ensure_tools h2load:nghttp2-client && echo ready", bin.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("test: required tool not found: h2load");
    }
}
