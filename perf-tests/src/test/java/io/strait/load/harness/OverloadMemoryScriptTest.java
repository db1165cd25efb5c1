package io.strait.load.harness;

import io.strait.core.config.ConfigError;
import io.strait.core.config.ConfigLoader;
import io.strait.core.config.ConfigResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * overload-memory.sh through {@code --render-only}: every candidate's config and the backend's, without starting
 * anything. Strait's two configs (default overload manager, and the tighter direct-memory budget) must pass Strait's
 * own config loader, so the script keeps up with the {@code overload} and {@code admin} keys; HAProxy's goes through
 * {@code haproxy -c} where it is installed. Also stall-clients.py's argument checks.
 */
class OverloadMemoryScriptTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z0-9_]+@");

    private static List<String> active(final Path dir, final String file) throws IOException {
        return Files.readAllLines(dir.resolve(file)).stream().map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void everyConfigIsRenderedAndStraitsLoad(@TempDir final Path tmp) throws Exception {
        final Path dir = tmp.resolve("overload");
        final Bash.Result r = Bash.run(
            "OVERLOAD_PORT_BASE=30100 ./overload-memory.sh --tight 48MiB --render-only \"$1\"", dir.toString());
        assertThat(r.exitCode()).as("overload-memory.sh: %s", r.err()).isZero();
        assertThat(r.out()).contains("configs in " + dir);
        for (final String f : List.of("strait.yaml", "strait-tight.yaml", "nginx-proxy.conf", "haproxy.cfg",
            "nginx-backend.conf")) {
            assertThat(active(dir, f)).as(f).noneMatch(l -> PLACEHOLDER.matcher(l).find());
        }
        for (final String f : List.of("strait.yaml", "strait-tight.yaml")) {
            final ConfigResult c = ConfigLoader.load(dir.resolve(f));
            assertThat(c.errors()).as(f).extracting(ConfigError::format).isEmpty();
            assertThat(active(dir, f)).as(f).contains("admin: { address: 127.0.0.1:" + (f.equals("strait.yaml")
                ? 30111 : 30112) + " }", "endpoints: [ { address: 127.0.0.1:30100 } ]");
        }
        // The default run leaves the overload manager at its defaults; the tight one sets only the direct budget.
        assertThat(active(dir, "strait.yaml")).noneMatch(l -> l.startsWith("overload"));
        assertThat(active(dir, "strait-tight.yaml"))
            .contains("overload: { resources: { heap: {}, direct_memory: { max: 48MiB } } }");
        // The backend serves the large file and caps its send buffer; nginx's proxy keeps proxy_buffering's default.
        assertThat(active(dir, "nginx-backend.conf")).contains("listen 127.0.0.1:30100 sndbuf=256k;",
            "location = /big { alias " + dir + "/www/big; sendfile on; }");
        assertThat(active(dir, "nginx-proxy.conf")).noneMatch(l -> l.startsWith("proxy_buffering"));
        if (Bash.has("haproxy")) {
            final Bash.Result check = Bash.run("haproxy -c -q -f \"$1\"", dir.resolve("haproxy.cfg").toString());
            assertThat(check.exitCode()).as("haproxy -c: %s", check.err()).isZero();
        }
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() throws Exception {
        final Bash.Result levels = Bash.run("./overload-memory.sh -n 50,0 --render-only /nonexistent/x");
        assertThat(levels.exitCode()).isNotZero();
        assertThat(levels.err()).contains("-n: not within 1..2000: 0");
        final Bash.Result hold = Bash.run("./overload-memory.sh --hold 40 --render-only /nonexistent/x");
        assertThat(hold.exitCode()).isNotZero();
        assertThat(hold.err()).contains("--hold must be within 2..25");
        if (Bash.has("python3")) {
            final Bash.Result clients = Bash.run("python3 lib/stall-clients.py --port 1 -n 0");
            assertThat(clients.exitCode()).isNotZero();
            assertThat(clients.err()).contains("-n must be within 1..5000");
        }
    }
}
