package io.strait.load.harness;

import io.strait.load.LoadOptions;
import io.strait.load.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * compare.sh's HTTP/2 scenarios through {@code --render-only}: the configs every candidate gets (h2 to the client,
 * HTTP/1.1 keep-alive to the backend) and h2load's command lines, without installing or starting anything; the
 * HTTP/1.1 scenarios' configs stay as they were. The rendered configs go through {@code haproxy -c} and
 * {@code nginx -t} only where those are installed.
 */
class CompareH2ScenarioTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("@[A-Z0-9_]+@");

    /** compare.sh SCENARIO --render-only DIR [ARGS]; fails the test unless it succeeds. */
    private static Path render(final Path dir, final String scenario, final String... args) throws Exception {
        final String[] all = new String[args.length + 3];
        all[0] = scenario;
        all[1] = "--render-only";
        all[2] = dir.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        final Bash.Result r = Bash.run("./compare.sh \"$@\"", all);
        assertThat(r.exitCode()).as("compare.sh: %s", r.err()).isZero();
        assertThat(r.out()).contains("configs in " + dir);
        return dir;
    }

    private static String read(final Path dir, final String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }

    /** The file's lines that are not comments (nginx, HAProxy and YAML all use #). */
    private static List<String> active(final Path dir, final String file) throws IOException {
        return Files.readAllLines(dir.resolve(file)).stream().map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static void noPlaceholderLeft(final Path dir) throws IOException {
        for (final String f : List.of("nginx-backend.conf", "nginx-proxy.conf", "haproxy.cfg", "strait.yaml")) {
            assertThat(active(dir, f)).as(f).noneMatch(l -> PLACEHOLDER.matcher(l).find());
        }
    }

    @Test
    void h2cGivesEveryCandidateAnH2cFrontAndKeepsTheBackendOnHttp11(@TempDir final Path tmp) throws Exception {
        final Path dir = render(tmp.resolve("r"), "h2c-1kib", "-d", "5", "-r", "1");
        noPlaceholderLeft(dir);
        assertThat(active(dir, "haproxy.cfg")).contains("bind 127.0.0.1:28083 proto h2", "http-reuse always",
            "server backend1 127.0.0.1:28080");
        // nginx: h2c with prior knowledge in front; upstream HTTP/1.1 with a pool for every stream in flight.
        assertThat(active(dir, "nginx-proxy.conf")).contains("listen 127.0.0.1:28082 http2;", "keepalive 640;",
            "proxy_http_version 1.1;", "server 127.0.0.1:28080;");
        // The backend: its HTTP/1.1 listener for the proxies, an h2c one for "direct".
        assertThat(active(dir, "nginx-backend.conf")).contains("listen 127.0.0.1:28080;",
            "listen 127.0.0.1:28085 http2;");
        // Strait: the template as it is (h2c is a plaintext listener's default), no TLS block.
        assertThat(active(dir, "strait.yaml")).contains("address: 127.0.0.1:28081",
            "endpoints: [ { address: 127.0.0.1:28080 } ]").noneMatch(l -> l.contains("tls"));
        assertThat(Files.readAllLines(dir.resolve("h2load-commands.txt"))).containsExactly(
            "direct throughput: h2load -t1 -c 64 -m 10 -D 5 http://127.0.0.1:28085/",
            "direct latency: h2load -t1 -c 64 -m 10 -D 5 --rps=156.250 --log-file=" + dir
                + "/direct.latency1.log http://127.0.0.1:28085/",
            "strait throughput: h2load -t1 -c 64 -m 10 -D 5 http://127.0.0.1:28081/",
            "strait latency: h2load -t1 -c 64 -m 10 -D 5 --rps=156.250 --log-file=" + dir
                + "/strait.latency1.log http://127.0.0.1:28081/",
            "nginx throughput: h2load -t1 -c 64 -m 10 -D 5 http://127.0.0.1:28082/",
            "nginx latency: h2load -t1 -c 64 -m 10 -D 5 --rps=156.250 --log-file=" + dir
                + "/nginx.latency1.log http://127.0.0.1:28082/",
            "haproxy throughput: h2load -t1 -c 64 -m 10 -D 5 http://127.0.0.1:28083/",
            "haproxy latency: h2load -t1 -c 64 -m 10 -D 5 --rps=156.250 --log-file=" + dir
                + "/haproxy.latency1.log http://127.0.0.1:28083/");
    }

    @Test
    void connectionsAndStreamsComeFromTheScenarioOrTheCommandLine(@TempDir final Path tmp) throws Exception {
        final Path m100 = render(tmp.resolve("m100"), "h2c-1kib-m100", "-d", "5", "-R", "0", "--only", "haproxy");
        assertThat(Files.readAllLines(m100.resolve("h2load-commands.txt")))
            .containsExactly("haproxy throughput: h2load -t1 -c 8 -m 100 -D 5 http://127.0.0.1:28083/");
        assertThat(active(m100, "nginx-proxy.conf")).contains("keepalive 800;");
        final Path over = render(tmp.resolve("over"), "h2c-1kib", "-d", "7", "-c", "4", "-m", "20", "-R", "800",
            "--only", "strait");
        assertThat(Files.readAllLines(over.resolve("h2load-commands.txt"))).containsExactly(
            "strait throughput: h2load -t1 -c 4 -m 20 -D 7 http://127.0.0.1:28081/",
            "strait latency: h2load -t1 -c 4 -m 20 -D 7 --rps=200.000 --log-file=" + over
                + "/strait.latency1.log http://127.0.0.1:28081/");
        assertThat(active(over, "nginx-proxy.conf")).contains("keepalive 80;");
    }

    @Test
    void h2OverTlsOffersH2ByAlpnEverywhere(@TempDir final Path tmp) throws Exception {
        final Path dir = render(tmp.resolve("r"), "h2-tls-1kib", "-d", "5", "--only", "direct,strait");
        noPlaceholderLeft(dir);
        final String tls = dir.resolve("tls").toString();
        assertThat(active(dir, "haproxy.cfg")).contains("bind 127.0.0.1:28083 ssl crt " + tls
            + "/combined.pem ssl-min-ver TLSv1.2 alpn h2,http/1.1");
        assertThat(active(dir, "nginx-proxy.conf")).contains("listen 127.0.0.1:28082 ssl http2;",
            "include " + tls + "/nginx-tls.inc;");
        assertThat(active(dir, "strait.yaml")).contains("tls: { certificates: [ { cert: " + tls + "/server.pem, key: "
            + tls + "/server.key } ], alpn: [ h2, http/1.1 ], ecdh_curves: [ X25519, P-256 ] }");
        // "direct": the backend's TLS listener, with http2 (the include compare.sh writes beside the certificates).
        assertThat(active(dir, "nginx-backend.conf")).contains("include " + tls + "/backend-tls.inc;")
            .noneMatch(l -> l.contains("28085"));
        assertThat(read(dir, "backend-tls.inc.example")).isEqualTo("listen 127.0.0.1:28084 ssl http2;\n");
        assertThat(Files.readAllLines(dir.resolve("h2load-commands.txt"))).containsExactly(
            "direct throughput: h2load -t1 -c 64 -m 10 -D 5 --npn-list=h2 https://127.0.0.1:28084/",
            "direct latency: h2load -t1 -c 64 -m 10 -D 5 --npn-list=h2 --rps=78.125 --log-file=" + dir
                + "/direct.latency1.log https://127.0.0.1:28084/",
            "strait throughput: h2load -t1 -c 64 -m 10 -D 5 --npn-list=h2 https://127.0.0.1:28081/",
            "strait latency: h2load -t1 -c 64 -m 10 -D 5 --npn-list=h2 --rps=78.125 --log-file=" + dir
                + "/strait.latency1.log https://127.0.0.1:28081/");
    }

    @Test
    void http11ScenariosKeepTheirConfigs(@TempDir final Path tmp) throws Exception {
        final Path plain = render(tmp.resolve("plain"), "1kib-keepalive");
        noPlaceholderLeft(plain);
        assertThat(active(plain, "haproxy.cfg")).contains("bind 127.0.0.1:28083");
        assertThat(active(plain, "nginx-proxy.conf")).contains("listen 127.0.0.1:28082;", "keepalive 64;");
        assertThat(active(plain, "nginx-backend.conf")).contains("listen 127.0.0.1:28080;")
            .noneMatch(l -> l.contains("http2"));
        assertThat(plain.resolve("h2load-commands.txt")).doesNotExist();
        final Path tls = render(tmp.resolve("tls"), "tls-1kib-keepalive");
        assertThat(active(tls, "haproxy.cfg")).anyMatch(l -> l.endsWith("ssl-min-ver TLSv1.2 alpn http/1.1"));
        assertThat(active(tls, "nginx-proxy.conf")).contains("listen 127.0.0.1:28082 ssl;");
        assertThat(read(tls, "strait.yaml")).doesNotContain("alpn");
    }

    @Test
    void streamsAreRefusedForHttp11(@TempDir final Path tmp) throws Exception {
        final Bash.Result r = Bash.run("./compare.sh 1kib-keepalive -m 10 --render-only \"$1\"",
            tmp.resolve("never").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("-m is for HTTP/2 scenarios (protocol = h2)");
    }

    @Test
    void theH2cScenariosAreStraitLoadScenariosTooTheTlsOneIsNot() {
        final LoadOptions c64 = options("h2c-1kib.conf");
        assertThat(c64.h2()).isTrue();
        assertThat(c64.connections()).isEqualTo(64);
        assertThat(c64.streams()).isEqualTo(10);
        final LoadOptions c8 = options("h2c-1kib-m100.conf");
        assertThat(c8.connections()).isEqualTo(8);
        assertThat(c8.streams()).isEqualTo(100);
        // h2 over TLS is compare.sh's (h2load's) alone: strait-load says why it refuses the file.
        assertThatThrownBy(() -> options("h2-tls-1kib.conf")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("h2 over TLS (ALPN) is not implemented");
    }

    private static LoadOptions options(final String scenario) {
        final LoadOptions.Builder b = LoadOptions.builder();
        Scenario.load(Bash.DIR.resolve("scenarios").resolve(scenario)).applyTo(b);
        return b.set("url", "http://127.0.0.1:28081/").build();
    }

    @Test
    void haproxyAcceptsTheRenderedConfigs(@TempDir final Path tmp) throws Exception {
        assumeTrue(Bash.has("haproxy"), "haproxy is not installed");
        for (final String scenario : List.of("h2c-1kib", "1kib-keepalive")) {
            final Path dir = render(tmp.resolve(scenario), scenario);
            final Bash.Result r = Bash.run("haproxy -c -q -f \"$1\"", dir.resolve("haproxy.cfg").toString());
            assertThat(r.exitCode()).as("%s: %s", scenario, r.err()).isZero();
        }
    }

    @Test
    void nginxAcceptsTheRenderedConfigs(@TempDir final Path tmp) throws Exception {
        assumeTrue(Bash.has("nginx"), "nginx is not installed");
        final Path dir = render(tmp.resolve("h2c"), "h2c-1kib");
        for (final String conf : List.of("nginx-backend.conf", "nginx-proxy.conf")) {
            final Bash.Result r = Bash.run("nginx -t -q -p \"$1\" -e \"$1/t.error.log\" -c \"$1/$2\"",
                dir.toString(), conf);
            assertThat(r.exitCode()).as("%s: %s", conf, r.err()).isZero();
        }
    }
}
